import ExcelJS from 'exceljs';
import { lightOf, type Light } from '../domain/lights';
import type { Org } from '../domain/org';
import { OPEN_STATES, STATE_LABEL, type Task } from '../domain/task';
import { localDate } from '../domain/time';
import type { AppDeps } from './deps';

/** Task lists for the admin API and dashboard: filters, lights (derived on read), CSV/XLSX exports. */
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

export async function taskQuery(deps: AppDeps, q: TaskQuery): Promise<{ items: TaskListItem[]; total: number }> {
  const { settings, cal, clock } = deps;
  const now = clock.now();
  const today = localDate(now, settings.tz);
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
  const filter = and.length ? { $and: and } : {};
  const decorate = (t: Omit<Task, 'history'>): TaskListItem => withLight(deps, t, now);
  const sort = { year: -1, seq: -1 } as const;
  if (!q.light) {
    const [tasks, total] = await Promise.all([deps.tasks.find(filter, { sort, skip: q.offset, limit: q.limit, projection: LIST_PROJECTION }), deps.tasks.count(filter)]);
    return { items: tasks.map(decorate), total };
  }
  // lights are derived: filter in code over the open tasks that match the rest
  const all = (await deps.tasks.find(filter, { sort, projection: LIST_PROJECTION })).map(decorate).filter((t) => t.light.color === q.light);
  return { items: all.slice(q.offset, q.offset + q.limit), total: all.length };
}

const COLUMNS: [string, (t: TaskListItem, org: Org) => string | number][] = [
  ['编号', (t) => t.code],
  ['事项', (t) => t.title],
  ['要求', (t) => t.content],
  ['类别', (t) => t.categoryLabel ?? t.category],
  ['来源', (t) => t.sourceLabel ?? t.source],
  ['优先级', (t) => t.priority],
  ['责任单位', (t, o) => o.unitName(t.leadUnit)],
  ['配合单位', (t, o) => t.coUnits.map((u) => o.unitName(u)).join('、')],
  ['督导组', (t, o) => o.group(t.group)?.name ?? t.group],
  ['派单人', (t, o) => o.personName(t.dispatcher)],
  ['派单时间', (t) => t.dispatchedAt.toISOString()],
  ['截止日期', (t) => t.deadline],
  ['原截止日期', (t) => t.originalDeadline],
  ['状态', (t) => STATE_LABEL[t.state]],
  ['进度', (t) => t.progress],
  ['灯', (t) => ({ red: '红', yellow: '黄', green: '绿', none: '' })[t.light.color]],
  ['说明', (t) => t.light.reason],
  ['办结时间', (t) => t.closedAt?.toISOString() ?? ''],
  ['退回次数', (t) => t.returns],
];

function csvCell(v: string | number): string {
  const s = String(v);
  // a leading =, +, - or @ would be run as a formula by Excel/WPS
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function tasksToCsv(items: TaskListItem[], org: Org): string {
  const lines = [COLUMNS.map(([h]) => h).join(',')];
  for (const t of items) lines.push(COLUMNS.map(([, f]) => csvCell(f(t, org))).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n'; // BOM: Excel opens UTF-8 correctly
}

export async function tasksToXlsx(items: TaskListItem[], org: Org): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('督办事项');
  ws.addRow(COLUMNS.map(([h]) => h)).font = { bold: true };
  for (const t of items) ws.addRow(COLUMNS.map(([, f]) => f(t, org)));
  ws.columns.forEach((c) => (c.width = 16));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
