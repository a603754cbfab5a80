/** verify.ts: every branch of the pure verify-then-parse, with bytes made as Feishu makes them. */
import { createHash } from 'node:crypto';
import { decryptBody, toMs, verifyRequest, type VerifyOptions } from '../../src/adapters/feishu/verify';
import { feishuCrypto, oldCardAction, signRequest, urlVerification, type SignedRequest } from '../fake-feishu';

const TOKEN = 'verification-token';
const KEY = 'encrypt-key-123';
const NOW = Date.parse('2026-12-01T02:00:00Z');
const HOUR = 3_600_000;
const SEC = (ms: number) => String(Math.floor(ms / 1000));
const withKey: VerifyOptions = { verificationToken: TOKEN, encryptKey: KEY, maxAgeMs: 12 * HOUR };
const noKey: VerifyOptions = { verificationToken: TOKEN, maxAgeMs: 12 * HOUR };

const event = (o: { id?: string; token?: string; createTime?: number } = {}) => ({
  schema: '2.0',
  header: { event_id: o.id ?? 'ev-1', event_type: 'im.message.receive_v1', create_time: String(o.createTime ?? NOW), app_id: 'cli_test', tenant_key: 't', ...(o.token !== undefined && { token: o.token }) },
  event: { message: { message_id: 'om_1', chat_id: 'oc_1', chat_type: 'p2p', message_type: 'text', content: '{"text":"帮助"}' } },
});
const signed = (env: object, opts: Partial<{ encryptKey: string; timestamp: string; token: string }> = {}): SignedRequest =>
  signRequest(env, { verificationToken: opts.token ?? TOKEN, encryptKey: 'encryptKey' in opts ? opts.encryptKey : KEY, timestamp: opts.timestamp ?? SEC(NOW), nonce: 'n0nce' });
// Node (and so Koa) hands headers over with lower-case names
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
const verify = (r: SignedRequest, opts = withKey, now = NOW) => verifyRequest(r.body, lower(r.headers), opts, now);
const flipSig = (r: SignedRequest): SignedRequest => ({ ...r, headers: { ...r.headers, 'X-Lark-Signature': createHash('sha256').update('other').digest('hex') } });

