import { statutoryDaysOff, type FestivalDates } from './statutory-holidays';
import { addDays, daysBetween, isoWeekday, type LocalDate } from './time';

/**
 * Workdays per China's statutory holidays and 调休, from a data source (the `chinese-days` package in
 * production) overridden by a config list. A year the source has no announced data for uses the
 * statutory holidays with their make-up days (domain/statutory-holidays.ts) when the source gives the
 * festival dates, else Mon–Fri; its weekend swaps (调休) are unknown until the notice appears and come
 * from the overrides. Pure: the source is passed in.
 */
export interface HolidaySource {
  /** true = workday, false = day off, undefined = no data for that year */
  lookup(date: LocalDate): boolean | undefined;
  hasYear(year: number): boolean;
  /** an announced year's listed days: holidays (weekend ones too) and extra workdays (调休) */
  announced?(year: number): AnnouncedDay[];
  /** the year's lunar festivals and 清明, for the statutory fallback */
  festivals?(year: number): FestivalDates | undefined;
}

export interface AnnouncedDay {
  date: LocalDate;
  off: boolean;
  name: string;
}

export type DaySource = 'announced' | 'statutory' | 'override';
/** A day off or an extra workday of a year, and where the calendar has it from. */
export interface CalendarDay extends AnnouncedDay {
  source: DaySource;
}

export class WorkCalendar {
  private readonly cache = new Map<LocalDate, boolean>();
  private readonly statutory = new Map<number, Map<LocalDate, string>>();

  constructor(
    private readonly source: HolidaySource,
    private readonly overrides: Readonly<Record<LocalDate, boolean>> = {},
  ) {}

  isWorkday(d: LocalDate): boolean {
    let v = this.cache.get(d);
    if (v === undefined) {
      v = this.overrides[d] ?? this.fromSource(d) ?? isoWeekday(d) <= 5;
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

  /** Years in the list that the announced holiday data does not cover (they use the statutory fallback). */
  uncoveredYears(years: number[]): number[] {
    return years.filter((y) => !this.source.hasYear(y));
  }

  /** The year's days off and extra workdays, by date, each with its source (an override wins). */
  yearDays(year: number): CalendarDay[] {
    const days = new Map<LocalDate, CalendarDay>();
    if (this.source.hasYear(year)) {
      for (const a of this.source.announced?.(year) ?? []) days.set(a.date, { ...a, source: 'announced' });
    } else {
      for (const [date, name] of this.statutoryYear(year)) days.set(date, { date, off: true, name, source: 'statutory' });
    }
    for (const [date, work] of Object.entries(this.overrides)) {
      if (date.startsWith(`${year}-`)) days.set(date, { date, off: !work, name: work ? '上班（WORKDAY_OVERRIDES）' : '休息（WORKDAY_OVERRIDES）', source: 'override' });
    }
    return [...days.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  }

  private fromSource(d: LocalDate): boolean | undefined {
    const year = Number(d.slice(0, 4));
    if (this.source.hasYear(year)) return this.source.lookup(d);
    return this.statutoryYear(year).has(d) ? false : undefined;
  }

  private statutoryYear(year: number): Map<LocalDate, string> {
    let m = this.statutory.get(year);
    if (!m) {
      const f = this.source.festivals?.(year);
      m = new Map(f ? statutoryDaysOff(year, f).map((s) => [s.date, s.name] as const) : []);
      this.statutory.set(year, m);
    }
    return m;
  }
}
