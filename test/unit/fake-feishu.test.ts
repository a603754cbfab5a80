/** FakeFeishu driven by the official SDK: auth, sending, replies, uuid dedupe and card patches. */
import * as lark from '@larksuiteoapi/node-sdk';
import { FakeFeishu } from '../../src/sandbox/feishu-stand-in/server';
import { manualClock } from '../fake-feishu/clock';
import { failure, sdkClient } from '../fake-feishu/sdk-client';

const clock = manualClock();
let fake: FakeFeishu;
let client: lark.Client;

const card = (title: string, shared = true) => ({
  schema: '2.0',
  config: shared ? { update_multi: true } : {},
  header: { title: { tag: 'plain_text', content: title } },
  body: { elements: [{ tag: 'markdown', content: title }] },
});
const sendCard = (chatId: string, c: object, uuid?: string) =>
  client.im.v1.message.create({
    params: { receive_id_type: 'chat_id' },
    data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(c), uuid },
  });
const sendText = (type: 'chat_id' | 'open_id' | 'email', id: string, text: string, uuid?: string) =>
  client.im.v1.message.create({
    params: { receive_id_type: type },
    data: { receive_id: id, msg_type: 'text', content: JSON.stringify({ text }), uuid },
  });

beforeAll(async () => {
  fake = await FakeFeishu.start({ now: clock.now });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset({ directory: true });
  clock.advance(10_000); // fresh rate-limit windows between tests
  fake.addUser({ openId: 'ou_alice', name: 'Alice', email: 'alice@example.com', mobile: '+8613800000001' });
  fake.addUser({ openId: 'ou_bob', name: 'Bob', outOfScope: true });
  fake.addChat({ chatId: 'oc_group', name: '督导一组', members: ['ou_alice'] });
  client = sdkClient(fake);
});