describe('verifyRequest: encrypted and signed (an Encrypt Key is configured)', () => {
  test('a good request decrypts, and its event id is the dedupe key', () => {
    const v = verify(signed(event()));
    expect(v).toMatchObject({ ok: true, kind: 'event', dedupeKey: 'ev:ev-1' });
    expect((v as unknown as { body: { header: { token: string } } }).body.header.token).toBe(TOKEN);
  });

  test('a header given as an array (repeated header) uses its first value', () => {
    const r = signed(event());
    const h: Record<string, string | string[]> = lower(r.headers);
    h['x-lark-signature'] = [h['x-lark-signature'] as string, 'junk'];
    expect(verifyRequest(r.body, h, withKey, NOW)).toMatchObject({ ok: true });
  });

  test('an upper-case hex signature is accepted', () => {
    const r = signed(event());
    r.headers['X-Lark-Signature'] = r.headers['X-Lark-Signature'].toUpperCase();
    expect(verify(r)).toMatchObject({ ok: true });
  });

  test.each([
    ['signature of other bytes', (r: SignedRequest) => ({ ...r, headers: { ...r.headers, 'X-Lark-Signature': createHash('sha256').update('x').digest('hex') } }), 'bad signature'],
    ['signature of another length', (r: SignedRequest) => ({ ...r, headers: { ...r.headers, 'X-Lark-Signature': 'abc' } }), 'bad signature'],
    ['nonce changed after signing', (r: SignedRequest) => ({ ...r, headers: { ...r.headers, 'X-Lark-Request-Nonce': 'other' } }), 'bad signature'],
    ['timestamp changed after signing', (r: SignedRequest) => ({ ...r, headers: { ...r.headers, 'X-Lark-Request-Timestamp': SEC(NOW - 1000) } }), 'bad signature'],
    ['no signature header', (r: SignedRequest) => ({ ...r, headers: { 'X-Lark-Request-Timestamp': r.headers['X-Lark-Request-Timestamp'], 'X-Lark-Request-Nonce': 'n0nce' } }), 'unsigned request'],
    ['no timestamp header', (r: SignedRequest) => ({ ...r, headers: { 'X-Lark-Signature': r.headers['X-Lark-Signature'], 'X-Lark-Request-Nonce': 'n0nce' } }), 'unsigned request'],
    ['no headers at all', (r: SignedRequest) => ({ ...r, headers: {} }), 'unsigned request'],
  ])('%s → 401', (_n, damage, reason) => {
    expect(verify(damage(signed(event())))).toEqual({ ok: false, status: 401, reason });
  });

  test('the window holds in both directions, edges included', () => {
    const at = (ms: number) => verify(signed(event(), { timestamp: SEC(ms) }));
    expect(at(NOW - 12 * HOUR)).toMatchObject({ ok: true });
    expect(at(NOW + 12 * HOUR)).toMatchObject({ ok: true });
    expect(at(NOW - 12 * HOUR - 1000)).toEqual({ ok: false, status: 401, reason: 'timestamp outside the allowed window' });
    expect(at(NOW + 12 * HOUR + 1000)).toEqual({ ok: false, status: 401, reason: 'timestamp outside the allowed window' });
    expect(verify(signed(event(), { timestamp: 'yesterday' }))).toEqual({ ok: false, status: 401, reason: 'timestamp outside the allowed window' });
  });

  test('the window follows maxAgeMs (FEISHU_MAX_EVENT_AGE)', () => {
    const r = signed(event(), { timestamp: SEC(NOW - 2 * HOUR) });
    expect(verify(r, { ...withKey, maxAgeMs: HOUR })).toMatchObject({ ok: false, status: 401 });
    expect(verify(r, { ...withKey, maxAgeMs: 3 * HOUR })).toMatchObject({ ok: true });
  });

  test('a timestamp in milliseconds is read as such', () => {
    expect(verify(signed(event(), { timestamp: String(NOW - 1000) }))).toMatchObject({ ok: true });
  });

  describe('a plain body while a key is configured (docs/feishu.md#signatures: encrypted or plain, signature checked)', () => {
    // Feishu sends plain bodies when encryption is off in the console but keeps signing with the key
    const plainSigned = (env: object, o: { key?: string; timestamp?: string } = {}): SignedRequest => {
      const body = signed(env, { encryptKey: undefined }).body;
      const ts = o.timestamp ?? SEC(NOW);
      return { body, headers: { 'X-Lark-Request-Timestamp': ts, 'X-Lark-Request-Nonce': 'n0nce', 'X-Lark-Signature': feishuCrypto.eventSignature(ts, 'n0nce', o.key ?? KEY, body) } };
    };

    test('signed with the key over the raw bytes, in the window, with the token: accepted', () => {
      const v = verify(plainSigned(event()));
      expect(v).toMatchObject({ ok: true, kind: 'event', dedupeKey: 'ev:ev-1' });
      const legacy = { uuid: 'u-1', ts: String(NOW / 1000), type: 'event_callback', event: { type: 'message' } };
      expect(verify(plainSigned(legacy))).toMatchObject({ ok: true, kind: 'event', dedupeKey: 'ev:u-1' });
    });

    test('unsigned, signed without the key, with another key, or altered after signing: 401', () => {
      const r = plainSigned(event());
      expect(verify({ ...r, headers: {} })).toEqual({ ok: false, status: 401, reason: 'unsigned request' });
      expect(verify(signed(event(), { encryptKey: undefined }))).toEqual({ ok: false, status: 401, reason: 'bad signature' });
      expect(verify(plainSigned(event(), { key: 'other-key' }))).toEqual({ ok: false, status: 401, reason: 'bad signature' });
      expect(verify(flipSig(r))).toEqual({ ok: false, status: 401, reason: 'bad signature' });
      expect(verify({ ...r, body: r.body.replace('帮助', '派单') })).toEqual({ ok: false, status: 401, reason: 'bad signature' });
    });

    test('outside the window, or with a wrong token: 401', () => {
      expect(verify(plainSigned(event(), { timestamp: SEC(NOW - 13 * HOUR) }))).toEqual({ ok: false, status: 401, reason: 'timestamp outside the allowed window' });
      expect(verify(plainSigned(event({ token: 'wrong' })))).toEqual({ ok: false, status: 401, reason: 'wrong verification token' });
    });
  });

  test('a ciphertext made with another key, or not decryptable, is refused', () => {
    const other = signRequest(event(), { verificationToken: TOKEN, encryptKey: 'other-key', timestamp: SEC(NOW), nonce: 'n' });
    expect(verify(other)).toEqual({ ok: false, status: 401, reason: 'body cannot be decrypted' });
    for (const encrypt of ['', 'not base64 !!', Buffer.alloc(20).toString('base64'), Buffer.alloc(40).toString('base64')]) {
      expect(verifyRequest(JSON.stringify({ encrypt }), {}, withKey, NOW)).toEqual({ ok: false, status: 401, reason: 'body cannot be decrypted' });
    }
  });

  test('a ciphertext that decrypts to something other than JSON is refused', () => {
    const body = JSON.stringify({ encrypt: feishuCrypto.encrypt('not json', KEY) });
    expect(verifyRequest(body, {}, withKey, NOW)).toEqual({ ok: false, status: 401, reason: 'body cannot be decrypted' });
  });

  test('an encrypted body without a configured key is refused', () => {
    expect(verify(signed(event()), noKey)).toEqual({ ok: false, status: 401, reason: 'encrypted body but no FEISHU_ENCRYPT_KEY is configured' });
  });

  test('a wrong or missing verification token is refused after decrypting', () => {
    expect(verify(signed(event({ token: 'wrong' })))).toEqual({ ok: false, status: 401, reason: 'wrong verification token' });
    const noToken = JSON.stringify({ encrypt: feishuCrypto.encrypt(JSON.stringify(event()), KEY) });
    const headers = { 'x-lark-request-timestamp': SEC(NOW), 'x-lark-request-nonce': 'n', 'x-lark-signature': feishuCrypto.eventSignature(SEC(NOW), 'n', KEY, noToken) };
    expect(verifyRequest(noToken, headers, withKey, NOW)).toEqual({ ok: false, status: 401, reason: 'wrong verification token' });
  });

  test('an event without an id is a 400', () => {
    const env = event();
    (env.header as Partial<typeof env.header>).event_id = undefined;
    expect(verify(signed(env))).toEqual({ ok: false, status: 400, reason: 'no event id' });
  });
});

