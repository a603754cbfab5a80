import { lightOf, type Light } from '../domain/lights';
import type { Org } from '../domain/org';
import { OPEN_STATES, STATE_LABEL, type Task } from '../domain/task';
import { localDate } from '../domain/time';
import type { AppDeps } from './deps';
import { localStamp, type Column } from './table-export';

/** Task lists for the admin API and dashboard: filters, lights (derived on read), the rows and columns of exports. */
export interface TaskQuery {
  code?: string;
  state?: Task['state'] | 'open';
  unit?: string;
  group?: string;
  light?: 'red' | 'yellow' | 'green';
  overdue?: 'true' | 'false';
  deadline_from?: string;
  deadline_to?: string;
  q?: string;
  limit: number;
  offset: number;
}

export type TaskItem = Task & { light: Pick<Light, 'color' | 'reason'>; overdue: boolean };
/** A task in a list: no history (the one-task answer has it all). */
export type TaskListItem = Omit<TaskItem, 'history'>;
const LIST_PROJECTION = { owed: 0, history: 0 } as const;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A task as the API shows it: with its light (derived on read). */
export function withLight<T extends Omit<Task, 'history'>>(deps: AppDeps, t: T, now = deps.clock.now()): T & Pick<TaskItem, 'light' | 'overdue'> {
  const l = lightOf(t, now, deps.settings.tz, deps.cal, deps.settings.lights);
  return { ...t, light: { color: l.color, reason: l.reason }, overdue: l.color === 'red' };
}

/** The database filter of a task query (lights are derived, so `light` only narrows to open tasks here). */
function taskFilter(q: Omit<TaskQuery, 'limit' | 'offset'>, today: string): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  if (q.code) and.push({ _id: q.code.toUpperCase() });
  if (q.state === 'open') and.push({ state: { $in: [...OPEN_STATES] } });
  else if (q.state) and.push({ state: q.state });
  if (q.unit) and.push({ $or: [{ leadUnit: q.unit }, { coUnits: q.unit }] });
  if (q.group) and.push({ group: q.group });
  if (q.overdue === 'true') and.push({ state: { $in: [...OPEN_STATES] } }, { deadline: { $lt: today } });
  if (q.overdue === 'false') and.push({ $or: [{ state: { $nin: [...OPEN_STATES] } }, { deadline: { $gte: today } }] });
  if (q.deadline_from) and.push({ deadline: { $gte: q.deadline_from } });
  if (q.deadline_to) and.push({ deadline: { $lte: q.deadline_to } });
  if (q.q) and.push({ $or: [{ title: { $regex: escapeRegex(q.q) } }, { code: { $regex: escapeRegex(q.q.toUpperCase()) } }] });
  if (q.light) and.push({ state: { $in: [...OPEN_STATES] } });
  return and.length ? { $and: and } : {};
}

const SORT = { year: -1, seq: -1 } as const;

export async function taskQuery(deps: AppDeps, q: TaskQuery): Promise<{ items: TaskListItem[]; total: number }> {
  const now = deps.clock.now();
  const filter = taskFilter(q, localDate(now, deps.settings.tz));
  const decorate = (t: Omit<Task, 'history'>): TaskListItem => withLight(deps, t, now);
  if (!q.light) {
    const [tasks, total] = await Promise.all([deps.tasks.find(filter, { sort: SORT, skip: q.offset, limit: q.limit, projection: LIST_PROJECTION }), deps.tasks.count(filter)]);
    return { items: tasks.map(decorate), total };
  }
  // lights are derived: filter in code over the open tasks that match the rest
  const all = (await deps.tasks.find(filter, { sort: SORT, projection: LIST_PROJECTION })).map(decorate).filter((t) => t.light.color === q.light);
  return { items: all.slice(q.offset, q.offset + q.limit), total: all.length };
}

/** The tasks of a query read through a cursor, one batch at a time (exports): at most `q.limit`, from `q.offset`. */
export async function* taskRows(deps: AppDeps, q: TaskQuery): AsyncGenerator<TaskListItem> {
  const now = deps.clock.now();
  const filter = taskFilter(q, localDate(now, deps.settings.tz));
  // with a light filter the page is counted after deriving the lights, so the cursor reads them all
  const page = q.light ? {} : { skip: q.offset, limit: q.limit };
  let skip = q.light ? q.offset : 0;
  let left = q.limit;
  for await (const t of deps.tasks.stream(filter, { sort: SORT, projection: LIST_PROJECTION, ...page })) {
    const item: TaskListItem = withLight(deps, t, now);
    if (q.light && item.light.color !== q.light) continue;
    if (skip > 0 && skip--) continue;
    if (left-- <= 0) return;
    yield item;
  }
}

const LIGHT_WORD = { red: '红', yellow: '黄', green: '绿', none: '' } as const;

/** The export's columns; times in `tz` as people read them (`2026-10-14 09:05`). */
export function taskColumns(org: Org, tz: string): Column<TaskListItem>[] {
  return [
    ['编号', (t) => t.code],
    ['事项', (t) => t.title],
    ['要求', (t) => t.content],
    ['类别', (t) => t.categoryLabel ?? t.category],
    ['来源', (t) => t.sourceLabel ?? t.source],
    ['优先级', (t) => t.priority],
    ['责任单位', (t) => org.unitName(t.leadUnit)],
    ['配合单位', (t) => t.coUnits.map((u) => org.unitName(u)).join('、')],
    ['督导组', (t) => org.group(t.group)?.name ?? t.group],
    ['派单人', (t) => org.personName(t.dispatcher)],
    ['派单时间', (t) => localStamp(t.dispatchedAt, tz, 'minutes')],
    ['截止日期', (t) => t.deadline],
    ['原截止日期', (t) => t.originalDeadline],
    ['状态', (t) => STATE_LABEL[t.state]],
    ['进度', (t) => t.progress],
    ['灯', (t) => LIGHT_WORD[t.light.color]],
    ['说明', (t) => t.light.reason],
    ['办结时间', (t) => localStamp(t.closedAt, tz, 'minutes')],
    ['退回次数', (t) => t.returns],
  ];
}