describe('auth', () => {
  const tokenCall = async (secret = 'secret'): Promise<any> =>
    (await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: 'cli_test', app_secret: secret }),
    })).json();

  it('issues a token, reuses it while ≥30 min remain, and rejects a bad secret', async () => {
    const first = await tokenCall();
    expect(first).toMatchObject({ code: 0, expire: 7200 });
    expect(first.tenant_access_token).toMatch(/^t-/);
    expect(first.data).toBeUndefined();
    clock.advance(60 * 60_000);
    const again = await tokenCall();
    expect(again.tenant_access_token).toBe(first.tenant_access_token);
    expect(again.expire).toBe(3600);
    clock.advance(45 * 60_000); // 15 min left: a new token, and the old one still works
    const renewed = await tokenCall();
    expect(renewed.tenant_access_token).not.toBe(first.tenant_access_token);
    const info = await fetch(`${fake.url}/open-apis/bot/v3/info`, { headers: { authorization: `Bearer ${first.tenant_access_token}` } });
    expect(await info.json()).toMatchObject({ code: 0, bot: { open_id: 'ou_bot', app_name: '督导助手' } });
    expect(await tokenCall('wrong')).toMatchObject({ code: 10014 });

    await expect(sdkClient(fake, { appSecret: 'nope' }).im.v1.message.get({ path: { message_id: 'om_1' } })).rejects.toThrow();
    expect(fake.calls({ path: '/open-apis/auth/*', code: 10014 })).toHaveLength(2);
  });

  it('the SDK fetches one token and reuses it; an expired token answers 99991663', async () => {
    await sendText('chat_id', 'oc_group', 'a');
    await sendText('chat_id', 'oc_group', 'b');
    expect(fake.calls({ path: '/open-apis/auth/v3/tenant_access_token/internal' })).toHaveLength(1);
    const token = String(fake.calls({ path: '/open-apis/im/v1/messages' })[0].headers.authorization);
    expect(token).toMatch(/^Bearer t-/);

    clock.advance(2 * 3600_000 + 1); // the fake's token expired; the SDK's cache (real clock) still holds it
    const err = await failure(sendText('chat_id', 'oc_group', 'c'));
    expect(err.status).toBe(400);
    expect(err.data).toMatchObject({ code: 99991663, msg: 'Invalid access token for authorization' });
  });

  it('documents SDK 1.74.0: a domain with a port works for generated methods (1.73.0 threw "request miss PORT path argument")', async () => {
    const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };
    const direct = new lark.Client({ appId: 'cli_test', appSecret: 'secret', domain: fake.url, cache: new lark.DefaultCache(), logger: quiet });
    const created = await direct.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_group', msg_type: 'text', content: JSON.stringify({ text: 'x' }) },
    });
    expect(created).toMatchObject({ code: 0, data: { chat_id: 'oc_group' } });
    // a path parameter next to the port: what 1.73.0's fillApiPath broke
    const members = await direct.im.v1.chatMembers.isInChat({ path: { chat_id: 'oc_group' } });
    expect(members).toMatchObject({ code: 0, data: { is_in_chat: true } });
    const viaRequest = await direct.request({ method: 'GET', url: '/open-apis/im/v1/chats/oc_group/members/is_in_chat' });
    expect(viaRequest).toMatchObject({ code: 0, data: { is_in_chat: true } });
  });

  it('refuses calls without a token, and unknown paths with 404', async () => {
    const res = await fetch(`${fake.url}/open-apis/im/v1/messages/om_1`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 99991663 });
    const missing = await fetch(`${fake.url}/open-apis/nothing/here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 404 });
  });
});

describe('sending', () => {
  it('sends to a chat and to a person (their p2p chat), recording parsed content', async () => {
    const toChat = await sendText('chat_id', 'oc_group', '你好');
    expect(toChat.code).toBe(0);
    expect(toChat.data).toMatchObject({ message_id: expect.stringMatching(/^om_/), chat_id: 'oc_group', msg_type: 'text' });
    expect(toChat.data?.sender).toMatchObject({ id: 'cli_test', id_type: 'app_id', sender_type: 'app' });

    const toAlice = await sendText('open_id', 'ou_alice', '请签收');
    expect(toAlice.data?.chat_id).toBe('oc_p2p_ou_alice');
    const byEmail = await sendText('email', 'alice@example.com', '再次提醒');
    expect(byEmail.data?.chat_id).toBe('oc_p2p_ou_alice');
    expect(fake.messagesIn('oc_p2p_ou_alice').map((m) => m.content)).toEqual([{ text: '请签收' }, { text: '再次提醒' }]);

    const [call] = fake.calls({ method: 'POST', path: '/open-apis/im/v1/messages' });
    expect(call).toMatchObject({ query: { receive_id_type: 'chat_id' }, body: { content: { text: '你好' } }, status: 200, code: 0 });
  });

  it('returns the first message for a repeated uuid and creates nothing', async () => {
    const a = await sendText('chat_id', 'oc_group', 'once', 'u-1');
    const b = await sendText('chat_id', 'oc_group', 'twice', 'u-1');
    expect(b.data?.message_id).toBe(a.data?.message_id);
    expect(fake.messagesIn('oc_group')).toHaveLength(1);
    clock.advance(3600_000 + 1); // after an hour the uuid is free again
    const c = await sendText('chat_id', 'oc_group', 'later', 'u-1');
    expect(c.data?.message_id).not.toBe(a.data?.message_id);
    expect(fake.calls({ path: '/open-apis/im/v1/messages' }).map((x) => x.uuid)).toEqual(['u-1', 'u-1', 'u-1']);
  });

  it('refuses a chat without the bot (230002), a person outside availability (230013), a dissolved chat (232009)', async () => {
    fake.setBotInChat('oc_group', false);
    expect((await failure(sendText('chat_id', 'oc_group', 'x'))).data).toMatchObject({ code: 230002, error: { log_id: expect.any(String) } });
    expect((await failure(sendText('open_id', 'ou_bob', 'x'))).data).toMatchObject({ code: 230013 });
    fake.addChat({ chatId: 'oc_gone', name: 'gone', members: ['ou_alice'], dissolved: true });
    expect((await failure(sendText('chat_id', 'oc_gone', 'x'))).data).toMatchObject({ code: 232009 });
    expect((await failure(sendText('chat_id', 'oc_unknown', 'x'))).data).toMatchObject({ code: 230001 });
    expect(fake.messagesIn('oc_group')).toHaveLength(0);
  });

  it('validates content: bad JSON 230001, a non-card 230099, a card over 30 KB 230025', async () => {
    const raw = (msg_type: string, content: string) =>
      failure(client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_group', msg_type, content } }));
    expect((await raw('text', '{not json')).data.code).toBe(230001);
    expect((await raw('interactive', '{not json')).data.code).toBe(230099);
    expect((await raw('interactive', JSON.stringify({ hello: 1 }))).data.code).toBe(230099);
    expect((await raw('interactive', JSON.stringify({ schema: '2.0', elements: [] }))).data.code).toBe(230099);
    const big = card('x'.repeat(31 * 1024));
    expect((await raw('interactive', JSON.stringify(big))).data.code).toBe(230025);
    const v1 = await sendCard('oc_group', { config: { wide_screen_mode: true }, elements: [] });
    expect(v1.code).toBe(0);
  });

  it('reply lands in the same chat with parent/root, and opens a thread on request', async () => {
    const root = await sendCard('oc_group', card('督办单'));
    const rootId = root.data!.message_id!;
    const plain = await client.im.v1.message.reply({
      path: { message_id: rootId },
      data: { msg_type: 'text', content: JSON.stringify({ text: '收到' }) },
    });
    expect(plain.data).toMatchObject({ chat_id: 'oc_group', parent_id: rootId, root_id: rootId });
    expect(plain.data?.thread_id).toBeUndefined();

    const threaded = await client.im.v1.message.reply({
      path: { message_id: rootId },
      data: { msg_type: 'text', content: JSON.stringify({ text: '话题' }), reply_in_thread: true },
    });
    expect(threaded.data?.thread_id).toMatch(/^omt_/);
    expect(fake.message(rootId)?.thread_id).toBe(threaded.data?.thread_id);
    // a reply to a message in a thread stays in it, rooted at the thread's root
    const deeper = await client.im.v1.message.reply({
      path: { message_id: threaded.data!.message_id! },
      data: { msg_type: 'text', content: JSON.stringify({ text: '继续' }) },
    });
    expect(deeper.data).toMatchObject({ root_id: rootId, parent_id: threaded.data?.message_id, thread_id: threaded.data?.thread_id });
    expect(fake.messagesIn('oc_group').map((m) => m.msg_type)).toEqual(['interactive', 'text', 'text', 'text']);
  });

  it('gets a message as data.items[0] with its current content', async () => {
    const sent = await sendCard('oc_group', card('v1'));
    const got = await client.im.v1.message.get({ path: { message_id: sent.data!.message_id! } });
    expect(got.data?.items?.[0]).toMatchObject({ message_id: sent.data?.message_id, body: { content: JSON.stringify(card('v1')) } });
  });
});

describe('patching cards', () => {
  it('updates the current card and keeps the history', async () => {
    const sent = await sendCard('oc_group', card('v1'));
    const id = sent.data!.message_id!;
    const events: string[] = [];
    fake.on('patch', (p) => events.push(p.message.message_id));
    await client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card('v2')) } });
    await client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card('v3')) } });
    expect(fake.cardOf(id)).toEqual(card('v3'));
    expect(fake.patchesOf(id).map((p) => (p.content as ReturnType<typeof card>).header.title.content)).toEqual(['v2', 'v3']);
    expect(fake.message(id)?.versions[0].content).toEqual(card('v1'));
    expect(fake.messagesIn('oc_group')[0].content).toEqual(card('v3'));
    expect(events).toEqual([id, id]);
    fake.removeAllListeners('patch');
  });

  it('refuses a card without update_multi, a non-card, a 2.0→1.0 change and one older than 14 days', async () => {
    const patch = (id: string, c: object) =>
      failure(client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(c) } }));
    const unshared = (await sendCard('oc_group', card('private', false))).data!.message_id!;
    expect((await patch(unshared, card('v2'))).data.code).toBe(230001);
    const shared = (await sendCard('oc_group', card('v1'))).data!.message_id!;
    expect((await patch(shared, card('v2', false))).data.code).toBe(230001);
    expect((await patch(shared, { config: { update_multi: true }, elements: [] })).data.code).toBe(230099);
    const text = (await sendText('chat_id', 'oc_group', 'hi')).data!.message_id!;
    expect((await patch(text, card('v2'))).data.code).toBe(230001);
    clock.advance(14 * 86_400_000 + 1);
    client = sdkClient(fake); // the old token expired on the fake's clock; the SDK's cache runs on real time
    expect((await patch(shared, card('late'))).data.code).toBe(230031);
    expect(fake.cardOf(shared)).toEqual(card('v1'));
  });

  it('allows 5 updates a second per message', async () => {
    const id = (await sendCard('oc_group', card('v0'))).data!.message_id!;
    const results = [];
    for (let i = 1; i <= 6; i++) {
      results.push(await client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card(`v${i}`)) } })
        .then(() => 0, (e) => e.response.data.code));
    }
    expect(results).toEqual([0, 0, 0, 0, 0, 230020]);
    clock.advance(1000);
    await client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card('v7')) } });
    expect(fake.stats().rejected.perMessage).toBe(1);
  });
});
