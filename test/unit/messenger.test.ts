/** The messenger against the fake Feishu: what comes back, and how each failure is classified (docs/feishu.md#error-codes, docs/feishu.md#rate-limits). */
import { FeishuMessenger, classify } from '../../src/adapters/feishu/messenger';
import { FeishuError } from '../../src/app/ports';
import { FakeFeishu, manualClock, sdkClient } from '../fake-feishu';

const clock = manualClock(Date.parse('2026-12-01T02:00:00Z'));
const DAY = 86_400_000;
let fake: FakeFeishu;
let m: FeishuMessenger;
const SEND = '/open-apis/im/v1/messages';

const card = (text: string) => ({ schema: '2.0', config: { update_multi: true }, body: { elements: [{ tag: 'markdown', content: text }] } });
const failureOf = async (p: Promise<unknown>): Promise<FeishuError> => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FeishuError);
    return e as FeishuError;
  }
  throw new Error('expected the call to fail');
};
const text = (chat: string, t: string, uuid: string) => m.send({ type: 'chat_id', id: chat }, 'text', { text: t }, uuid);
let n = 0;
const uuid = () => `u-${++n}`;

beforeAll(async () => {
  fake = await FakeFeishu.start({ appId: 'cli_m', appSecret: 's3cret', now: clock.now });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset({ directory: true });
  clock.advance(120_000); // fresh rate-limit windows
  fake.addChat({ chatId: 'oc_a', name: 'A', members: ['ou_alice'] });
  fake.addUser({ openId: 'ou_gone', outOfScope: true });
  m = new FeishuMessenger({ appId: 'cli_m', appSecret: 's3cret', domain: fake.url, timeoutMs: 5000 }); // generous: the machine may be busy
});

describe('successful calls', () => {
  test('send, the same uuid again (one message), reply, patch, bot info', async () => {
    const first = await text('oc_a', 'hello', 'same-uuid');
    expect(first).toEqual({ messageId: expect.stringMatching(/^om_/), chatId: 'oc_a' });
    expect(await text('oc_a', 'hello', 'same-uuid')).toEqual(first);
    expect(fake.messagesIn('oc_a')).toHaveLength(1);
    const sent = await m.send({ type: 'chat_id', id: 'oc_a' }, 'interactive', card('v1'), uuid());
    const r = await m.reply(sent.messageId, 'text', { text: 'in reply' }, uuid());
    expect(fake.message(r.messageId)?.parent_id).toBe(sent.messageId);
    await m.patch(sent.messageId, card('v2'));
    expect(fake.cardOf(sent.messageId)).toEqual(card('v2'));
    expect(await m.botInfo()).toEqual({ openId: 'ou_bot', name: '督导助手' });
  });

  test('a delayed card update with a callback token', async () => {
    const sent = await m.send({ type: 'chat_id', id: 'oc_a' }, 'interactive', card('v1'), uuid());
    await m.updateCard(fake.issueCardToken(sent.messageId), card('v3'));
    expect(fake.cardOf(sent.messageId)).toEqual(card('v3'));
  });
});

