import type { WorkCalendar } from './calendar';
import type { Task } from './task';
import { localDate, type LocalDate } from './time';

/**
 * The reminder ladder of SPEC §7, pure: which reminders a task is owed on a given (work)day.
 * - 催签 (sign): not signed one workday after dispatch; every workday until signed.
 * - due3 / due1 / due0: 3 and 1 workdays before the deadline, and on the due day (or the last workday
 *   before it when the deadline falls on a day off).
 * - overdue: every workday once the deadline has passed, to the unit with a copy to the group.
 * - letter (督导提示函): once, at 3 workdays overdue (or later, if the job missed that day).
 * - leader: once, at 7 workdays overdue, a report to the linked city leader.
 * Strict urging (有所不为): every rung one workday earlier, and the group 组长 is copied.
 * `once` reminders are owed once per deadline in force: an approved extension resets the ladder.
 */
export type ReminderKind = 'sign' | 'due3' | 'due1' | 'due0' | 'overdue' | 'letter' | 'leader';

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

export function remindersDue(t: ReminderInput, today: LocalDate, tz: string, cal: WorkCalendar, ladder: LadderSettings = DEFAULT_LADDER): DueReminder[] {
  if (t.state !== 'dispatched' && t.state !== 'in_progress' && t.state !== 'submitted') return [];
  const early = t.strict ? 1 : 0;
  const out: DueReminder[] = [];
  const daily = (kind: ReminderKind, overdueWorkdays = 0, workdaysLeft = 0) => out.push({ kind, key: `${t.code}:${kind}:${today}`, overdueWorkdays, workdaysLeft });
  const once = (kind: ReminderKind, overdueWorkdays: number) => out.push({ kind, key: `${t.code}:${kind}:${t.deadline}`, overdueWorkdays, workdaysLeft: -overdueWorkdays });

  if (t.state === 'dispatched' && cal.workdaysBetween(localDate(t.dispatchedAt, tz), today) >= 1) daily('sign');
  if (t.state === 'submitted') return out; // waiting for the group's review: nothing to urge the unit about

  if (today > t.deadline) {
    const n = cal.workdaysBetween(t.deadline, today);
    daily('overdue', n, -n);
    if (n >= ladder.letterAt - early) once('letter', n);
    if (n >= ladder.leaderAt - early) once('leader', n);
    return out;
  }
  const left = cal.workdaysBetween(today, t.deadline);
  if (left === 3 + early) daily('due3', 0, left);
  else if (left === 1 + early) daily('due1', 0, left);
  else if (left === 0 + early || (left === 0 && early)) daily('due0', 0, left);
  return out;
}

/** The horizon for the job's query: tasks whose deadline is on or before this date can be owed a due reminder. */
export function reminderHorizon(today: LocalDate, cal: WorkCalendar): LocalDate {
  return cal.addWorkdays(today, 5);
}
