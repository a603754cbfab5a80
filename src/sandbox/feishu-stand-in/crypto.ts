/** Feishu's event encryption and request signatures (docs/feishu.md#encryption, docs/feishu.md#signatures). */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const keyOf = (encryptKey: string) => createHash('sha256').update(encryptKey).digest();

/** base64(iv ‖ AES-256-CBC/PKCS#7(plain)), key = SHA-256(EncryptKey), as utils/aes-cipher.ts reverses it. */
export function encrypt(plain: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', keyOf(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

export function decrypt(encrypted: string, encryptKey: string): string {
  const buf = Buffer.from(encrypted, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', keyOf(encryptKey), buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

/** `X-Lark-Signature` of events and new card callbacks: hex SHA-256(ts + nonce + EncryptKey + raw). */
export function eventSignature(timestamp: string, nonce: string, encryptKey: string, raw: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + raw).digest('hex');
}

/** `X-Lark-Signature` of old `card.action.trigger_v1` callbacks: hex SHA-1(ts + nonce + VerificationToken + raw). */
export function oldCardSignature(timestamp: string, nonce: string, verificationToken: string, raw: string): string {
  return createHash('sha1').update(timestamp + nonce + verificationToken + raw).digest('hex');
}
