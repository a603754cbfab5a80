import { createHash } from 'node:crypto';

/** A short, stable idempotency key (≤ 50 chars, Feishu's uuid limit) for the parts that identify one message. */
export function messageKey(prefix: string, ...parts: (string | number)[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 32);
  return `${prefix.slice(0, 16)}-${h}`;
}