describe('verifyRequest: plain (no Encrypt Key: only the token and the event time protect us)', () => {
  test('a good schema 2.0 event passes without signature headers', () => {
    const r = signed(event(), { encryptKey: undefined });
    expect(verifyRequest(r.body, {}, noKey, NOW)).toMatchObject({ ok: true, kind: 'event', dedupeKey: 'ev:ev-1' });
  });

  test("the event's create_time must be inside the window, both directions", () => {
    const at = (ms: number) => verify(signed(event({ createTime: ms }), { encryptKey: undefined }), noKey);
    expect(at(NOW - 11 * HOUR)).toMatchObject({ ok: true });
    expect(at(NOW - 13 * HOUR)).toEqual({ ok: false, status: 401, reason: 'event time outside the allowed window' });
    expect(at(NOW + 13 * HOUR)).toEqual({ ok: false, status: 401, reason: 'event time outside the allowed window' });
    // card callbacks carry µs
    expect(verify(signed({ ...event(), header: { ...event().header, create_time: String((NOW - 13 * HOUR) * 1000) } }, { encryptKey: undefined }), noKey)).toMatchObject({ ok: false, status: 401 });
  });

  test('a wrong token is refused', () => {
    expect(verify(signed(event({ token: 'nope' }), { encryptKey: undefined }), noKey)).toEqual({ ok: false, status: 401, reason: 'wrong verification token' });
  });

  test('a legacy 1.0 event uses its uuid, its top-level token and its ts', () => {
    const legacy = { uuid: 'u-1', token: TOKEN, ts: String(NOW / 1000), type: 'event_callback', event: { type: 'message' } };
    expect(verifyRequest(JSON.stringify(legacy), {}, noKey, NOW)).toMatchObject({ ok: true, kind: 'event', dedupeKey: 'ev:u-1' });
    expect(verifyRequest(JSON.stringify({ ...legacy, token: 'x' }), {}, noKey, NOW)).toMatchObject({ ok: false, status: 401 });
    expect(verifyRequest(JSON.stringify({ ...legacy, ts: String((NOW - 13 * HOUR) / 1000) }), {}, noKey, NOW)).toMatchObject({ ok: false, status: 401 });
  });

  test('a create_time that is not a number is refused, not let through', () => {
    const r = signed(event({ createTime: 0 }), { encryptKey: undefined });
    const body = r.body.replace(/"create_time":"\d+"/, '"create_time":"soon"');
    expect(verifyRequest(body, {}, noKey, NOW)).toMatchObject({ ok: false, status: 401 });
  });
});

