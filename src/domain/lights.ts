import type { WorkCalendar } from './calendar';
import type { Task } from './task';
import { isLocalDate, localDate, shortDate, type LocalDate } from './time';

/**
 * The warning light (docs/rules.md#tasks-and-their-states), with its reason in words. Derived, never stored:
 * red = overdue; yellow = deadline within N workdays, or progress more than M points behind the share
 * of workdays elapsed; green otherwise. Closed and cancelled tasks have no light.
 */
export type LightColor = 'green' | 'yellow' | 'red' | 'none';

export interface LightSettings {
  yellowWorkdays: number;
  lagPoints: number;
}

export const DEFAULT_LIGHT_SETTINGS: LightSettings = { yellowWorkdays: 3, lagPoints: 30 };

export interface Light {
  color: LightColor;
  reason: string;
  overdueWorkdays: number; // 0 unless overdue
  workdaysLeft: number; // workdays from today to the deadline (0 on the day, negative when overdue)
  lag: number; // points behind the expected progress (negative = ahead)
}

export const LIGHT_EMOJI: Record<LightColor, string> = { red: '🔴', yellow: '🟡', green: '🟢', none: '⚪' };
export const LIGHT_LABEL: Record<LightColor, string> = { red: '红灯', yellow: '黄灯', green: '绿灯', none: '—' };

export type LightInput = Pick<Task, 'state' | 'deadline' | 'dispatchedAt' | 'progress' | 'closedAt'> & Partial<Pick<Task, 'code'>>;

/** A task whose stored dates cannot give a light (a deadline that is not YYYY-MM-DD, a missing dispatch time). */
export class LightInputError extends Error {}

function checkInput(t: LightInput): void {
  const who = t.code ? `${t.code}: ` : '';
  if (typeof t.deadline !== 'string' || !isLocalDate(t.deadline)) throw new LightInputError(`${who}deadline ${JSON.stringify(t.deadline)} is not a date (YYYY-MM-DD)`);
  const open = t.state !== 'closed' && t.state !== 'cancelled';
  if (open && (!(t.dispatchedAt instanceof Date) || Number.isNaN(t.dispatchedAt.getTime()))) throw new LightInputError(`${who}dispatchedAt ${JSON.stringify(t.dispatchedAt)} is not a moment`);
}

export function lightOf(t: LightInput, now: Date, tz: string, cal: WorkCalendar, s: LightSettings = DEFAULT_LIGHT_SETTINGS): Light {
  checkInput(t);
  const today = localDate(now, tz);
  if (t.state === 'cancelled') return { color: 'none', reason: '已撤销', overdueWorkdays: 0, workdaysLeft: 0, lag: 0 };
  if (t.state === 'closed') {
    const closedOn = t.closedAt ? localDate(t.closedAt, tz) : today;
    const late = closedOn > t.deadline ? cal.workdaysBetween(t.deadline, closedOn) : 0;
    const reason = closedOn <= t.deadline ? '按期办结' : late > 0 ? `超期 ${late} 个工作日办结` : '超期办结';
    return { color: 'none', reason, overdueWorkdays: late, workdaysLeft: 0, lag: 0 };
  }
  if (today > t.deadline) {
    const n = cal.workdaysBetween(t.deadline, today);
    const reason = n > 0 ? `已超期 ${n} 个工作日` : `已过截止日（${shortDate(t.deadline, today)}）`;
    return { color: 'red', reason, overdueWorkdays: n, workdaysLeft: -n, lag: 0 };
  }
  const left = cal.workdaysBetween(today, t.deadline);
  const lag = progressLag(t, today, tz, cal);
  const reasons: string[] = [today === t.deadline ? '今日到期' : left === 0 ? `截止前已无工作日（${shortDate(t.deadline, today)} 截止）` : `剩 ${left} 个工作日`];
  const near = left <= s.yellowWorkdays;
  const behind = lag > s.lagPoints;
  if (behind) reasons.push(`进度落后 ${lag} 个百分点`);
  return { color: near || behind ? 'yellow' : 'green', reason: reasons.join('，'), overdueWorkdays: 0, workdaysLeft: left, lag };
}

/** Expected progress = share of workdays elapsed since dispatch; lag = expected − reported. */
export function progressLag(t: Pick<Task, 'dispatchedAt' | 'deadline' | 'progress'>, today: LocalDate, tz: string, cal: WorkCalendar): number {
  const start = localDate(t.dispatchedAt, tz);
  const total = cal.workdaysBetween(start, t.deadline);
  if (total <= 0) return 0;
  const elapsed = Math.min(Math.max(cal.workdaysBetween(start, today), 0), total);
  return Math.round((elapsed / total) * 100) - (t.progress ?? 0);
}

/** On time = closed on or before the deadline in force. */
export function closedOnTime(t: Pick<Task, 'state' | 'closedAt' | 'deadline'>, tz: string): boolean {
  return t.state === 'closed' && !!t.closedAt && localDate(t.closedAt, tz) <= t.deadline;
}
