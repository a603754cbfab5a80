/**
 * Turning an envelope into the exact bytes and headers Feishu POSTs (docs/feishu.md#faking-feishu-in-tests, steps 1–5), and the
 * ways a forged or damaged request differs, for negative tests.
 */
import { randomBytes } from 'node:crypto';
import { encrypt, eventSignature, oldCardSignature } from './crypto';
import { machineNow } from '../../clock';

export interface SignOptions {
  verificationToken: string;
  /** When set, the body is `{"encrypt":"…"}` and the signature uses it (events and new card callbacks). */
  encryptKey?: string;
  /** Unix seconds as a decimal string; default now. */
  timestamp?: string;
  nonce?: string;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

type Json = Record<string, unknown>;

/**
 * Old card callbacks are the bodies with neither `schema` nor `encrypt` that are not a URL check or a
 * 1.0 event — the same test the SDK applies to pick SHA-1.
 */
export function isOldCardBody(envelope: Json): boolean {
  return !('schema' in envelope) && !('encrypt' in envelope) && envelope.type !== 'url_verification'
    && envelope.type !== 'event_callback';
}

/** Puts the Verification Token where Feishu puts it, unless the envelope already names one. */
function withToken(envelope: Json, token: string): Json {
  const copy = structuredClone(envelope);
  if (copy.schema === '2.0' && typeof copy.header === 'object' && copy.header !== null) {
    const header = copy.header as Json;
    if (header.token === undefined) header.token = token;
  } else if (!isOldCardBody(copy) && copy.token === undefined) {
    copy.token = token;
  }
  return copy;
}

export function signRequest(envelope: object, opts: SignOptions): SignedRequest {
  const env = envelope as Json;
  const timestamp = opts.timestamp ?? String(Math.floor(machineNow() / 1000));
  const nonce = opts.nonce ?? randomBytes(8).toString('hex');
  if (isOldCardBody(env)) {
    // Old callbacks are not encrypted; they are signed with the Verification Token.
    const body = JSON.stringify(env);
    return { body, headers: headers(timestamp, nonce, oldCardSignature(timestamp, nonce, opts.verificationToken, body)) };
  }
  const plain = JSON.stringify(withToken(env, opts.verificationToken));
  const body = opts.encryptKey ? JSON.stringify({ encrypt: encrypt(plain, opts.encryptKey) }) : plain;
  return { body, headers: headers(timestamp, nonce, eventSignature(timestamp, nonce, opts.encryptKey ?? '', body)) };
}

function headers(timestamp: string, nonce: string, signature: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Lark-Request-Timestamp': timestamp,
    'X-Lark-Request-Nonce': nonce,
    'X-Lark-Signature': signature,
  };
}

/** POSTs the signed bytes as they are; `json` is undefined for an empty or non-JSON answer. */
export async function post(url: string, signed: SignedRequest): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const res = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

// --- negatives -------------------------------------------------------------------------------------

const ALNUM = /[A-Za-z0-9]/;

/** One character of the body changed after signing (inside the ciphertext when encrypted). */
export function flipByte(signed: SignedRequest): SignedRequest {
  const chars = [...signed.body];
  const mid = Math.floor(chars.length / 2);
  for (let d = 0; d < chars.length; d++) {
    for (const i of [mid + d, mid - d]) {
      const c = chars[i];
      if (c && ALNUM.test(c)) {
        chars[i] = c === 'A' ? 'B' : c === 'a' ? 'b' : c === '0' ? '1' : c === 'B' ? 'A' : 'a';
        return { body: chars.join(''), headers: { ...signed.headers } };
      }
    }
  }
  throw new Error('flipByte: nothing to flip');
}

/** Encrypted and signed consistently, but with a key the receiver does not hold. */
export function signWithWrongKey(envelope: object, opts: SignOptions): SignedRequest {
  return signRequest(envelope, { ...opts, encryptKey: `${opts.encryptKey ?? ''}-wrong` });
}

/** Correctly signed, with a timestamp `ageSec` (default 13 h, past a 12 h window) before `nowMs`. */
export function signStale(envelope: object, opts: SignOptions, ageSec = 13 * 3600, nowMs = machineNow()): SignedRequest {
  return signRequest(envelope, { ...opts, timestamp: String(Math.floor(nowMs / 1000) - ageSec) });
}

/**
 * Correctly signed and encrypted, but the envelope carries another Verification Token (an old card
 * callback has none in its body, so there the signature is made with the other token).
 */
export function signWithWrongToken(envelope: object, opts: SignOptions, wrong = 'wrong-verification-token'): SignedRequest {
  const copy = structuredClone(envelope) as Json;
  if (isOldCardBody(copy)) return signRequest(copy, { ...opts, verificationToken: wrong });
  if (copy.schema === '2.0') (copy.header as Json).token = wrong;
  else copy.token = wrong;
  return signRequest(copy, opts);
}

/**
 * A correctly signed `{"encrypt":"…"}` that cannot be decrypted: an IV and 5 bytes, which is no
 * whole AES block, so decryption fails every time (random bytes would pass padding 1 time in 256).
 */
export function signUndecryptable(opts: SignOptions & { encryptKey: string }): SignedRequest {
  const body = JSON.stringify({ encrypt: randomBytes(21).toString('base64') });
  const timestamp = opts.timestamp ?? String(Math.floor(machineNow() / 1000));
  const nonce = opts.nonce ?? randomBytes(8).toString('hex');
  return { body, headers: headers(timestamp, nonce, eventSignature(timestamp, nonce, opts.encryptKey, body)) };
}
