/**
 * The parser's work, counted: every line, field, unit and regular-expression pass adds the length of
 * the text it looks at. Tests feed hostile inputs of growing size and check the count grows linearly
 * (the patterns themselves are kept free of backtracking by `npm run lint`); production passes none.
 */
export interface Steps {
  n: number;
}

/** Adds `amount` (usually the length of the text about to be scanned) to the counter, if any. */
export function count(steps: Steps | undefined, amount: number): void {
  if (steps) steps.n += amount + 1;
}

/** `s` without the characters of `set` at its end (linear, unlike a `[…]+$` pattern). */
export function trimEndChars(s: string, set: string): string {
  let e = s.length;
  while (e > 0 && set.includes(s[e - 1])) e--;
  return e === s.length ? s : s.slice(0, e);
}

/** `s` without the characters of `set` at its start. */
export function trimStartChars(s: string, set: string): string {
  let b = 0;
  while (b < s.length && set.includes(s[b])) b++;
  return b ? s.slice(b) : s;
}

/** Whitespace as `\s` knows it, for the trimming helpers. */
export const SPACE = ' \t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
