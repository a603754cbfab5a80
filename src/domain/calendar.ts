import { addDays, daysBetween, isoWeekday, type LocalDate } from './time';

/**
 * Workdays per China's statutory holidays and 调休, from a data source (the `chinese-days` package in
 * production) overridden by a config list. Years the source has no data for fall back to Mon–Fri.
 * Pure: the source is passed in.
 */
export interface HolidaySource {
  /** true = workday, false = day off, undefined = no data for that year */
  lookup(date: LocalDate): boolean | undefined;
  hasYear(year: number): boolean;
}

export class WorkCalendar {
  private readonly cache = new Map<LocalDate, boolean>();

  constructor(
    private readonly source: HolidaySource,
    private readonly overrides: Readonly<Record<LocalDate, boolean>> = {},
  ) {}

  isWorkday(d: LocalDate): boolean {
    let v = this.cache.get(d);
    if (v === undefined) {
      v = this.overrides[d] ?? (this.source.hasYear(Number(d.slice(0, 4))) ? this.source.lookup(d) : undefined) ?? isoWeekday(d) <= 5;
      this.cache.set(d, v);
    }
    return v;
  }

  /** The nth workday after d (n > 0) or before it (n < 0); n = 0 gives d. */
  addWorkdays(d: LocalDate, n: number): LocalDate {
    const step = n < 0 ? -1 : 1;
    let left = Math.abs(n);
    let cur = d;
    while (left > 0) {
      cur = addDays(cur, step);
      if (this.isWorkday(cur)) left--;
    }
    return cur;
  }

  /** Workdays in (a, b]: how many workdays pass going from a to b; negative when b is before a. */
  workdaysBetween(a: LocalDate, b: LocalDate): number {
    const span = daysBetween(a, b);
    if (span === 0) return 0;
    const [from, to, sign] = span > 0 ? [a, b, 1] : [b, a, -1];
    let n = 0;
    for (let cur = addDays(from, 1); cur <= to; cur = addDays(cur, 1)) if (this.isWorkday(cur)) n++;
    return sign * n;
  }

  /** The first workday on or after d. */
  nextWorkday(d: LocalDate): LocalDate {
    return this.isWorkday(d) ? d : this.addWorkdays(d, 1);
  }

  /** Years in the list that the holiday data does not cover (they fall back to Mon–Fri). */
  uncoveredYears(years: number[]): number[] {
    return years.filter((y) => !this.source.hasYear(y));
  }
}
