import { LIGHT_EMOJI, type Light } from '../domain/lights';
import { STATE_LABEL, type Task, type TaskState } from '../domain/task';
import type { LocalDate } from '../domain/time';
import { cnDate, cut, dayText, DEFAULT_TZ, lightOrder, lightTag, momentText, summaryText } from './common';
import { renderCard, type Card } from './template';

/** What the bot pushes without being asked (docs/rules.md#reminders-and-letters): 催办, the daily digest, 督导提示函, the 7-day leader report. */

/** The task fields these cards show; a full Task fits. */
export type TaskBrief = Pick<Task, 'code' | 'title' | 'deadline'> & Partial<Pick<Task, 'state' | 'progress'>>;

export interface UrgeInput {
  task: TaskBrief;
  unitName: string;
  light: Light;
  groupName: string;
  urgedBy: string;
  note?: string;
  /** When it was sent; shown as `11-20 09:30`. */
  at?: Date;
  today?: LocalDate;
  tz?: string;
}

export function urgeCard(input: UrgeInput): Card {
  const { task, light } = input;
  const state: TaskState = task.state ?? 'in_progress';
  return renderCard('urge', {
    summary: summaryText(`催办：${task.code}「${task.title}」${light.reason}`),
    code: task.code,
    color: light.color === 'red' ? 'red' : 'orange',
    lightTag: lightTag(light),
    stateLabel: STATE_LABEL[state],
    unitName: input.unitName,
    groupName: input.groupName,
    title: cut(task.title, 120, true),
    deadline: task.deadline,
    lightEmoji: LIGHT_EMOJI[light.color],
    lightReason: light.reason,
    progress: task.progress ?? 0,
    note: input.note ? cut(input.note, 300) : null,
    urgedBy: input.urgedBy,
    at: input.at ? ` ${momentText(input.at, input.tz ?? DEFAULT_TZ, input.today)}` : '',
  });
}

export type ReminderKind = 'sign' | 'due3' | 'due1' | 'due0' | 'overdue';

export interface ReminderItem {
  code: string;
  title: string;
  kind: ReminderKind;
  /** The light now: each line shows its reason (`今日到期`, `剩 1 个工作日`, `已超期 4 个工作日`), which is
   * right on a Friday, before a holiday and for strict tasks, where fixed words such as 明天 would not be. */
  light: Light;
  deadline: LocalDate;
  /** 从严督促 (有所不为): reminded a workday earlier, copied to the group 组长. */
  strict?: boolean;
  /** In a copy for the group, whose item it is. */
  unitName?: string;
}

export interface ReminderDigestInput {
  /** The unit the card is for; for a group copy, the group (or groups) it is copied to. */
  unitName: string;
  date: LocalDate;
  items: ReminderItem[];
  /** The copy sent to the supervision group (its chat, or its 组长). */
  copyForGroup?: boolean;
}

const DIGEST_MAX = 30;
const KIND_ORDER: ReminderKind[] = ['overdue', 'due0', 'due1', 'due3', 'sign'];

export function reminderDigestCard(input: ReminderDigestInput): Card {
  const sorted = [...input.items].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || b.light.overdueWorkdays - a.light.overdueWorkdays || lightOrder(a.light.color) - lightOrder(b.light.color) || a.code.localeCompare(b.code));
  const shown = sorted.slice(0, DIGEST_MAX);
  const line = (t: ReminderItem) => ({
    emoji: LIGHT_EMOJI[t.light.color],
    code: t.code,
    title: cut(t.title, 40, true),
    deadline: dayText(t.deadline, input.date),
    reason: t.light.reason,
    unit: input.copyForGroup && t.unitName ? `【${t.unitName}】` : '',
    strict: t.strict ? '　〔从严督促〕' : '',
  });
  const of = (...kinds: ReminderKind[]) => shown.filter((t) => kinds.includes(t.kind)).map(line);
  const count = (...kinds: ReminderKind[]) => input.items.filter((t) => kinds.includes(t.kind)).length;
  const color = count('overdue') ? 'red' : count('due0', 'due1') ? 'orange' : count('due3') ? 'yellow' : 'blue';
  const parts = [count('overdue') && `超期 ${count('overdue')}`, count('due0', 'due1', 'due3') && `即将到期 ${count('due0', 'due1', 'due3')}`, count('sign') && `待签收 ${count('sign')}`].filter(Boolean);
  return renderCard('reminder-digest', {
    summary: summaryText(`${input.copyForGroup ? '【抄送】' : ''}${input.unitName} 督办提醒：${parts.join('，') || '无'}`),
    unitName: input.unitName,
    date: input.date,
    color,
    copyForGroup: Boolean(input.copyForGroup),
    forUnit: !input.copyForGroup,
    overdue: of('overdue'),
    due: of('due0', 'due1', 'due3'),
    sign: of('sign'),
    hidden: sorted.length - shown.length,
  });
}

export interface LetterInput {
  number: string; // 〔2026〕第1号
  unitName: string;
  task: TaskBrief;
  overdueWorkdays: number;
  issuedOn: LocalDate;
  groupName: string;
  /** Workdays the unit has to answer in writing (default 3). */
  replyWorkdays?: number;
}

export function letterCard(input: LetterInput): Card {
  const { task } = input;
  return renderCard('letter', {
    summary: summaryText(`督导提示函 ${input.number}：${task.code}「${task.title}」已超期 ${input.overdueWorkdays} 个工作日`),
    number: input.number,
    unitName: input.unitName,
    title: cut(task.title, 120, true),
    code: task.code,
    deadline: cnDate(task.deadline),
    overdue: input.overdueWorkdays,
    replyWorkdays: input.replyWorkdays ?? 3,
    groupName: input.groupName,
    issuedOn: cnDate(input.issuedOn),
  });
}

export interface LeaderOverdueInput {
  leaderName: string;
  task: TaskBrief & Partial<Pick<Task, 'reports' | 'leadUnit'>>;
  /** The lead unit's name; 最近反馈 is the lead unit's latest report, not a co-unit's. */
  unitName: string;
  groupName: string;
  overdueWorkdays: number;
  letterNumber?: string;
  today?: LocalDate;
  tz?: string;
}

export function leaderOverdueCard(input: LeaderOverdueInput): Card {
  const { task } = input;
  const reports = (task.reports ?? []).filter((r) => task.leadUnit === undefined || r.unit === task.leadUnit);
  const last = reports.length ? reports[reports.length - 1] : undefined;
  return renderCard('leader-overdue', {
    summary: summaryText(`超期报告：${task.code}「${task.title}」${input.unitName} 已超期 ${input.overdueWorkdays} 个工作日`),
    code: task.code,
    overdue: input.overdueWorkdays,
    leaderName: input.leaderName,
    groupName: input.groupName,
    title: cut(task.title, 120, true),
    unitName: input.unitName,
    deadline: cnDate(task.deadline),
    progress: task.progress ?? 0,
    state: STATE_LABEL[task.state ?? 'in_progress'],
    report: last ? { unit: input.unitName, percent: last.percent, at: momentText(last.at, input.tz ?? DEFAULT_TZ, input.today), content: cut(last.content, 300) || '（见佐证材料）' } : null,
    noReport: !last,
    letterNumber: input.letterNumber ?? null,
  });
}
