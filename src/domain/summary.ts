import type { WorkCalendar } from './calendar';
import { emptyTally, formulaText, onTimeRate, rankMap, rankUnits, type RankingWeights, type UnitTally } from './ranking';
import type { Task } from './task';
import { addDays, daysBetween, isLocalDate, lastDayOfMonth, localDate, makeDate, type LocalDate } from './time';
import { NO_EXCLUSIONS, type Exclusions } from './appeal';

/** An overdue task as the summary and the 统计 card list it. */
export interface OverdueItem {
  code: string;
  title: string;
  unitName: string;
  overdueWorkdays: number;
}

/** One unit's line of the ranking table. */
export interface RankingRow {
  rank: number;
  unitName: string;
  score: number;
  change: number | null;
  onTimeRate: number | null;
}

/** What the monthly summary card shows (src/cards/stats-cards.ts renders it). */
export interface MonthlySummaryInput {
  scopeLabel: string;
  /** The features' sections (the projects'), before the ranking's formula. */
  sections?: { title: string; lines: string[] }[];
  month: string; // 2026-11
  dispatched: number;
  closed: number;
  onTimeRate: number | null; // 0..1
  overdueNow: OverdueItem[];
  agenda: { code: string; title: string; unitName: string }[];
  ranking: RankingRow[];
  formula: string;
  prev?: { dispatched: number; closed: number; onTimeRate: number | null };
}

/**
 * The figures of the monthly summary and of the ranking, pure: periods, and per-unit tallies fed with
 * the facts the service streams from the database (FerretDB cannot group with more than one accumulator
 * or compare dates, so counting happens here).
 */
export interface Period {
  kind: 'month' | 'year';
  label: string; // 2026-11 | 2026
  from: LocalDate;
  to: LocalDate;
}

export function parsePeriod(s: string): Period | null {
  const m = /^(\d{4})(?:-(\d{2}))?$/.exec(s.trim());
  if (!m) return null;
  const year = Number(m[1]);
  if (year < 2000 || year > 2100) return null;
  if (!m[2]) return { kind: 'year', label: m[1], from: makeDate(year, 1, 1), to: makeDate(year, 12, 31) };
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return { kind: 'month', label: `${m[1]}-${m[2]}`, from: makeDate(year, month, 1), to: lastDayOfMonth(year, month) };
}

export function monthOf(d: LocalDate): Period {
  return parsePeriod(d.slice(0, 7))!;
}

export function previousPeriod(p: Period): Period {
  return p.kind === 'year' ? parsePeriod(String(Number(p.label) - 1))! : monthOf(addDays(p.from, -1));
}

/** Whether d is the first workday of its month (the monthly summary's day). */
export function isFirstWorkdayOfMonth(d: LocalDate, cal: WorkCalendar): boolean {
  return isFirstWorkdayFrom(d, `${d.slice(0, 8)}01`, cal);
}

/** Whether d is the first workday on or after `from` (the meeting reminder: from the 20th). */
export function isFirstWorkdayFrom(d: LocalDate, from: LocalDate, cal: WorkCalendar): boolean {
  return isLocalDate(from) && d >= from && cal.nextWorkday(from) === d;
}

/**
 * Workdays in (a, b] as WorkCalendar.workdaysBetween counts them, from a running count per day: a scan
 * asks this for every task, and a day-by-day walk each time would dominate a year's ranking.
 */
export class WorkdayCounter {
  private base: LocalDate | undefined;
  private cum: number[] = [];

  constructor(private readonly cal: WorkCalendar) {}

  private at(d: LocalDate): number {
    if (this.base === undefined || d < this.base) {
      this.base = addDays(d, -400);
      this.cum = [0];
    }
    const i = daysBetween(this.base, d);
    for (let k = this.cum.length; k <= i; k++) this.cum.push(this.cum[k - 1] + (this.cal.isWorkday(addDays(this.base, k)) ? 1 : 0));
    return this.cum[i];
  }

  between(a: LocalDate, b: LocalDate): number {
    if (a === b) return 0;
    return b > a ? this.at(b) - this.at(a) : -(this.at(a) - this.at(b));
  }
}

/** Workdays a deadline is overdue within [from, to], counting up to `end` (the day it closed, or today). */
export function overdueWorkdaysWithin(deadline: LocalDate, end: LocalDate, p: Pick<Period, 'from' | 'to'>, cal: WorkCalendar | WorkdayCounter): number {
  const start = deadline > addDays(p.from, -1) ? deadline : addDays(p.from, -1);
  const stop = end < p.to ? end : p.to;
  if (stop <= start) return 0;
  return cal instanceof WorkdayCounter ? cal.between(start, stop) : cal.workdaysBetween(start, stop);
}

