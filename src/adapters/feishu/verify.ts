import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/**
 * Verify-then-parse for everything Feishu POSTs to us (docs/feishu.md#inbound-requests), as one pure function over the
 * raw bytes, the headers and `now`. Order: decrypt (when encrypted) → URL check answered → signature
 * over the raw body with a timestamp window in both directions (whenever an encrypt key is set, for
 * encrypted and plain bodies alike) → verification token. Anything that
 * fails is a 401 and nothing is applied. A body that cannot be decrypted is a 401 too, signed or not
 * (an undecryptable request is refused like a forged one: a wrong key and a forgery look alike); a body that is
 * read but is not a Feishu request (not JSON, not an object, no known shape) is a 401 unless it is signed
 * (or, with no encrypt key, carries the token): only then is it a 400 (see `malformed`). The SDK's own checks are not
 * used: it hashes a re-serialised body, skips checks when keys are unset and has no time window.
 *
 * The window (FEISHU_MAX_EVENT_AGE, 12 h by default) is generous because Feishu re-pushes an event for
 * about 7 hours and it is not documented whether retries are re-signed; replays inside the window are
 * stopped by the event-id dedupe, whose retention (see jobs/cleanup.ts) is longer than the window.
 */
export interface VerifyOptions {
  verificationToken: string;
  encryptKey?: string;
  maxAgeMs: number;
}

export type Verified =
  | { ok: true; kind: 'challenge'; challenge: string }
  /** `eventId`: the id the event is taken by (parseEvent's), read before the rest of it is */
  | { ok: true; kind: 'event'; body: Record<string, unknown>; dedupeKey: string; eventId: string }
  | { ok: false; status: 400 | 401; reason: string };

const deny = (reason: string): Verified => ({ ok: false, status: 401, reason });

/** The AES key is the SHA-256 of the encrypt key: hashed once per key, not per request. */
let aesKey: { of: string; key: Buffer } | undefined;

