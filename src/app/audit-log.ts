import type { AuditEntry } from '../domain/task';
import type { AppDeps } from './deps';
import type { AuditFilter, AuditRow } from './ports/audit-record';

/**
 * The record, read as one log: every task's own history (embedded in the task, written with each change)
 * (with the older entries of long tasks, moved to task_history) and the `audits` collection (org imports, meetings, appeals, escalations, reminders and letters sent).
 * Newest first. Both sources are read sorted and cut at offset+limit, then merged; the total is the sum
 * of both counts (the storage reads: the AuditRecord port). One task's history is read by its code.
 */
export type { AuditFilter, AuditRow };

const fromTask = (code: string, h: AuditEntry): AuditRow => ({ at: h.at, by: h.by, action: h.action, entity: `task:${code}`, task: code, note: h.note, before: h.before, after: h.after });

async function taskHistory(deps: AppDeps, f: AuditFilter, upTo: number): Promise<{ rows: AuditRow[]; total: number }> {
  if (f.task) {
    const t = await deps.tasks.getWithHistory(f.task); // older entries moved to task_history included
    const rows = (t?.history ?? [])
      .filter((h) => (!f.actor || h.by === f.actor) && (!f.action || h.action === f.action) && (!f.from || h.at >= f.from) && (!f.to || h.at < f.to))
      .map((h) => fromTask(t!.code, h))
      .sort((a, b) => b.at.getTime() - a.at.getTime());
    return { rows: rows.slice(0, upTo), total: rows.length };
  }
  const own = await deps.record.taskEntries(f, upTo);
  const moved = await deps.record.movedEntries(f, upTo);
  return { rows: [...own.rows, ...moved.rows].map((d) => fromTask(d.code, d.entry)), total: own.total + moved.total };
}

export async function auditQuery(deps: AppDeps, f: AuditFilter): Promise<{ items: AuditRow[]; total: number }> {
  const upTo = f.offset + f.limit;
  const [a, b] = await Promise.all([taskHistory(deps, f, upTo), deps.record.logEntries(f, upTo)]);
  const items = [...a.rows, ...b.rows].sort((x, y) => y.at.getTime() - x.at.getTime() || x.entity.localeCompare(y.entity)).slice(f.offset, upTo);
  return { items, total: a.total + b.total };
}

/** One task's record beside its own history: the audits entries about it, oldest first. */
export async function auditsOfTask(deps: Pick<AppDeps, 'record'>, code: string): Promise<AuditRow[]> {
  return deps.record.ofTask(code);
}