export type TaskFacts = Pick<Task, 'code' | 'leadUnit' | 'state' | 'deadline'> & { closedAt?: Date | null };

/**
 * Accumulates a period's tallies. `asOf` is the last day that has happened (today, or the period's end
 * if that is earlier); `excluded` holds the deductions upheld appeals removed.
 */
export class PeriodTally {
  private readonly byUnit = new Map<string, UnitTally>();
  private readonly days: WorkdayCounter;
  readonly asOf: LocalDate;

  constructor(
    readonly period: Period,
    today: LocalDate,
    private readonly tz: string,
    cal: WorkCalendar,
    private readonly w: RankingWeights,
    private readonly excluded: Exclusions = NO_EXCLUSIONS,
    counter?: WorkdayCounter,
  ) {
    this.asOf = today < period.to ? today : period.to;
    this.days = counter ?? new WorkdayCounter(cal);
  }

  private of(unit: string): UnitTally {
    let t = this.byUnit.get(unit);
    if (!t) this.byUnit.set(unit, (t = emptyTally(unit)));
    return t;
  }

  addDispatched(unit: string, n: number): void {
    this.of(unit).dispatched += n;
  }

  /** A task closed on or after the period's start, or open with its deadline before the period's end. `closedOn` may be given (a scan works it out once per task). */
  addTask(t: TaskFacts, closedOnGiven?: LocalDate | null): void {
    if (t.state === 'cancelled') return;
    const closedOn = t.state === 'closed' && t.closedAt ? (closedOnGiven ?? localDate(t.closedAt, this.tz)) : null;
    if (closedOn && closedOn >= this.period.from && closedOn <= this.period.to) {
      const u = this.of(t.leadUnit);
      u.closed++;
      if (closedOn <= t.deadline) u.onTime++;
    }
    if (this.excluded.overdue.has(t.code)) return;
    const end = closedOn && closedOn < this.asOf ? closedOn : this.asOf;
    const n = overdueWorkdaysWithin(t.deadline, end, this.period, this.days);
    if (n > 0) this.of(t.leadUnit).overdueWorkdays += Math.min(n, this.w.overdueCap);
  }

  addReturn(unit: string, code: string): void {
    if (!this.excluded.returns.has(code)) this.of(unit).returns++;
  }

  /** A 督导提示函 by its id (`2026-3`). */
  addLetter(unit: string, id: string): void {
    if (!this.excluded.letters.has(id)) this.of(unit).letters++;
  }

  /** Tallies of the given units (those with nothing get zeros) and of any other unit seen. */
  tallies(units: Iterable<string> = []): UnitTally[] {
    for (const u of units) this.of(u);
    return [...this.byUnit.values()];
  }
}

export interface Totals {
  dispatched: number;
  closed: number;
  onTime: number;
  onTimeRate: number | null;
}

export function totalsOf(tallies: UnitTally[]): Totals {
  const sum = (k: 'dispatched' | 'closed' | 'onTime') => tallies.reduce((n, t) => n + t[k], 0);
  const t = { dispatched: sum('dispatched'), closed: sum('closed'), onTime: sum('onTime') };
  return { ...t, onTimeRate: onTimeRate(t) };
}

export interface MonthlyData {
  scopeLabel: string;
  month: Period;
  tallies: UnitTally[];
  prevTallies: UnitTally[];
  overdueNow: OverdueItem[];
  agenda: { code: string; title: string; unitName: string }[];
  unitName(code: string): string;
}

/** The monthly summary card's input: totals, change from the month before, ranking with its change. */
export function monthlySummary(d: MonthlyData, w: RankingWeights): MonthlySummaryInput {
  const now = totalsOf(d.tallies);
  const prev = totalsOf(d.prevTallies);
  // a month before with nothing on record (the first month of use) has no ranks to compare with: "—"
  const hadData = d.prevTallies.some((t) => t.dispatched || t.closed || t.overdueWorkdays || t.returns || t.letters);
  const ranked = rankUnits(d.tallies, w, hadData ? rankMap(rankUnits(d.prevTallies, w)) : new Map());
  return {
    scopeLabel: d.scopeLabel,
    month: d.month.label,
    dispatched: now.dispatched,
    closed: now.closed,
    onTimeRate: now.onTimeRate,
    overdueNow: [...d.overdueNow].sort((a, b) => b.overdueWorkdays - a.overdueWorkdays || a.code.localeCompare(b.code)),
    agenda: d.agenda,
    ranking: ranked.map((r) => ({ rank: r.rank, unitName: d.unitName(r.unit), score: r.score, change: r.change, onTimeRate: r.onTimeRate })),
    formula: formulaText(w),
    prev: hadData ? { dispatched: prev.dispatched, closed: prev.closed, onTimeRate: prev.onTimeRate } : undefined,
  };
}
