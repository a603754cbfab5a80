import type { Task } from '../../domain/task';
import { taskCode } from '../../domain/task';
import type { Locks } from './lock';
import type { Models } from './models';
import type { OutboxItem } from './models/outbox';
import type { TaskDoc } from './models/tasks';
import type { OutboxStore } from './outbox-store';
import { messageKey } from './keys';

/**
 * Tasks, changed one at a time under the task's lock (see lock.ts for why), with the messages a change
 * owes written in the same document write and then relayed to the outbox (SPEC §9). The relay is safe
 * to repeat: outbox rows are keyed by the item's key.
 */
export type NewTask = Omit<Task, 'code' | 'rev' | 'history'> & { history?: Task['history'] };

export interface Change<R> {
  task?: Task; // the new version; absent = nothing to write
  owed?: OutboxItem[];
  result: R;
}

const FIELDS_NOT_SAVED = new Set(['_id']);

function toTask(doc: TaskDoc & { _id?: unknown }): Task {
  const { _id, owed, owedAt, schemaVersion, year, seq, ...task } = doc as TaskDoc & { _id?: unknown };
  void _id, owed, owedAt, schemaVersion, year, seq;
  return task as Task;
}

export class TaskStore {
  constructor(
    private readonly models: Models,
    private readonly locks: Locks,
    private readonly outbox: OutboxStore,
  ) {}

  async get(code: string): Promise<Task | null> {
    const doc = await this.models.tasks.findOne({ code: code.toUpperCase() }).lean<TaskDoc>();
    return doc ? toTask(doc) : null;
  }

  async find(filter: Record<string, unknown>, opts: { sort?: Record<string, 1 | -1>; limit?: number; skip?: number; projection?: Record<string, 0 | 1> } = {}): Promise<Task[]> {
    let q = this.models.tasks.find(filter, opts.projection ?? { owed: 0 });
    if (opts.sort) q = q.sort(opts.sort);
    if (opts.skip) q = q.skip(opts.skip);
    if (opts.limit) q = q.limit(opts.limit);
    return (await q.lean<TaskDoc[]>()).map(toTask);
  }

  async count(filter: Record<string, unknown>): Promise<number> {
    return this.models.tasks.countDocuments(filter);
  }

  /** Reads, decides and writes one task under its lock. `fn` is pure: it gets the current task. */
  async change<R>(code: string, fn: (task: Task) => Change<R> | Promise<Change<R>>, waitMs = 5000): Promise<R | null> {
    const key = `task:${code.toUpperCase()}`;
    return this.locks.withLock(
      key,
      async () => {
        const doc = await this.models.tasks.findOne({ code: code.toUpperCase() }).lean<TaskDoc>();
        if (!doc) return null;
        const current = toTask(doc);
        const change = await fn(current);
        if (change.task) await this.save(current.rev, change.task, [...(doc.owed ?? []), ...(change.owed ?? [])]);
        else if (change.owed?.length) await this.save(current.rev, current, [...(doc.owed ?? []), ...change.owed], false);
        await this.relayLocked(code.toUpperCase());
        return change.result;
      },
      { waitMs },
    );
  }

  private async save(expectRev: number, task: Task, owed: OutboxItem[], bump = true): Promise<void> {
    const set: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(task)) if (!FIELDS_NOT_SAVED.has(k)) set[k] = v;
    set.owed = owed;
    set.owedAt = owed.length ? new Date() : null;
    if (!bump) set.rev = expectRev;
    const res = await this.models.tasks.updateOne({ code: task.code, rev: expectRev }, { $set: set });
    if (res.matchedCount !== 1) throw new Error(`task ${task.code} changed under its lock (rev ${expectRev})`);
  }

  /**
   * Creates tasks with the next codes of their year (under the year's lock), each carrying what it owes.
   * Idempotent by `origin`: tasks already created for an origin are returned, not created again.
   */
  async create(items: { task: NewTask; owed: (code: string) => OutboxItem[] }[], year: number): Promise<Task[]> {
    const created = await this.locks.withLock(`seq:task:${year}`, async () => {
      const origins = items.map((i) => i.task.origin);
      const existing = await this.models.tasks.find({ origin: { $in: origins } }).lean<TaskDoc[]>();
      const byOrigin = new Map(existing.map((d) => [d.origin, d]));
      const last = await this.models.tasks.findOne({ year }, { seq: 1 }).sort({ seq: -1 }).lean<{ seq: number }>();
      let seq = last?.seq ?? 0;
      const docs: TaskDoc[] = [];
      for (const { task, owed } of items) {
        if (byOrigin.has(task.origin)) continue;
        seq += 1;
        const code = taskCode(year, seq);
        const full: Task = { ...task, code, rev: 1, history: task.history ?? [] };
        const o = owed(code);
        docs.push({ ...full, year, seq, owed: o, owedAt: o.length ? new Date() : null, schemaVersion: 1 });
      }
      if (docs.length) await this.models.tasks.insertMany(docs, { ordered: true });
      return [...existing, ...docs];
    });
    const byOrigin = new Map(created.map((d) => [d.origin, toTask(d as TaskDoc)]));
    for (const d of created) if ((d as TaskDoc).owedAt) await this.relay(d.code);
    return items.map((i) => byOrigin.get(i.task.origin)!).filter(Boolean);
  }

  /** Moves what a task owes into the outbox. */
  async relay(code: string): Promise<void> {
    await this.locks.withLock(`task:${code}`, () => this.relayLocked(code));
  }

  private async relayLocked(code: string): Promise<void> {
    const doc = await this.models.tasks.findOne({ code }, { owed: 1, rev: 1 }).lean<Pick<TaskDoc, 'owed' | 'rev'>>();
    if (!doc?.owed?.length) return;
    await this.outbox.put(await this.expand(doc.owed));
    await this.models.tasks.updateOne({ code, rev: doc.rev }, { $set: { owed: [], owedAt: null } });
  }

  /** A 'refresh' item becomes one patch per live copy of what it names. */
  private async expand(items: OutboxItem[]): Promise<OutboxItem[]> {
    const out: OutboxItem[] = [];
    for (const item of items) {
      if (item.kind !== 'refresh') {
        out.push(item);
        continue;
      }
      const copies = await this.models.cardMessages.find({ ref: item.ref, replacedBy: { $exists: false } }).lean();
      for (const c of copies) {
        out.push({
          key: messageKey('patch', item.key, c._id),
          kind: 'patch',
          messageId: c._id,
          msgType: 'interactive',
          render: { card: item.render?.card ?? item.ref!.split(':')[0], ref: item.ref!, view: c.view },
          lane: `msg:${c._id}`,
        });
      }
    }
    return out;
  }

  /** Relays everything left owed (after a crash); run at start and by the outbox loop. */
  async relayAll(): Promise<number> {
    const docs = await this.models.tasks.find({ owedAt: { $ne: null } }, { code: 1 }).limit(500).lean<{ code: string }[]>();
    for (const d of docs) await this.relay(d.code);
    return docs.length;
  }
}
