import { z } from 'zod';
import { limitMessage, overLimit } from '../limits';
import type { Person } from '../domain/org';
import type { AppDeps } from './deps';
import { RouteError } from './feature';

/**
 * What the admin routes of several features check alike (docs/architecture.md#features): a page, a code,
 * a date, a text or a note within its limit, and a person named by code or open_id. A 400 names the field
 * and the problem, and nothing changes.
 */
export const page = { limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) };
export const code = z.string().trim().min(1).max(40);
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
/** A reason, decision or opinion: LIMITS.noteChars, the refusal naming the limit and the length met. */
export const noteOf = (s: z.ZodString, what: string) =>
  s.superRefine((v, ctx) => {
    if (overLimit('noteChars', v.length)) ctx.addIssue({ code: 'custom', message: limitMessage('noteChars', v.length, what) });
  });
export const note = (what: string) => noteOf(z.string().trim().min(1, 'must not be empty'), what);
export const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** Who acts when an admin calls the API without naming a person. */
export const API_ADMIN: Person = { code: 'api', name: '管理接口', roles: [{ kind: 'admin' }], active: true };

/** The person a field names (code or open_id): 400 when there is none, 403 when `ok` refuses them (`what` says why). */
export function personLookup(deps: AppDeps) {
  return async (codeOrOpenId: string, field: string, ok: (p: Person) => boolean, what: string): Promise<Person> => {
    const o = await deps.orgs.get();
    const p = o.person(codeOrOpenId) ?? o.byOpenId(codeOrOpenId);
    if (!p) throw new RouteError(400, `unknown_${field}`, `${field}: no person ${codeOrOpenId}`);
    if (!ok(p)) throw new RouteError(403, 'forbidden', `${field}: ${p.code} ${what}`);
    return p;
  };
}