describe('failures the outbox retries', () => {
  test('429 with x-ogw-ratelimit-reset: retry after that many seconds', async () => {
    fake.inject({ path: SEND, fault: { type: 'ratelimit', resetSec: 7 } });
    const e = await failureOf(text('oc_a', 'x', uuid()));
    expect(e).toMatchObject({ code: '99991400', permanent: false, retryAfterMs: 7000, httpStatus: 429 });
  });

  test('the real gateway limit (50/s per API): 429 with its reset', async () => {
    const fast = await FakeFeishu.start({ appId: 'cli_m', appSecret: 's3cret', now: clock.now, limits: { perAppPerSec: 2, perChatPerSec: 100 } });
    try {
      fast.addChat({ chatId: 'oc_a', name: 'A', members: [] });
      const quick = new FeishuMessenger({ appId: 'cli_m', appSecret: 's3cret', domain: fast.url, timeoutMs: 5000 });
      await quick.send({ type: 'chat_id', id: 'oc_a' }, 'text', { text: '1' }, 'a1');
      await quick.send({ type: 'chat_id', id: 'oc_a' }, 'text', { text: '2' }, 'a2');
      const e = await failureOf(quick.send({ type: 'chat_id', id: 'oc_a' }, 'text', { text: '3' }, 'a3'));
      expect(e).toMatchObject({ code: '99991400', permanent: false, retryAfterMs: 1000, httpStatus: 429 });
    } finally {
      await fast.stop();
    }
  });

  test('230020 (chat frequency) from the fake’s own per-chat limit: retry, 1 s by default', async () => {
    for (let i = 0; i < 5; i++) await text('oc_a', `m${i}`, uuid());
    const e = await failureOf(text('oc_a', 'sixth', uuid()));
    expect(e).toMatchObject({ code: '230020', permanent: false, retryAfterMs: 1000, httpStatus: 400 });
  });

  test('230020 and 230049 injected: retry', async () => {
    fake.inject({ path: SEND, fault: { type: 'error', httpStatus: 400, code: 230020, msg: 'frequency' } });
    fake.inject({ path: SEND, fault: { type: 'error', httpStatus: 400, code: 230049, msg: 'being sent' } });
    expect(await failureOf(text('oc_a', 'x', uuid()))).toMatchObject({ code: '230020', permanent: false });
    expect(await failureOf(text('oc_a', 'x', uuid()))).toMatchObject({ code: '230049', permanent: false });
  });

  test.each([500, 502, 503] as const)('HTTP %i: retry', async (status) => {
    fake.inject({ path: SEND, fault: { type: 'status', status } });
    expect(await failureOf(text('oc_a', 'x', uuid()))).toMatchObject({ code: `http_${status}`, permanent: false, httpStatus: status });
  });

  test('a hang past the timeout: "timeout", retry; nothing was sent', async () => {
    const impatient = new FeishuMessenger({ appId: 'cli_m', appSecret: 's3cret', domain: fake.url, timeoutMs: 500 });
    await impatient.botInfo(); // the token first, so only the send can time out
    fake.inject({ path: SEND, fault: { type: 'hang', ms: 10_000 } });
    expect(await failureOf(impatient.send({ type: 'chat_id', id: 'oc_a' }, 'text', { text: 'x' }, uuid()))).toMatchObject({ code: 'timeout', permanent: false });
    expect(fake.messagesIn('oc_a')).toHaveLength(0);
  });

  test('a dropped socket: "network", retry', async () => {
    fake.inject({ path: SEND, fault: { type: 'drop' } });
    expect(await failureOf(text('oc_a', 'x', uuid()))).toMatchObject({ code: 'network', permanent: false });
  });
});

describe('failures recorded for admins (permanent)', () => {
  test('230002 bot not in chat', async () => {
    fake.setBotInChat('oc_a', false);
    expect(await failureOf(text('oc_a', 'x', uuid()))).toMatchObject({ code: '230002', permanent: true, httpStatus: 400 });
  });

  test('230013 user outside the app’s availability', async () => {
    const e = await failureOf(m.send({ type: 'open_id', id: 'ou_gone' }, 'text', { text: 'x' }, uuid()));
    expect(e).toMatchObject({ code: '230013', permanent: true });
  });

  test('232009 chat dissolved; 230001 bad parameter', async () => {
    fake.setChatDissolved('oc_a');
    expect(await failureOf(text('oc_a', 'x', uuid()))).toMatchObject({ code: '232009', permanent: true });
    expect(await failureOf(m.patch('om_nope', card('x')))).toMatchObject({ code: '230001', permanent: true });
  });
});

describe('token errors: dropped, fetched again, tried once more', () => {
  const tokenCalls = () => fake.calls({ path: '/open-apis/auth/v3/tenant_access_token/internal' }).length;

  test('one 99991663: a fresh token and the call succeeds', async () => {
    await text('oc_a', 'warm', uuid());
    expect(tokenCalls()).toBe(1);
    fake.inject({ path: SEND, fault: { type: 'invalidToken' } });
    const r = await text('oc_a', 'after', uuid());
    expect(r.messageId).toMatch(/^om_/);
    expect(tokenCalls()).toBe(2);
    expect(fake.calls({ path: SEND }).map((c) => c.status)).toEqual([200, 400, 200]);
  });

  test('two in a row: permanent, and no third try', async () => {
    fake.inject({ path: SEND, times: 2, fault: { type: 'invalidToken' } });
    expect(await failureOf(text('oc_a', 'x', uuid()))).toMatchObject({ code: '99991663', permanent: true });
    expect(fake.calls({ path: SEND })).toHaveLength(2);
  });

  test('a token expired on Feishu’s clock (2 h) is replaced without a failure', async () => {
    await text('oc_a', 'before', uuid());
    clock.advance(3 * 3_600_000);
    expect((await text('oc_a', 'after', uuid())).messageId).toMatch(/^om_/);
    expect(tokenCalls()).toBe(2);
  });

  test('a wrong app secret: the token call fails, not a retry loop', async () => {
    const bad = new FeishuMessenger({ appId: 'cli_m', appSecret: 'wrong', domain: fake.url, timeoutMs: 5000 });
    await expect(bad.send({ type: 'chat_id', id: 'oc_a' }, 'text', { text: 'x' }, uuid())).rejects.toBeInstanceOf(Error);
    expect(fake.messagesIn('oc_a')).toHaveLength(0);
  });
});

