/** FakeFeishu: uploads/downloads, contact and chat lookups, delayed card updates, buzz, people's messages. */
import * as lark from '@larksuiteoapi/node-sdk';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { FakeFeishu } from '../../src/sandbox/feishu-stand-in/server';
import { manualClock } from '../fake-feishu/clock';
import { messageEvent } from '../../src/sandbox/feishu-stand-in/inbound';
import { failure, sdkClient } from '../fake-feishu/sdk-client';
import type { FakeMessage } from '../../src/sandbox/feishu-stand-in/types';

const clock = manualClock();
let fake: FakeFeishu;
let client: lark.Client;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from([0xff, 0xfe, 0x00, 0x80]), randomBytes(64)]);
const card = (title: string) => ({ schema: '2.0', config: { update_multi: true }, body: { elements: [{ tag: 'markdown', content: title }] } });

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
const send = (msg_type: string, content: object, chatId = 'oc_group') =>
  client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type, content: JSON.stringify(content) } });

beforeAll(async () => {
  fake = await FakeFeishu.start({ now: clock.now });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset({ directory: true });
  clock.advance(10_000);
  fake.addUser({ openId: 'ou_alice', name: 'Alice', email: 'alice@example.com', mobile: '+8613800000001' });
  fake.addUser({ openId: 'ou_bob', name: 'Bob', mobile: '13800000002', outOfScope: true });
  fake.addChat({ chatId: 'oc_group', name: '督导一组', members: ['ou_alice', 'ou_bob'] });
  client = sdkClient(fake);
});

describe('images and files', () => {
  it('uploads an image, sends it, and downloads the same bytes', async () => {
    const uploaded = await client.im.v1.image.create({ data: { image_type: 'message', image: PNG } });
    expect(uploaded?.image_key).toMatch(/^img_v3_/);
    const sent = await send('image', { image_key: uploaded!.image_key });
    const res = await client.im.v1.messageResource.get({
      path: { message_id: sent.data!.message_id!, file_key: uploaded!.image_key! },
      params: { type: 'image' },
    });
    expect(await bytesOf(res.getReadableStream())).toEqual(PNG);
    expect(res.headers['content-type']).toBe('image/png');
    expect(fake.calls({ path: '/open-apis/im/v1/images' })[0].body).toMatchObject({ image_type: 'message', image: { size: PNG.length } });
  });

  it('uploads a file with its name and serves it back', async () => {
    const pdf = Buffer.from('%PDF-1.4 fake');
    const up = await client.im.v1.file.create({ data: { file_type: 'pdf', file_name: '整改报告.pdf', file: pdf } });
    const sent = await send('file', { file_key: up!.file_key });
    const res = await client.im.v1.messageResource.get({
      path: { message_id: sent.data!.message_id!, file_key: up!.file_key! }, params: { type: 'file' },
    });
    expect(await bytesOf(res.getReadableStream())).toEqual(pdf);
    expect(decodeURIComponent(String(res.headers['content-disposition']))).toContain('整改报告.pdf');
  });

  it("serves a person's image from their message, and refuses other keys, cards and empty uploads", async () => {
    const key = fake.addResource(PNG, { type: 'image' });
    const evidence = fake.ingest(messageEvent({ senderOpenId: 'ou_alice', chatType: 'group', chatId: 'oc_group', content: { image_key: key } }));
    const get = (messageId: string, fileKey: string) =>
      client.im.v1.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type: 'image' } });
    expect(await bytesOf((await get(evidence.message_id, key)).getReadableStream())).toEqual(PNG);
    const other = fake.addResource(PNG, { type: 'image' });
    expect((await failure(get(evidence.message_id, other))).status).toBe(400);
    const cardMsg = await send('interactive', card('x'));
    expect((await failure(get(cardMsg.data!.message_id!, key))).status).toBe(400);
    expect(fake.calls({ path: '/open-apis/im/v1/messages/:id/resources/:key' }).map((c) => [c.status, c.code]))
      .toEqual([[200, undefined], [400, 234003], [400, 234043]]);
    const empty = await failure(client.im.v1.image.create({ data: { image_type: 'message', image: Buffer.alloc(0) } }));
    expect(empty.data).toMatchObject({ code: 234001 });
  });
});