describe('verifyRequest: URL check', () => {
  test('plain or encrypted, answered with the challenge and no signature needed', () => {
    expect(verifyRequest(JSON.stringify(urlVerification('c1', TOKEN)), {}, withKey, NOW)).toEqual({ ok: true, kind: 'challenge', challenge: 'c1' });
    const enc = signed(urlVerification('c2', TOKEN));
    expect(verifyRequest(enc.body, {}, withKey, NOW)).toEqual({ ok: true, kind: 'challenge', challenge: 'c2' });
    expect(verifyRequest(JSON.stringify(urlVerification('c3', TOKEN)), {}, noKey, NOW)).toEqual({ ok: true, kind: 'challenge', challenge: 'c3' });
  });

  test('a wrong or missing token is 401; no challenge is 400', () => {
    expect(verifyRequest(JSON.stringify(urlVerification('c', 'nope')), {}, withKey, NOW)).toMatchObject({ ok: false, status: 401 });
    expect(verifyRequest(JSON.stringify(urlVerification('c')), {}, withKey, NOW)).toMatchObject({ ok: false, status: 401 });
    expect(verifyRequest(JSON.stringify({ type: 'url_verification', token: TOKEN }), {}, withKey, NOW)).toEqual({ ok: false, status: 400, reason: 'no challenge' });
  });
});

describe('verifyRequest: old card callbacks (SHA-1 over the verification token)', () => {
  const body = oldCardAction({ operatorOpenId: 'ou_1', value: { a: 'task.accept' }, openMessageId: 'om_1', openChatId: 'oc_1', token: 'c-1' });
  const sign = (o: { token?: string; timestamp?: string } = {}) => signRequest(body, { verificationToken: o.token ?? TOKEN, timestamp: o.timestamp ?? SEC(NOW), nonce: 'n' });

  test('signed with the token: accepted, keyed by a hash of the bytes (same bytes, same key)', () => {
    const a = verify(sign());
    expect(a).toMatchObject({ ok: true, kind: 'event' });
    const key = (a as { dedupeKey: string }).dedupeKey;
    expect(key).toMatch(/^card1:[0-9a-f]{32}$/);
    expect((verify(sign({ timestamp: SEC(NOW - 5000) })) as { dedupeKey: string }).dedupeKey).toBe(key);
    // with or without an encrypt key configured: old callbacks are never encrypted
    expect(verify(sign(), noKey)).toMatchObject({ ok: true });
  });

  test('signed with another token, unsigned, or outside the window: 401', () => {
    expect(verify(sign({ token: 'other' }))).toEqual({ ok: false, status: 401, reason: 'bad signature' });
    expect(verify({ ...sign(), headers: {} })).toEqual({ ok: false, status: 401, reason: 'unsigned request' });
    expect(verify(sign({ timestamp: SEC(NOW - 13 * HOUR) }))).toEqual({ ok: false, status: 401, reason: 'timestamp outside the allowed window' });
    expect(verify(sign({ timestamp: SEC(NOW + 13 * HOUR) }))).toEqual({ ok: false, status: 401, reason: 'timestamp outside the allowed window' });
  });
});