describe('the 14-day edit window', () => {
  test('patching a card older than 14 days: 230031, permanent (the outbox sends a fresh card instead)', async () => {
    const sent = await m.send({ type: 'chat_id', id: 'oc_a' }, 'interactive', card('v1'), uuid());
    clock.advance(15 * DAY);
    expect(await failureOf(m.patch(sent.messageId, card('v2')))).toMatchObject({ code: '230031', permanent: true });
  });
});

describe('uploadImage (charts and evidence)', () => {
  const IMAGES = '/open-apis/im/v1/images';
  const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('a small chart')]);

  test('uploads the bytes as a message image; the key sends, and the same bytes come back', async () => {
    const key = await m.uploadImage(PNG);
    expect(key).toMatch(/^img_v3_/);
    const [call] = fake.calls({ path: IMAGES });
    expect(call).toMatchObject({ method: 'POST', status: 200, body: { image_type: 'message', image: { size: PNG.length } } });
    const post = { zh_cn: { title: '进度图', content: [[{ tag: 'img', image_key: key }]] } };
    const sent = await m.send({ type: 'chat_id', id: 'oc_a' }, 'post', post, uuid());
    expect(JSON.stringify(fake.message(sent.messageId)?.content)).toContain(key);
    const res = await sdkClient(fake).im.v1.messageResource.get({ path: { message_id: sent.messageId, file_key: key }, params: { type: 'image' } });
    const chunks: Buffer[] = [];
    for await (const c of res.getReadableStream()) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks)).toEqual(PNG);
  });

  test('an empty image: a clear permanent error, one call, nothing sent', async () => {
    const e = await failureOf(m.uploadImage(Buffer.alloc(0)));
    expect(e).toMatchObject({ code: '234001', permanent: true, httpStatus: 400 });
    expect(e.message).toContain('image is empty');
    expect(fake.calls({ path: IMAGES })).toHaveLength(1);
    expect(fake.calls({ path: SEND })).toHaveLength(0);
    expect(fake.messagesIn('oc_a')).toHaveLength(0);
  });

  test('a 5xx on upload: retryable, and the next upload succeeds', async () => {
    fake.inject({ path: IMAGES, fault: { type: 'status', status: 503 } });
    expect(await failureOf(m.uploadImage(PNG))).toMatchObject({ code: 'http_503', permanent: false });
    expect(await m.uploadImage(PNG)).toMatch(/^img_v3_/);
  });
});

describe('uploadFile (files out in chat)', () => {
  const FILES = '/open-apis/im/v1/files';
  const XLSX = Buffer.from('PK\u0003\u0004 a small workbook');

  test('uploads with its name and type; a file message with the key carries the same bytes', async () => {
    const key = await m.uploadFile('台账-2026-10.xlsx', XLSX, 'xls');
    expect(key).toMatch(/^file_v3_/);
    const [call] = fake.calls({ path: FILES });
    expect(call).toMatchObject({ method: 'POST', status: 200, body: { file_type: 'xls', file_name: '台账-2026-10.xlsx' } });
    const sent = await m.send({ type: 'chat_id', id: 'oc_a' }, 'file', { file_key: key }, uuid());
    expect(fake.fileOf(sent.messageId)).toMatchObject({ fileName: '台账-2026-10.xlsx', bytes: XLSX });
  });

  test('an empty file is refused before any call, for good', async () => {
    expect(await failureOf(m.uploadFile('a.xlsx', Buffer.alloc(0), 'xls'))).toMatchObject({ code: 'upload', permanent: true });
    expect(fake.calls({ path: FILES })).toHaveLength(0);
  });

  test('a 5xx on upload: retryable', async () => {
    fake.inject({ path: FILES, fault: { type: 'status', status: 503 } });
    expect(await failureOf(m.uploadFile('a.docx', XLSX, 'doc'))).toMatchObject({ code: 'http_503', permanent: false });
  });
});