describe('contact and chats', () => {
  it('batch_get_id resolves known emails and mobiles; unknown and out-of-scope come back without user_id', async () => {
    const res = await client.request<any>({
      method: 'POST',
      url: '/open-apis/contact/v3/users/batch_get_id',
      params: { user_id_type: 'open_id' },
      data: { emails: ['alice@example.com', 'nobody@example.com'], mobiles: ['13800000001', '13800000002'] },
    });
    expect(res.code).toBe(0);
    expect(res.data.user_list).toEqual([
      expect.objectContaining({ user_id: 'ou_alice', email: 'alice@example.com', status: expect.objectContaining({ is_resigned: false }) }),
      { email: 'nobody@example.com' },
      expect.objectContaining({ user_id: 'ou_alice', mobile: '13800000001' }),
      { mobile: '13800000002' },
    ]);
  });

  it('chat info and is_in_chat; a bot outside the chat sees the basics only', async () => {
    const info = await client.im.v1.chat.get({ path: { chat_id: 'oc_group' } });
    expect(info.data).toMatchObject({ name: '督导一组', chat_status: 'normal', user_count: '2', owner_id: 'ou_alice' });
    expect((await client.im.v1.chatMembers.isInChat({ path: { chat_id: 'oc_group' } })).data?.is_in_chat).toBe(true);
    fake.setBotInChat('oc_group', false);
    const outside = await client.im.v1.chat.get({ path: { chat_id: 'oc_group' } });
    expect(outside.data?.owner_id).toBeUndefined();
    expect(outside.data).toMatchObject({ name: '督导一组', bot_count: '0' });
    expect((await client.im.v1.chatMembers.isInChat({ path: { chat_id: 'oc_group' } })).data?.is_in_chat).toBe(false);
    fake.setChatDissolved('oc_group');
    expect((await client.im.v1.chat.get({ path: { chat_id: 'oc_group' } })).data?.chat_status).toBe('dissolved');
  });
});

describe('delayed card update', () => {
  const update = (token: string, c: object) =>
    client.request<any>({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { token, card: c } });

  it('a callback token updates the card twice within 30 minutes, then no more', async () => {
    const id = (await send('interactive', card('v1'))).data!.message_id!;
    const token = fake.issueCardToken(id);
    expect(token).toMatch(/^c-/);
    expect((await update(token, card('v2'))).code).toBe(0);
    expect((await update(token, card('v3'))).code).toBe(0);
    expect((await failure(update(token, card('v4')))).data).toMatchObject({ code: 230001 });
    expect(fake.cardOf(id)).toEqual(card('v3'));
    expect(fake.patchesOf(id).map((p) => p.via)).toEqual(['card_update', 'card_update']);

    const late = fake.issueCardToken(id);
    clock.advance(30 * 60_000);
    expect((await failure(update(late, card('v5')))).data.msg).toContain('expired');
    expect((await failure(update(fake.issueCardToken(id), card('x'.repeat(31 * 1024))))).data.code).toBe(230025);
  });

  it('cardAction() builds a callback whose token the fake accepts', async () => {
    const id = (await send('interactive', card('v1'))).data!.message_id!;
    const env = fake.cardAction({ operatorOpenId: 'ou_alice', value: { action: 'sign' }, openMessageId: id, openChatId: 'oc_group' });
    expect(env.header.event_type).toBe('card.action.trigger');
    expect((await update(env.event.token, card('signed'))).code).toBe(0);
    expect(fake.cardOf(id)).toEqual(card('signed'));
  });
});

describe("buzz and people's messages", () => {
  it('urgent_app buzzes members and lists the others as invalid', async () => {
    const urgents: string[][] = [];
    fake.on('urgent', (u) => urgents.push(u.userIds));
    const id = (await send('interactive', card('催办'))).data!.message_id!;
    const res = await client.im.v1.message.urgentApp({
      path: { message_id: id }, params: { user_id_type: 'open_id' }, data: { user_id_list: ['ou_alice', 'ou_stranger'] },
    });
    expect(res.data?.invalid_user_id_list).toEqual(['ou_stranger']);
    expect(fake.urgents(id)).toHaveLength(1);
    expect(urgents).toEqual([['ou_alice', 'ou_stranger']]);
    fake.removeAllListeners('urgent');
  });

  it('ingests a person’s message so the bot can reply to it; both show in the transcript and the live feed', async () => {
    const live: FakeMessage[] = [];
    fake.on('message', (m) => live.push(m));
    const env = fake.userMessage({ senderOpenId: 'ou_dave', chatType: 'p2p', text: '帮助' });
    expect(env.header.create_time).toBe(String(clock.now()));
    const incoming = fake.message(env.event.message.message_id)!;
    expect(fake.ingest(env)).toBe(incoming); // a redelivered event adds nothing
    expect(incoming.chat_id).toBe('oc_p2p_ou_dave');
    const reply = await client.im.v1.message.reply({
      path: { message_id: incoming.message_id }, data: { msg_type: 'text', content: JSON.stringify({ text: '你可以…' }) },
    });
    expect(reply.data).toMatchObject({ chat_id: 'oc_p2p_ou_dave', parent_id: incoming.message_id });
    const direct = await client.im.v1.message.create({
      params: { receive_id_type: 'open_id' }, data: { receive_id: 'ou_dave', msg_type: 'text', content: '{"text":"again"}' },
    });
    expect(direct.data?.chat_id).toBe('oc_p2p_ou_dave');
    expect(fake.messagesIn('oc_p2p_ou_dave').map((m) => [m.sender.sender_type, m.content])).toEqual([
      ['user', { text: '帮助' }], ['app', { text: '你可以…' }], ['app', { text: 'again' }],
    ]);
    expect(live.map((m) => m.fromBot)).toEqual([false, true, true]);
    fake.removeAllListeners('message');
  });
});
