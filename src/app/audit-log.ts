import type { AuditDoc } from '../adapters/mongo/models/audits';
import type { TaskHistoryDoc } from '../adapters/mongo/models/task-history';
import type { AuditEntry } from '../domain/task';
import type { AppDeps } from './deps';

/**
 * The record, read as one log: every task's own history (embedded in the task, written with each change)
 * (with the older entries of long tasks, moved to task_history) and the `audits` collection (org imports, meetings, appeals, escalations, reminders and letters sent).
 * Newest first. Both sources are read sorted and cut at offset+limit, then merged; the total is the sum
 * of both counts. Tasks' histories are unwound in the database ($unwind, $match, $sort — all FerretDB
 * 1.24 has), or read by `_id` when one task is asked for.
 */
export interface AuditFilter {
  task?: string;
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date; // exclusive
  limit: number;
  offset: number;
}

export interface AuditRow {
  at: Date;
  by: string;
  action: string;
  entity: string; // task:DB-2026-0001, appeal:AP-…, org, meeting:…, letter:2026-3, reminder:…
  task?: string;
  note?: string;
  before?: unknown;
  after?: unknown;
}

function range(f: AuditFilter, field: string): Record<string, unknown> {
  const r: Record<string, Date> = {};
  if (f.from) r.$gte = f.from;
  if (f.to) r.$lt = f.to;
  return Object.keys(r).length ? { [field]: r } : {};
}

const fromTask = (code: string, h: AuditEntry): AuditRow => ({ at: h.at, by: h.by, action: h.action, entity: `task:${code}`, task: code, note: h.note, before: h.before, after: h.after });

async function taskHistory(deps: AppDeps, f: AuditFilter, upTo: number): Promise<{ rows: AuditRow[]; total: number }> {
  const match: Record<string, unknown> = { ...range(f, 'history.at') };
  if (f.actor) match['history.by'] = f.actor;
  if (f.action) match['history.action'] = f.action;
  if (f.task) {
    const t = await deps.tasks.getWithHistory(f.task); // older entries moved to task_history included
    const rows = (t?.history ?? [])
      .filter((h) => (!f.actor || h.by === f.actor) && (!f.action || h.action === f.action) && (!f.from || h.at >= f.from) && (!f.to || h.at < f.to))
      .map((h) => fromTask(t!.code, h))
      .sort((a, b) => b.at.getTime() - a.at.getTime());
    return { rows: rows.slice(0, upTo), total: rows.length };
  }
  const base = [{ $project: { code: 1, history: 1 } }, { $unwind: '$history' }, ...(Object.keys(match).length ? [{ $match: match }] : [])];
  const [docs, counted] = await Promise.all([
    upTo > 0 ? deps.models.tasks.aggregate<{ code: string; history: AuditEntry }>([...base, { $sort: { 'history.at': -1 } }, { $limit: upTo }]) : Promise.resolve([]),
    deps.models.tasks.aggregate<{ n: number }>([...base, { $group: { _id: null, n: { $sum: 1 } } }]),
  ]);
  const moved = await movedHistory(deps, f, upTo);
  return { rows: [...docs.map((d) => fromTask(d.code, d.history)), ...moved.rows], total: (counted[0]?.n ?? 0) + moved.total };
}

/** Entries moved out of long tasks into task_history (while an entry is being moved it may show twice). */
async function movedHistory(deps: AppDeps, f: AuditFilter, upTo: number): Promise<{ rows: AuditRow[]; total: number }> {
  const filter: Record<string, unknown> = { ...range(f, 'at') };
  if (f.actor) filter.by = f.actor;
  if (f.action) filter.action = f.action;
  const [docs, total] = await Promise.all([
    upTo > 0 ? deps.models.taskHistory.find(filter).sort({ at: -1 }).limit(upTo).lean<TaskHistoryDoc[]>() : Promise.resolve([]),
    deps.models.taskHistory.countDocuments(filter),
  ]);
  return { rows: docs.map((d) => fromTask(d.code, d)), total };
}

async function logEntries(deps: AppDeps, f: AuditFilter, upTo: number): Promise<{ rows: AuditRow[]; total: number }> {
  const filter: Record<string, unknown> = { ...range(f, 'at') };
  if (f.task) filter.task = f.task.toUpperCase();
  if (f.actor) filter.by = f.actor;
  if (f.action) filter.action = f.action;
  const [docs, total] = await Promise.all([
    upTo > 0 ? deps.models.audits.find(filter).sort({ at: -1 }).limit(upTo).lean<AuditDoc[]>() : Promise.resolve([]),
    deps.models.audits.countDocuments(filter),
  ]);
  return { rows: docs.map((d) => ({ at: d.at, by: d.by, action: d.action, entity: d.entity, task: d.task, note: d.note, before: d.before, after: d.after })), total };
}

export async function auditQuery(deps: AppDeps, f: AuditFilter): Promise<{ items: AuditRow[]; total: number }> {
  const upTo = f.offset + f.limit;
  const [a, b] = await Promise.all([taskHistory(deps, f, upTo), logEntries(deps, f, upTo)]);
  const items = [...a.rows, ...b.rows].sort((x, y) => y.at.getTime() - x.at.getTime() || x.entity.localeCompare(y.entity)).slice(f.offset, upTo);
  return { items, total: a.total + b.total };
}

/** One task's record beside its own history: the audits entries about it, oldest first. */
export async function auditsOfTask(deps: AppDeps, code: string): Promise<AuditRow[]> {
  const docs = await deps.models.audits.find({ task: code.toUpperCase() }).sort({ at: 1 }).lean<AuditDoc[]>();
  return docs.map((d) => ({ at: d.at, by: d.by, action: d.action, entity: d.entity, task: d.task, note: d.note, before: d.before, after: d.after }));
}
