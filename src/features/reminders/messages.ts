import { messageKey } from '../../app/keys';
import { groupTargets, personTarget, unitTargets, type Target } from '../../app/notify';
import type { OutboxItem } from '../../app/outbox-item';
import type { Letter } from '../../app/ports/letters';
import { leaderOverdueCard, letterCard, reminderDigestCard, type ReminderItem } from '../../cards';
import type { Light } from '../../domain/lights';
import type { Org } from '../../domain/org';
import type { DueReminder } from '../../domain/reminders';
import type { Task } from '../../domain/task';
import type { LocalDate } from '../../domain/time';

/**
 * The messages of one `reminders` run, built from what it owes (pure). Keys name the run that claimed
 * each reminder, so a run finishing the work of one that stopped half-way produces the same keys and
 * the outbox sends each message once.
 */
export const TASK_FIELDS = { code: 1, title: 1, state: 1, deadline: 1, dispatchedAt: 1, progress: 1, closedAt: 1, strict: 1, leadUnit: 1, group: 1, priority: 1, reports: 1, order: 1 } as const;
export type Brief = Pick<Task, keyof typeof TASK_FIELDS>;

export interface Owed {
  due: DueReminder;
  task: Brief;
  /** The run whose claim this is (this run's, or one that stopped before its messages were queued). */
  run: string;
}

export interface MessageContext {
  org: Org;
  today: LocalDate;
  tz: string;
  light(t: Brief): Light;
}

const DIGEST_KINDS = new Set(['sign', 'due3', 'due1', 'due0', 'overdue']);

function groupBy<T>(list: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) {
    const k = key(x);
    const bucket = m.get(k);
    if (bucket) bucket.push(x);
    else m.set(k, [x]);
  }
  return m;
}

function item(c: MessageContext, o: Owed, withUnit = false): ReminderItem {
  const t = o.task;
  return { code: t.code, title: t.title, kind: o.due.kind as ReminderItem['kind'], light: c.light(t), deadline: t.deadline, strict: t.strict || undefined, unitName: withUnit ? c.org.unitName(t.leadUnit) : undefined };
}

const ids = (list: Owed[]) => list.map((o) => o.due.key).sort();

/** Most urgent first: a task owed several kinds the same day is listed once, under the first. */
const URGENCY = ['overdue', 'due0', 'due1', 'due3', 'sign'];

/** One item per task: its most urgent kind (the others stay claimed, so none comes back later that day). */
export function oncePerTask(list: Owed[]): Owed[] {
  const best = new Map<string, Owed>();
  for (const o of list) {
    const had = best.get(o.task.code);
    if (!had || URGENCY.indexOf(o.due.kind) < URGENCY.indexOf(had.due.kind)) best.set(o.task.code, o);
  }
  return list.filter((o) => best.get(o.task.code) === o);
}

/** One card per unit (per claiming run) listing its reminders of the day; 加急 when an urgent item is late or due. */
export function unitDigests(c: MessageContext, owed: Owed[]): { items: OutboxItem[]; undeliverable: string[] } {
  const items: OutboxItem[] = [];
  const undeliverable: string[] = [];
  for (const list of groupBy(owed.filter((o) => DIGEST_KINDS.has(o.due.kind)), (o) => `${o.run}|${o.task.leadUnit}`).values()) {
    const { run } = list[0];
    const unit = list[0].task.leadUnit;
    const card = reminderDigestCard({ unitName: c.org.unitName(unit), date: c.today, items: oncePerTask(list).map((o) => item(c, o)) });
    const pressing = list.some((o) => (o.due.kind === 'overdue' || o.due.kind === 'due0') && (o.task.priority === '紧急' || o.task.strict));
    const officials = pressing ? c.org.officialsOf(unit).flatMap((p) => (p.openId ? [p.openId] : [])) : [];
    const targets = unitTargets(c.org, unit);
    if (!targets.length) undeliverable.push(...ids(list));
    for (const to of targets) items.push({ key: messageKey('digest', run, unit, to.id), kind: 'send', to, msgType: 'interactive', content: card, urgentTo: officials.length ? officials : undefined });
  }
  return { items, undeliverable };
}

/**
 * Copies for the supervision groups: overdue items to the group's chat (its 组长 when it has none);
 * every item of a strictly urged task to the group 组长 directly. One card per recipient.
 */