export function decryptBody(encrypt: string, key: string): string {
  const buf = Buffer.from(encrypt, 'base64');
  if (buf.length < 32 || buf.length % 16 !== 0) throw new Error('bad ciphertext length');
  if (aesKey?.of !== key) aesKey = { of: key, key: createHash('sha256').update(key).digest() };
  const decipher = createDecipheriv('aes-256-cbc', aesKey.key, buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Feishu's timestamps come in seconds (signature), ms (events) or µs (some callbacks). */
export function toMs(ts: string | number): number {
  const n = Number(ts);
  if (!Number.isFinite(n)) return NaN;
  if (n > 1e14) return n / 1000;
  if (n > 1e11) return n;
  return n * 1000;
}

function checkSignature(raw: string, headers: Record<string, string | string[] | undefined>, secret: string, algo: 'sha256' | 'sha1', now: number, maxAgeMs: number): string | null {
  const ts = header(headers, 'x-lark-request-timestamp');
  const nonce = header(headers, 'x-lark-request-nonce');
  const sig = header(headers, 'x-lark-signature');
  if (!ts || !nonce || !sig) return 'unsigned request';
  const expected = createHash(algo).update(ts + nonce + secret + raw).digest('hex');
  if (!safeEqualHex(sig.toLowerCase(), expected)) return 'bad signature';
  const at = toMs(ts);
  if (!Number.isFinite(at) || Math.abs(now - at) > maxAgeMs) return 'timestamp outside the allowed window';
  return null;
}

/**
 * A body we cannot read as a Feishu request (not JSON, not an object, no known shape) is malformed (400)
 * only when it proves where it came from: a good `X-Lark-Signature` (SHA-256 with the encrypt key, or
 * SHA-1 with the verification token as old card callbacks sign), or — with no encrypt key, when nothing
 * is signed — the verification token in it. Anything else is forged or unsigned: 401, like every other
 * request that fails verification.
 */
function malformed(reason: string, raw: string, headers: Record<string, string | string[] | undefined>, opts: VerifyOptions, now: number, body?: Record<string, unknown>): Verified {
  const signedBad = opts.encryptKey ? checkSignature(raw, headers, opts.encryptKey, 'sha256', now, opts.maxAgeMs) : 'unsigned request';
  if (!signedBad) return { ok: false, status: 400, reason };
  if (!checkSignature(raw, headers, opts.verificationToken, 'sha1', now, opts.maxAgeMs)) return { ok: false, status: 400, reason };
  if (!opts.encryptKey && body) {
    const h = body.header as Record<string, unknown> | null | undefined;
    const token = typeof body.token === 'string' ? body.token : h && typeof h === 'object' ? h.token : undefined;
    if (typeof token === 'string' && safeEqualHex(token, opts.verificationToken)) return { ok: false, status: 400, reason };
    return deny(`${reason}; no verification token`);
  }
  return deny(`${reason}; ${signedBad}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function verifyRequest(raw: string, headers: Record<string, string | string[] | undefined>, opts: VerifyOptions, now: number): Verified {
  let outer: unknown;
  try {
    outer = JSON.parse(raw);
  } catch {
    return malformed('body is not JSON', raw, headers, opts, now);
  }
  if (!isObject(outer)) return malformed('body is not a JSON object', raw, headers, opts, now);

  let body = outer;
  const encrypted = typeof outer.encrypt === 'string';
  if (encrypted) {
    if (!opts.encryptKey) return deny('encrypted body but no FEISHU_ENCRYPT_KEY is configured');
    let inner: unknown;
    try {
      inner = JSON.parse(decryptBody(outer.encrypt as string, opts.encryptKey));
    } catch {
      return deny('body cannot be decrypted');
    }
    if (!isObject(inner)) return malformed('decrypted body is not a JSON object', raw, headers, opts, now);
    body = inner;
  }

  // URL check (also when it came encrypted): token only, answered within 1 s; the docs exclude it from the signature
  if (body.type === 'url_verification') {
    if (typeof body.token !== 'string' || !safeEqualHex(body.token, opts.verificationToken)) return deny('wrong verification token');
    return typeof body.challenge === 'string' ? { ok: true, kind: 'challenge', challenge: body.challenge } : { ok: false, status: 400, reason: 'no challenge' };
  }

  const header2 = body.header as Record<string, unknown> | undefined;
  const isSchema2 = body.schema === '2.0' && header2 && typeof header2 === 'object';
  const isEvent1 = body.type === 'event_callback' && typeof body.uuid === 'string';
  const isOldCard = !isSchema2 && !isEvent1 && typeof body.open_message_id === 'string' && typeof body.action === 'object';

  if (isOldCard) {
    // old card callbacks are never encrypted; they are signed with SHA-1 over the verification token
    const bad = checkSignature(raw, headers, opts.verificationToken, 'sha1', now, opts.maxAgeMs);
    if (bad) return deny(bad);
    const dedupeKey = `card1:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
    return { ok: true, kind: 'event', body, dedupeKey, eventId: dedupeKey };
  }
  if (!isSchema2 && !isEvent1) return malformed('unknown request shape', raw, headers, opts, now, body);

  if (opts.encryptKey) {
    // encrypted or plain (docs/feishu.md#signatures): either way Feishu signs the raw bytes with the encrypt key, and an
    // unsigned plain body is refused — the token alone does not vouch for it while a key is configured
    const bad = checkSignature(raw, headers, opts.encryptKey, 'sha256', now, opts.maxAgeMs);
    if (bad) return deny(bad);
  } else {
    // without an encrypt key Feishu cannot sign; only the token and the event's own time protect us
    const created = isSchema2 ? header2!.create_time : body.ts;
    if (created !== undefined) {
      const at = toMs(created as string);
      if (!Number.isFinite(at) || Math.abs(now - at) > opts.maxAgeMs) return deny('event time outside the allowed window');
    }
  }

  const token = isSchema2 ? header2!.token : body.token;
  if (typeof token !== 'string' || !safeEqualHex(token, opts.verificationToken)) return deny('wrong verification token');

  const id = isSchema2 ? header2!.event_id : body.uuid;
  if (typeof id !== 'string' || !id) return { ok: false, status: 400, reason: 'no event id' };
  return { ok: true, kind: 'event', body, dedupeKey: `ev:${id}`, eventId: id };
}
