import { feishuCrypto, signRequest, signStale, signUndecryptable, signWithWrongKey, signWithWrongToken, flipByte, urlVerification, oldCardAction, botMention } from '../fake-feishu';
import { startHarness, TEST_APP, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const signOpts = { verificationToken: TEST_APP.verificationToken, encryptKey: TEST_APP.encryptKey };

describe('ingress: verified, deduplicated, answered once', () => {
  test('an encrypted, signed 帮助 gets exactly one reply; the same event again and after a restart gets none', async () => {
    const sent = await h.say('ou_off1', '帮助');
    expect(sent.status).toBe(200);
    await h.drain();
    const chat = h.fake.p2pChatOf('ou_off1');
    expect(h.botMessages(chat)).toHaveLength(1);
    expect(JSON.stringify(h.botMessages(chat)[0].content)).toContain('我的任务');
    // Feishu retries: the very same bytes
    const again = await h.post('/feishu/events', sent.signed.body, sent.signed.headers);
    expect(again.status).toBe(200);
    await h.drain();
    expect(h.botMessages(chat)).toHaveLength(1);
  });

  test('url_verification answers the challenge, plain and encrypted', async () => {
    const plain = await h.post('/feishu/events', JSON.stringify(urlVerification('c-plain', TEST_APP.verificationToken)), {});
    expect(plain).toMatchObject({ status: 200, json: { challenge: 'c-plain' } });
    const enc = signRequest(urlVerification('c-enc', TEST_APP.verificationToken), signOpts);
    const r = await h.post('/feishu/events', enc.body, {});
    expect(r).toMatchObject({ status: 200, json: { challenge: 'c-enc' } });
    const wrong = await h.post('/feishu/events', JSON.stringify(urlVerification('c', 'nope-token')), {});
    expect(wrong.status).toBe(401);
  });

  test.each([
    ['bad signature', (env: object) => flipByte(signRequest(env, signOpts))],
    ['timestamp outside the window', (env: object) => signStale(env, signOpts, 13 * 3600)],
    ['timestamp in the future', (env: object) => signRequest(env, { ...signOpts, timestamp: String(Math.floor(Date.now() / 1000) + 13 * 3600) })],
    ['wrong verification token', (env: object) => signWithWrongToken(env, signOpts)],
    ['wrong encrypt key', (env: object) => signWithWrongKey(env, signOpts)],
    ['undecryptable body', () => signUndecryptable(signOpts)],
    ['unsigned', (env: object) => ({ ...signRequest(env, signOpts), headers: {} })],
  ])('%s → 401 and nothing applied', async (_name, make) => {
    const env = h.fake.userMessage({ senderOpenId: 'ou_sup1', chatType: 'p2p', text: '帮助' });
    const req = make(env);
    const before = h.fake.calls({ method: 'POST', path: '/open-apis/im/v1/messages*' }).length;
    const r = await h.post('/feishu/events', req.body, req.headers);
    expect(r.status).toBe(401);
    await h.drain();
    expect(h.fake.calls({ method: 'POST', path: '/open-apis/im/v1/messages*' }).length).toBe(before);
  });

  test.each([
    ['not JSON, unsigned', '<xml>帮助</xml>'],
    ['an unknown shape, unsigned', JSON.stringify({ hello: 'world', token: TEST_APP.verificationToken })],
    ['JSON but not an object, unsigned', '[1,2]'],
  ])('%s → 401 with the stable error shape, on both URLs, nothing applied', async (_name, body) => {
    const before = h.fake.calls({ method: 'POST', path: '/open-apis/im/v1/messages*' }).length;
    for (const path of ['/feishu/events', '/feishu/card']) {
      const r = await h.post(path, body, {});
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
    await h.drain();
    expect(h.fake.calls({ method: 'POST', path: '/open-apis/im/v1/messages*' }).length).toBe(before);
  });

  test('the same malformed bodies signed with the encrypt key → 400 bad_request (not forged, just unreadable)', async () => {
    for (const body of ['<xml>帮助</xml>', JSON.stringify({ hello: 'world' })]) {
      const ts = String(Math.floor(Date.now() / 1000));
      const headers = { 'X-Lark-Request-Timestamp': ts, 'X-Lark-Request-Nonce': 'n1', 'X-Lark-Signature': feishuCrypto.eventSignature(ts, 'n1', TEST_APP.encryptKey, body) };
      const r = await h.post('/feishu/events', body, headers);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
      // a byte changed after signing is forged again
      const forged = await h.post('/feishu/events', body + ' ', headers);
      expect(forged.status).toBe(401);
    }
  });

  test('a plain (unencrypted) event signed with the encrypt key is answered once; unsigned it is 401 and nothing applied', async () => {
    const chat = h.fake.p2pChatOf('ou_off1');
    const before = h.botMessages(chat).length;
    const env = h.fake.userMessage({ senderOpenId: 'ou_off1', chatType: 'p2p', text: '帮助' });
    const plain = signRequest(env, { verificationToken: TEST_APP.verificationToken }); // plain bytes, token filled in
    const unsigned = await h.post('/feishu/events', plain.body, {});
    expect(unsigned.status).toBe(401);
    expect(await h.post('/feishu/events', plain.body, plain.headers)).toMatchObject({ status: 401 }); // signed without the key
    await h.drain();
    expect(h.botMessages(chat)).toHaveLength(before);

    const ts = String(Math.floor(Date.now() / 1000));
    const headers = { 'X-Lark-Request-Timestamp': ts, 'X-Lark-Request-Nonce': 'n-plain', 'X-Lark-Signature': feishuCrypto.eventSignature(ts, 'n-plain', TEST_APP.encryptKey, plain.body) };
    expect((await h.post('/feishu/events', plain.body, headers)).status).toBe(200);
    expect((await h.post('/feishu/events', plain.body, headers)).status).toBe(200); // a retry: acknowledged, not applied twice
    await h.drain();
    expect(h.botMessages(chat)).toHaveLength(before + 1);
  });

  test('a replay with a fresh event_id but the old signature is refused', async () => {
    const env = h.fake.userMessage({ senderOpenId: 'ou_sup1', chatType: 'p2p', text: '帮助' });
    const first = signRequest(env, signOpts);
    const forged = signRequest({ ...env, header: { ...env.header, event_id: 'ev-forged' } }, signOpts);
    const r = await h.post('/feishu/events', forged.body, first.headers);
    expect(r.status).toBe(401);
  });

  test('a body over 1 MiB gets 413', async () => {
    const big = JSON.stringify({ encrypt: 'x'.repeat(2 * 1024 * 1024) });
    const r = await h.post('/feishu/events', big, {});
    expect(r.status).toBe(413);
  });

  test('the old card-callback format is routed like the new one', async () => {
    const r0 = await h.say('ou_off1', '查询 DB-2026-9999');
    expect(r0.status).toBe(200);
    const body = oldCardAction({ operatorOpenId: 'ou_nobody', value: { a: 'task.accept', v: 1, c: 'DB-2026-0001', s: 'dispatched' }, openMessageId: 'om_x', openChatId: 'oc_msz' });
    const signed = signRequest(body, { verificationToken: TEST_APP.verificationToken });
    const r = await h.post('/feishu/card', signed.body, signed.headers);
    expect(r.status).toBe(200);
    expect(r.json.toast).toMatchObject({ type: 'error' });
    expect(String((r.json.toast as { content: string }).content)).toContain('ou_nobody');
  });

  test('an unregistered person gets the polite refusal with their open_id', async () => {
    h.fake.addUser({ openId: 'ou_stranger' });
    await h.say('ou_stranger', '我的任务');
    await h.drain();
    const msgs = h.botMessages(h.fake.p2pChatOf('ou_stranger'));
    expect(msgs).toHaveLength(1);
    expect(JSON.stringify(msgs[0].content)).toContain('ou_stranger');
  });

  test('group talk without an @ is not for the bot; with one it is', async () => {
    await h.say('ou_off1', '大家好', { chatId: 'oc_msz', mention: false });
    await h.drain();
    expect(h.botMessages('oc_msz')).toHaveLength(0);
    const env = h.fake.userMessage({ senderOpenId: 'ou_off1', chatType: 'group', chatId: 'oc_msz', text: '帮助', mentions: [botMention('ou_bot')] });
    const s = signRequest(env, signOpts);
    expect((await h.post('/feishu/events', s.body, s.headers)).status).toBe(200);
    await h.drain();
    expect(h.botMessages('oc_msz')).toHaveLength(1);
  });

  test('group chatter and an event type the bot does not act on: 200 with nothing written to the database', async () => {
    const { processedEvents } = h.service.deps.models;
    const before = await processedEvents.countDocuments();
    const chatter = await h.say('ou_off1', '下午三点开会', { chatId: 'oc_msz', mention: false });
    const readAt = String(Date.now());
    const read = signRequest({ schema: '2.0', header: { event_id: 'ev_read_e2e_1', event_type: 'im.message.message_read_v1', create_time: readAt, app_id: TEST_APP.appId, tenant_key: 'tenant_test', token: TEST_APP.verificationToken }, event: { reader: { reader_id: { open_id: 'ou_off1' }, read_time: readAt }, message_id_list: [chatter.messageId] } }, signOpts);
    expect(chatter.status).toBe(200);
    expect((await h.post('/feishu/events', read.body, read.headers)).status).toBe(200);
    expect(await processedEvents.findById(chatter.eventId).lean()).toBeNull();
    expect(await processedEvents.findById('ev_read_e2e_1').lean()).toBeNull();
    expect(await processedEvents.countDocuments()).toBe(before);
  });
});
