/**
 * Trimming sets of characters from the ends of a text with a loop: linear, where a `[…]+$` pattern is
 * tried from every position and goes quadratic on a long run of the set (kept out by `npm run lint`).
 */

/** Whitespace as `\s` knows it. */
export const SPACE = ' \t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/** `s` without the characters of `set` at its end. */
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
