import type { WorkCalendar } from '../../domain/calendar';
import { lightOf, LIGHT_LABEL, type LightSettings } from '../../domain/lights';
import type { Org } from '../../domain/org';
import type { Task } from '../../domain/task';
import { addDays, lastDayOfMonth, localDate, startOfDay, type LocalDate } from '../../domain/time';
import type { ItemField, LedgerItem } from './template';

/**
 * A task as the 台账 shows it (docs/architecture.md#the-ledger): pure, time passed in. A month's 台账
 * lists the tasks open at any time in the month, each as it stood at the month's end (or now, for the
 * current month): changes after that moment are rolled back from the audit entries' `before` values,
 * and later progress reports and requests are left out.
 */

export interface Month {
  label: string; // 2026-10
  from: Date; // its first moment, local time
  to: Date; // the first moment of the next month
  last: LocalDate; // its last day
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `2026-10` → the month's bounds in tz; null when malformed. */
export function parseMonth(s: string, tz: string): Month | null {
  const m = MONTH.exec(s.trim());
  if (!m) return null;
  const [y, mo] = [Number(m[1]), Number(m[2])];
  if (y < 2000 || y > 2100) return null;
  const last = lastDayOfMonth(y, mo);
  return { label: `${m[1]}-${m[2]}`, from: startOfDay(`${m[1]}-${m[2]}-01`, tz), to: startOfDay(addDays(last, 1), tz), last };
}

/** Open at some moment of [from, to): dispatched before its end, not finished before its start. */
export function openDuring(t: Pick<Task, 'dispatchedAt' | 'closedAt' | 'cancelledAt'>, m: Pick<Month, 'from' | 'to'>): boolean {
  if (new Date(t.dispatchedAt) >= m.to) return false;
  const ended = t.closedAt ?? t.cancelledAt;
  return !ended || new Date(ended) >= m.from;
}

/** The task as it stood at `at`: later audit entries undone (their `before` values put back), later reports and requests left out. */
export function taskAsOf(t: Task, at: Date): Task {
  const later = t.history.filter((e) => new Date(e.at) > at).sort((a, b) => b.seq - a.seq);
  const back: Partial<Record<keyof Task, unknown>> & Task = { ...t };
  for (const e of later) {
    for (const [k, v] of Object.entries(e.before ?? {})) {
      if (v === undefined || v === null) delete back[k as keyof Task];
      else Object.assign(back, { [k]: v });
    }
    // a field the entry set that had no value before it
    for (const k of Object.keys(e.after ?? {})) if (!(k in (e.before ?? {})) && e.action !== 'dispatch') delete back[k as keyof Task];
  }
  const out: Task = back;
  return {
    ...out,
    reports: t.reports.filter((r) => new Date(r.at) <= at),
    requests: t.requests.filter((r) => new Date(r.at) <= at).map((r) => (r.decidedAt && new Date(r.decidedAt) > at ? { ...r, state: 'pending' as const, decidedAt: undefined, decidedBy: undefined, opinion: undefined } : r)),
    history: t.history.filter((e) => new Date(e.at) <= at),
  };
}

export interface RowContext {
  org: Org;
  /** The moment the 台账 shows: the month's end, or now for the current month. */
  at: Date;
  tz: string;
  cal: WorkCalendar;
  lights: LightSettings;
}

const cn = (d: LocalDate) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
const md = (d: LocalDate) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
const PROGRESS_CHARS = 500;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** 完成情况 in words: 按期办结 / 超期办结 / 已撤销 / 待签收 / 办理中 / 待审核, an open task past its deadline 超期未办结. */
export function stateWords(t: Task, today: LocalDate, tz: string): string {
  if (t.state === 'closed') return t.closedAt && localDate(new Date(t.closedAt), tz) <= t.deadline ? '按期办结' : '超期办结';
  if (t.state === 'cancelled') return '已撤销';
  if (today > t.deadline) return '超期未办结';
  return t.state === 'dispatched' ? '待签收' : t.state === 'submitted' ? '待审核（已申请办结）' : '办理中';
}

/** One row of the 台账 for a task as it stood at `c.at` (`t` already rolled back with taskAsOf). */
export function ledgerItem(t: Task, c: RowContext): LedgerItem {
  const today = localDate(c.at, c.tz);
  const light = lightOf(t, c.at, c.tz, c.cal, c.lights);
  const last = t.reports[t.reports.length - 1];
  const progress = last
    ? `${md(localDate(new Date(last.at), c.tz))}${last.unit !== t.leadUnit ? `（${c.org.unitName(last.unit)}）` : ''}：${clip(last.content, PROGRESS_CHARS) || '见佐证材料'}`
    : '暂无进展反馈';
  const notes: string[] = [];
  if (t.deadline !== t.originalDeadline) notes.push(`已延期（原时限${md(t.originalDeadline)}）`);
  if (t.returns > 0) notes.push(`退回 ${t.returns} 次`);
  if (t.state === 'cancelled') {
    const why = [...t.history].reverse().find((e) => e.action === 'cancel')?.note;
    notes.push(why ? `已撤销：${why}` : '已撤销');
  }
  const closedOn = t.closedAt ? localDate(new Date(t.closedAt), c.tz) : '';
  const values: Record<ItemField, string | number> = {
    序号: 0, // numbered by the template filler
    编号: t.code,
    事项: t.title,
    工作要求: t.content,
    分类: t.categoryLabel ?? t.category,
    来源: t.sourceLabel ?? t.source,
    责任单位: c.org.unitName(t.leadUnit),
    配合单位: t.coUnits.map((u) => c.org.unitName(u)).join('、'),
    派发日期: cn(localDate(new Date(t.dispatchedAt), c.tz)),
    完成时限: cn(t.deadline),
    进度: `${t.progress}%`,
    进展情况: progress,
    完成情况: stateWords(t, today, c.tz),
    办结日期: closedOn ? cn(closedOn) : '',
    灯: light.color === 'none' ? light.reason : `${LIGHT_LABEL[light.color]}（${light.reason}）`,
    备注: notes.join('；'),
  };
  return { category: t.categoryLabel ?? t.category, values, closed: t.state === 'closed', overdue: t.state !== 'cancelled' && (t.state === 'closed' ? values.完成情况 === '超期办结' : today > t.deadline) };
}

/** Categories in the configured order, then any others met, in the order first met. */
export function categoryOrder(configured: readonly string[], items: LedgerItem[]): string[] {
  const seen = [...new Set(items.map((i) => i.category))];
  return [...configured.filter((c) => seen.includes(c)), ...seen.filter((c) => !configured.includes(c))];
}

export { cn as chineseDate };