describe('resolveIds (contact batch_get_id for org import)', () => {
  const BATCH = '/open-apis/contact/v3/users/batch_get_id';
  beforeEach(() => {
    fake.addUser({ openId: 'ou_alice', mobile: '+8613800000001', email: 'alice@example.com' });
    fake.addUser({ openId: 'ou_carol', email: 'Carol@Example.com' });
    fake.addUser({ openId: 'ou_left', mobile: '13800000003', resigned: true });
    fake.addUser({ openId: 'ou_away', mobile: '13800000004', outOfScope: true });
  });

  test('mobiles and emails to open_ids, keyed as asked; unknown, resigned and out-of-scope people are left out', async () => {
    const ids = await m.resolveIds({ mobiles: ['13800000001', '13800000003', '13800000004', '13900000000'], emails: ['carol@example.com', 'nobody@example.com'] });
    expect(Object.fromEntries(ids)).toEqual({ '13800000001': 'ou_alice', 'carol@example.com': 'ou_carol' });
    const [call] = fake.calls({ path: BATCH });
    expect(call).toMatchObject({ method: 'POST', query: { user_id_type: 'open_id' }, body: { include_resigned: false } });
  });

  test('more than 50 at once go in batches of 50', async () => {
    const mobiles = Array.from({ length: 120 }, (_, i) => `1370000${String(i).padStart(4, '0')}`);
    mobiles.forEach((mobile, i) => fake.addUser({ openId: `ou_p${i}`, mobile }));
    const ids = await m.resolveIds({ mobiles, emails: ['alice@example.com'] });
    expect(ids.size).toBe(121);
    expect(ids.get(mobiles[119])).toBe('ou_p119');
    expect(ids.get('alice@example.com')).toBe('ou_alice');
    expect(fake.calls({ path: BATCH }).map((c) => (c.body as { mobiles: string[] }).mobiles.length)).toEqual([50, 50, 20]);
  });

  test('nothing to look up: no call', async () => {
    expect((await m.resolveIds({ mobiles: [], emails: [] })).size).toBe(0);
    expect(fake.calls({ path: BATCH })).toHaveLength(0);
  });

  test('a refusal: a clear permanent error, no partial answer, the directory untouched', async () => {
    fake.inject({ path: BATCH, fault: { type: 'error', httpStatus: 400, code: 99991672, msg: 'Access denied. One of the following scopes is required: [contact:user.id:readonly]' } });
    const e = await failureOf(m.resolveIds({ mobiles: ['13800000001'], emails: [] }));
    expect(e).toMatchObject({ code: '99991672', permanent: true, httpStatus: 400 });
    expect(e.message).toContain('contact:user.id:readonly');
    // the same lookup afterwards answers as before
    expect(Object.fromEntries(await m.resolveIds({ mobiles: ['13800000001'], emails: [] }))).toEqual({ '13800000001': 'ou_alice' });
  });

  test('a failure in a later batch fails the whole lookup (no half-resolved import)', async () => {
    const mobiles = Array.from({ length: 60 }, (_, i) => `1370000${String(i).padStart(4, '0')}`);
    mobiles.forEach((mobile, i) => fake.addUser({ openId: `ou_p${i}`, mobile }));
    // once the first batch is answered, the next one fails
    const armAfterFirst = (c: { path: string }) => {
      if (c.path !== BATCH) return;
      fake.off('call', armAfterFirst);
      fake.inject({ path: BATCH, fault: { type: 'status', status: 500 } });
    };
    fake.on('call', armAfterFirst);
    expect(await failureOf(m.resolveIds({ mobiles, emails: [] }))).toMatchObject({ code: 'http_500', permanent: false });
    expect(fake.calls({ path: BATCH }).map((c) => c.status)).toEqual([200, 500]);
  });
});

describe('classify', () => {
  test('what is not a Feishu or HTTP error is "unknown" and retried', () => {
    expect(classify(new Error('boom'))).toMatchObject({ code: 'unknown', message: 'boom', permanent: false });
    expect(classify('odd')).toMatchObject({ code: 'unknown', message: 'odd', permanent: false });
    const e = new FeishuError('230002', 'x', true);
    expect(classify(e)).toBe(e);
  });
});