export function groupCopies(c: MessageContext, owed: Owed[]): OutboxItem[] {
  const byTarget = new Map<string, { to: Target; run: string; groups: Set<string>; keys: Set<string>; list: Owed[] }>();
  const add = (to: Target, o: Owed) => {
    const k = `${o.run}|${to.id}`;
    const entry = byTarget.get(k) ?? { to, run: o.run, groups: new Set<string>(), keys: new Set<string>(), list: [] };
    if (entry.keys.has(o.due.key)) return; // a group without a chat: its 组长 already has the strict copy
    entry.keys.add(o.due.key);
    entry.list.push(o);
    entry.groups.add(o.task.group);
    byTarget.set(k, entry);
  };
  for (const o of owed) {
    if (!DIGEST_KINDS.has(o.due.kind)) continue;
    if (o.due.kind === 'overdue') for (const to of groupTargets(c.org, o.task.group)) add(to, o);
    if (o.task.strict) for (const to of groupTargets(c.org, o.task.group, '组长')) add(to, o);
  }
  const items: OutboxItem[] = [];
  for (const { to, run, groups, list } of byTarget.values()) {
    const name = [...groups].map((g) => c.org.group(g)?.name ?? g).join('、');
    const card = reminderDigestCard({ unitName: name, date: c.today, items: oncePerTask(list).map((o) => item(c, o, true)), copyForGroup: true });
    items.push({ key: messageKey('digestcc', run, to.id), kind: 'send', to, msgType: 'interactive', content: card });
  }
  return items;
}

export function letterNumber(l: Pick<Letter, 'year' | 'number'>): string {
  return `〔${l.year}〕第${l.number}号`;
}

/** A 督导提示函 in a direct message, as a formal card with 加急, to the unit's 负责人 (else its 联络员) and the group 组长. */
export function letterItems(org: Org, letter: Letter): OutboxItem[] {
  const card = letterCard({ number: letterNumber(letter), unitName: org.unitName(letter.unit), task: { code: letter.code, title: letter.title ?? '', deadline: letter.deadline }, overdueWorkdays: letter.overdueWorkdays, issuedOn: letter.issuedOn, groupName: org.group(letter.group)?.name ?? letter.group });
  const heads = unitTargets(org, letter.unit, '负责人');
  const seen = new Set<string>();
  const to = [...(heads.length ? heads : unitTargets(org, letter.unit, '联络员')), ...groupTargets(org, letter.group, '组长')].filter((t) => t.type === 'open_id' && !seen.has(t.id) && seen.add(t.id));
  return to.map((target) => ({ key: messageKey('letter', letter._id, target.id), kind: 'send', to: target, msgType: 'interactive', content: card, urgentTo: [target.id] }));
}

/** At 7 workdays overdue: a report to the group's linked city leader. */
export function leaderItems(c: MessageContext, o: Owed, letter?: Pick<Letter, 'year' | 'number'>): OutboxItem[] {
  const t = o.task;
  const g = c.org.group(t.group);
  const leader = g ? c.org.person(g.cityLeader) : undefined;
  if (!leader) return [];
  const card = leaderOverdueCard({ leaderName: leader.name, task: t, unitName: c.org.unitName(t.leadUnit), groupName: g?.name ?? t.group, overdueWorkdays: o.due.overdueWorkdays, letterNumber: letter ? letterNumber(letter) : undefined, today: c.today, tz: c.tz });
  return personTarget(c.org, leader.code).map((to) => ({ key: messageKey('leader', t.code, t.deadline, to.id), kind: 'send', to, msgType: 'interactive', content: card }));
}

/**
 * The task cards of everything reminded today are patched once a day: their light and "剩 N 个工作日"
 * move with time alone, and no edit bumps the task's rev to refresh them.
 */
/**
 * The roll-up cards of the orders the run's tasks belong to: their lights move with the tasks' (a
 * patch per live copy once expanded; the card reads its tasks by _id when rendered).
 */
export function rollupRefreshes(orders: Iterable<string>, today: LocalDate): OutboxItem[] {
  return [...new Set(orders)].sort().map((order) => ({ key: messageKey('refresh', order, 'rollup', today), kind: 'refresh', ref: `order:${order}`, msgType: 'interactive', render: { card: 'rollup', ref: `order:${order}`, view: 'rollup' } }));
}

export function cardRefreshes(owed: Owed[], today: LocalDate): OutboxItem[] {
  const codes = new Set(owed.filter((o) => o.due.kind !== 'letter' && o.due.kind !== 'leader').map((o) => o.task.code));
  return [...codes].map((code) => ({ key: messageKey('refresh', code, 'day', today), kind: 'refresh', ref: `task:${code}`, msgType: 'interactive', render: { card: 'task', ref: `task:${code}`, view: '' } }));
}
