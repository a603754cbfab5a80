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

export { SPACE, trimEndChars, trimStartChars } from '../trim';