describe('verifyRequest: malformed input (401 unless signed, or carrying the token where nothing is signed)', () => {
  // raw bytes signed as Feishu signs events (SHA-256 with the encrypt key) or old card callbacks (SHA-1 with the token)
  const sign256 = (raw: string, key = KEY, ts = SEC(NOW)) => ({ 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n', 'x-lark-signature': feishuCrypto.eventSignature(ts, 'n', key, raw) });
  const sign1 = (raw: string, token = TOKEN) => ({ 'x-lark-request-timestamp': SEC(NOW), 'x-lark-request-nonce': 'n', 'x-lark-signature': feishuCrypto.oldCardSignature(SEC(NOW), 'n', token, raw) });
  const NOT_JSON = ['{"a":', '', '<xml/>'];
  const NOT_OBJECT = ['[]', 'null', '42', '"s"'];

  test.each(NOT_JSON)('%j, not JSON: unsigned or badly signed → 401; correctly signed → 400', (raw) => {
    expect(verifyRequest(raw, {}, withKey, NOW)).toEqual({ ok: false, status: 401, reason: 'body is not JSON; unsigned request' });
    expect(verifyRequest(raw, {}, noKey, NOW)).toEqual({ ok: false, status: 401, reason: 'body is not JSON; unsigned request' });
    expect(verifyRequest(raw, sign256(raw, 'other-key'), withKey, NOW)).toEqual({ ok: false, status: 401, reason: 'body is not JSON; bad signature' });
    expect(verifyRequest(raw, sign256(raw, KEY, SEC(NOW - 13 * HOUR)), withKey, NOW)).toEqual({ ok: false, status: 401, reason: 'body is not JSON; timestamp outside the allowed window' });
    expect(verifyRequest(raw, sign256(raw), withKey, NOW)).toEqual({ ok: false, status: 400, reason: 'body is not JSON' });
    expect(verifyRequest(raw, sign1(raw), noKey, NOW)).toEqual({ ok: false, status: 400, reason: 'body is not JSON' });
    expect(verifyRequest(raw, sign1(raw, 'other'), noKey, NOW)).toMatchObject({ ok: false, status: 401 });
  });

  test.each(NOT_OBJECT)('%s, not an object: unsigned → 401; correctly signed → 400', (raw) => {
    expect(verifyRequest(raw, {}, withKey, NOW)).toEqual({ ok: false, status: 401, reason: 'body is not a JSON object; unsigned request' });
    expect(verifyRequest(raw, sign256(raw), withKey, NOW)).toEqual({ ok: false, status: 400, reason: 'body is not a JSON object' });
  });

  test('an unknown shape, plain and unsigned → 401, with a key or without (no token)', () => {
    expect(verifyRequest(JSON.stringify({ hello: 'world' }), {}, withKey, NOW)).toEqual({ ok: false, status: 401, reason: 'unknown request shape; unsigned request' });
    // a token alone does not vouch for a plain body while a key is configured: Feishu would have signed it
    expect(verifyRequest(JSON.stringify({ hello: 'world', token: TOKEN }), {}, withKey, NOW)).toMatchObject({ ok: false, status: 401 });
    expect(verifyRequest(JSON.stringify({ schema: '2.0' }), {}, noKey, NOW)).toEqual({ ok: false, status: 401, reason: 'unknown request shape; no verification token' });
    expect(verifyRequest(JSON.stringify({ schema: '2.0', header: 'x', token: 'nope' }), {}, noKey, NOW)).toMatchObject({ ok: false, status: 401 });
  });

  test('an unknown shape that proves its origin → 400: encrypted and signed, signed plain, or (no key) carrying the token', () => {
    expect(verify(signed({ hello: 'world', token: TOKEN }))).toEqual({ ok: false, status: 400, reason: 'unknown request shape' });
    const plain = JSON.stringify({ hello: 'world' });
    expect(verifyRequest(plain, sign256(plain), withKey, NOW)).toEqual({ ok: false, status: 400, reason: 'unknown request shape' });
    expect(verifyRequest(JSON.stringify({ schema: '2.0', token: TOKEN }), {}, noKey, NOW)).toEqual({ ok: false, status: 400, reason: 'unknown request shape' });
    expect(verifyRequest(JSON.stringify({ schema: '1.5', header: { token: TOKEN } }), {}, noKey, NOW)).toEqual({ ok: false, status: 400, reason: 'unknown request shape' });
  });

  test('an encrypted unknown shape with a bad signature → 401 (decrypting is not enough)', () => {
    const r = signed({ hello: 'world', token: TOKEN });
    expect(verify({ ...r, headers: {} })).toEqual({ ok: false, status: 401, reason: 'unknown request shape; unsigned request' });
    expect(verify(flipSig(r))).toEqual({ ok: false, status: 401, reason: 'unknown request shape; bad signature' });
  });

  test('a ciphertext of something other than an object: 401 unless signed, 400 if signed (never a crash)', () => {
    for (const plain of ['null', '[]', '7']) {
      const body = JSON.stringify({ encrypt: feishuCrypto.encrypt(plain, KEY) });
      expect(verifyRequest(body, {}, withKey, NOW)).toEqual({ ok: false, status: 401, reason: 'decrypted body is not a JSON object; unsigned request' });
      expect(verifyRequest(body, sign256(body), withKey, NOW)).toEqual({ ok: false, status: 400, reason: 'decrypted body is not a JSON object' });
    }
  });
});

describe('helpers', () => {
  test('toMs reads seconds, milliseconds and microseconds', () => {
    expect(toMs('1700000000')).toBe(1_700_000_000_000);
    expect(toMs('1700000000123')).toBe(1_700_000_000_123);
    expect(toMs('1700000000123456')).toBe(1_700_000_000_123.456);
    expect(toMs(1_700_000_000)).toBe(1_700_000_000_000);
    expect(toMs('x')).toBeNaN();
  });

  test('decryptBody reverses Feishu encryption and refuses short or ragged ciphertext', () => {
    expect(decryptBody(feishuCrypto.encrypt('{"a":1}', KEY), KEY)).toBe('{"a":1}');
    expect(() => decryptBody(Buffer.alloc(16).toString('base64'), KEY)).toThrow('bad ciphertext length');
    expect(() => decryptBody(Buffer.alloc(33).toString('base64'), KEY)).toThrow('bad ciphertext length');
  });
});
