import { z } from 'zod';

/**
 * Query parameters the admin routes share, with messages that name what was expected (a missing or
 * malformed one answers 400 `invalid_query`, as every documented route's query does: src/http/openapi.ts).
 */
const YEAR_MIN = 2000;
const YEAR_MAX = 2100;

/** `year=2026`: four digits, 2000–2100; required. */
export const yearParam = z
  .string({ error: (i) => (i.input === undefined ? 'required: a year such as 2026' : 'expected a year such as 2026') })
  .regex(/^\d{4}$/, 'expected a four-digit year such as 2026')
  .transform(Number)
  .pipe(z.number().min(YEAR_MIN, `expected a year from ${YEAR_MIN} to ${YEAR_MAX}`).max(YEAR_MAX, `expected a year from ${YEAR_MIN} to ${YEAR_MAX}`))
  .describe('the year, e.g. 2026');
