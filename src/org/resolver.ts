import { createHash } from 'node:crypto';

/**
 * Finds the open_id of people the organisation file gives by mobile or email (Feishu: contact
 * `batch_get_id`). The Feishu implementation lives with the Feishu adapter and implements this port.
 */
export interface ContactQuery {
  mobiles: string[];
  emails: string[];
}

export interface ContactResolver {
  /** key = the mobile or email exactly as given in the query → open_id; a key left out was not found. */
  resolve(q: ContactQuery): Promise<Map<string, string>>;
}

/** The same person written as 13800000001 or +8613800000001 is the same key. */
export function contactKey(mobileOrEmail: string): string {
  return mobileOrEmail.includes('@') ? mobileOrEmail.trim().toLowerCase() : mobileOrEmail.replace(/[\s-]/g, '').replace(/^\+86/, '');
}

/**
 * Sandbox mode: every well-formed mobile/email "resolves" to a stable fake open_id (`ou_` + hash), so
 * re-imports are idempotent; `unknown` lists contacts to treat as not found (to show the unresolved report).
 */
export function sandboxResolver(opts: { unknown?: string[] } = {}): ContactResolver {
  const unknown = new Set((opts.unknown ?? []).map(contactKey));
  return {
    async resolve(q) {
      const out = new Map<string, string>();
      for (const key of [...q.mobiles, ...q.emails]) {
        const k = contactKey(key);
        if (!unknown.has(k)) out.set(key, `ou_${createHash('sha256').update(`dudao-sandbox:${k}`).digest('hex').slice(0, 24)}`);
      }
      return out;
    },
  };
}
