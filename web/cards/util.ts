/** Reading card JSON: it comes from the server as `unknown`. */
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{tag: plain_text, content}` or a string → its text. */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isObj(v) && typeof v.content === 'string') return v.content;
  return '';
}
