import type { WorkCalendar } from './calendar';
import type { Task } from './task';
import { isLocalDate, localDate, type LocalDate } from './time';

/**
 * The reminder ladder (docs/rules.md#reminders-and-letters), pure: which reminders a task is owed on a given day.
 * - sign 催签: not signed one workday after dispatch; every workday until signed.
 * - due3 / due1 / due0: 3 and 1 workdays before the deadline, and on the due day (the last workday
 *   before it when the deadline falls on a day off).
 * - overdue: every day the job runs once the deadline has passed; to the unit, copied to the group.
 * - letter 督导提示函: once, at 3 workdays overdue (or later, if the job missed that day).
 * - leader: once, at 7 workdays overdue, a report to the linked city leader.
 * A task is N workdays overdue on the Nth workday after its deadline day.
 * Strict urging (有所不为, task.strict): every rung one workday earlier (T-4, T-2, T-1 and the due day;
 * the letter at 2 and the leader at 6 workdays overdue), and the group 组长 is copied.
 * Daily kinds are owed once per task per day; once-kinds once per deadline in force, so an approved
 * extension starts the ladder again. Tasks waiting for review (submitted), closed or cancelled owe nothing.
 */
export type ReminderKind = 'sign' | 'due3' | 'due1' | 'due0' | 'overdue' | 'letter' | 'leader';
export const DAILY_KINDS: readonly ReminderKind[] = ['sign', 'due3', 'due1', 'due0', 'overdue'];
export const ONCE_KINDS: readonly ReminderKind[] = ['letter', 'leader'];

export interface DueReminder {
  kind: ReminderKind;
  /** The claim key: a daily kind once per task per day, a once-kind once per task per deadline. */
  key: string;
  overdueWorkdays: number;
  workdaysLeft: number;
}

export interface LadderSettings {
  letterAt: number; // workdays overdue
  leaderAt: number;
}

export const DEFAULT_LADDER: LadderSettings = { letterAt: 3, leaderAt: 7 };

export type ReminderInput = Pick<Task, 'code' | 'state' | 'deadline' | 'dispatchedAt' | 'strict'>;

export class ReminderInputError extends Error {}

function check(t: ReminderInput, today: LocalDate): void {
  if (!isLocalDate(today)) throw new ReminderInputError(`the day ${JSON.stringify(today)} is not a date (YYYY-MM-DD)`);
  if (typeof t.deadline !== 'string' || !isLocalDate(t.deadline)) throw new ReminderInputError(`${t.code}: deadline ${JSON.stringify(t.deadline)} is not a date (YYYY-MM-DD)`);
  if (!(t.dispatchedAt instanceof Date) || Number.isNaN(t.dispatchedAt.getTime())) throw new ReminderInputError(`${t.code}: dispatchedAt ${JSON.stringify(t.dispatchedAt)} is not a moment`);
}

/**
 * `since`: the last day a run went through the whole ladder. A once-kind is then offered only when its
 * threshold may have been crossed after that day, so a task long overdue is not offered its letter and
 * leader report again every day (each offer is an insert the database refuses). The test uses the
 * ordinary threshold, which is never below the strict one: a task made strict on the way is not missed.
 */
export function remindersDue(t: ReminderInput, today: LocalDate, tz: string, cal: WorkCalendar, ladder: LadderSettings = DEFAULT_LADDER, since?: LocalDate): DueReminder[] {
  if (t.state !== 'dispatched' && t.state !== 'in_progress') return [];
  check(t, today);
  if (since !== undefined && !isLocalDate(since)) throw new ReminderInputError(`the day ${JSON.stringify(since)} is not a date (YYYY-MM-DD)`);
  const early = t.strict ? 1 : 0;
  const out: DueReminder[] = [];
  const daily = (kind: ReminderKind, overdueWorkdays: number, workdaysLeft: number) => out.push({ kind, key: claimKey(t.code, kind, today), overdueWorkdays, workdaysLeft });
  const once = (kind: ReminderKind, n: number) => out.push({ kind, key: claimKey(t.code, kind, t.deadline), overdueWorkdays: n, workdaysLeft: -n });

  if (t.state === 'dispatched' && today >= signDeadline(t.dispatchedAt, tz, cal)) daily('sign', 0, 0);
  if (today > t.deadline) {
    const n = cal.workdaysBetween(t.deadline, today);
    daily('overdue', n, -n);
    const before = since !== undefined && since > t.deadline && since <= today ? cal.workdaysBetween(t.deadline, since) : 0;
    if (n >= ladder.letterAt - early && before < ladder.letterAt) once('letter', n);
    if (n >= ladder.leaderAt - early && before < ladder.leaderAt) once('leader', n);
    return out;
  }
  const left = cal.workdaysBetween(today, t.deadline);
  if (left === 3 + early) daily('due3', 0, left);
  else if (left === 1 + early) daily('due1', 0, left);
  else if (left === early || left === 0) daily('due0', 0, left);
  return out;
}

/** The day 签收 is due: one workday after the day of dispatch; 催签 starts that day. */
export function signDeadline(dispatchedAt: Date, tz: string, cal: WorkCalendar): LocalDate {
  return cal.addWorkdays(localDate(dispatchedAt, tz), 1);
}

/** `DB-2026-0001:overdue:2026-10-12` (daily) or `DB-2026-0001:letter:2026-09-30` (per deadline). */
export function claimKey(code: string, kind: ReminderKind, dayOrDeadline: LocalDate): string {
  return `${code}:${kind}:${dayOrDeadline}`;
}

/**
 * Bounds for the job's query. Due reminders reach at most 4 workdays ahead (strict due3), so a task
 * can be owed something only when its deadline is before the 5th workday from today; a task not yet
 * signed is owed 催签 when a workday has passed since its dispatch day, i.e. when it was dispatched
 * before the latest workday on or before today.
 */
export function reminderWindow(today: LocalDate, cal: WorkCalendar): { deadlineBefore: LocalDate; signDispatchedBefore: LocalDate } {
  return { deadlineBefore: cal.addWorkdays(today, 5), signDispatchedBefore: cal.isWorkday(today) ? today : cal.addWorkdays(today, -1) };
}
