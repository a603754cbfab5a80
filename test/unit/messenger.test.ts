/** The messenger against the fake Feishu: what comes back, and how each failure is classified (CONTRACT §1, §7, §8). */
import { FeishuMessenger, classify } from '../../src/adapters/feishu/messenger';
import { FeishuError } from '../../src/app/ports';
import { FakeFeishu, manualClock } from '../fake-feishu';

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

describe('classify', () => {
  test('what is not a Feishu or HTTP error is "unknown" and retried', () => {
    expect(classify(new Error('boom'))).toMatchObject({ code: 'unknown', message: 'boom', permanent: false });
    expect(classify('odd')).toMatchObject({ code: 'unknown', message: 'odd', permanent: false });
    const e = new FeishuError('230002', 'x', true);
    expect(classify(e)).toBe(e);
  });
});
