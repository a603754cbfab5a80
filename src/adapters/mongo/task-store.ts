import type { AuditEntry, Task, TaskState } from '../../domain/task';
import type { Change, ChangeNowOptions, NewTask, TaskRepository } from '../../app/ports/tasks';
import { LIMITS } from '../../limits';
import { taskCode } from '../../domain/task';
import { insertNew } from './insert-new';
import { messageKey } from '../../app/keys';
import type { Locks } from '../../app/ports/locks';
import type { Models } from './models';
import { writeGate } from './write-gate';
import type { OutboxItem } from '../../app/outbox-item';
import type { TaskHistoryDoc } from './models/task-history';
import { TASK_SCHEMA_VERSION, type TaskDoc } from './models/tasks';
import type { OutboxStore } from './outbox-store';
import { machineDate, machineNow } from '../../clock';
import { LockBusy } from './lock';
import type { Logger } from '../../log';

/**
 * Tasks, changed one at a time under the task's lock (see lock.ts for why), with the messages a change
 * owes written in the same document write and then relayed to the outbox (docs/rules.md#reliability-rules). The relay is safe
 * to repeat: outbox rows are keyed by the item's key.
 *
 * A task's `_id` is its code, and every read or write of one task, its code counter and its creation
 * claim goes by `_id`: FerretDB reads the whole collection for any other filter, indexed or not.
 *
 * History: a change appends its audit entry in the same write as the change. The task keeps its latest
 * LIMITS.historyEmbedded entries; after the write, still under the lock, older ones are copied to
 * task_history (`${code}:${seq}`, an existing copy is kept) and then trimmed from the task. A crash
 * between the two leaves an entry in both places, which the next pass trims and readers show once.
 */
export type { Change, NewTask };

function toTask(doc: TaskDoc & { _id?: unknown }): Task {
  const { _id, owed, owedAt, schemaVersion, year, seq, ...task } = doc as TaskDoc & { _id?: unknown };
  void _id, owed, owedAt, schemaVersion, year, seq;
  return task as Task;
}

export class TaskStore implements TaskRepository {
  /** Relays `changeNow` left running after its answer. */
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly models: Models,
    private readonly locks: Locks,
    private readonly outbox: OutboxStore,
    private readonly log?: Pick<Logger, 'warn'>,
  ) {}

  async get(code: string): Promise<Task | null> {
    const doc = await this.models.tasks.findById(code.toUpperCase()).lean<TaskDoc>();
    return doc ? toTask(doc) : null;
  }

  async find(filter: Record<string, unknown>, opts: { sort?: Record<string, 1 | -1>; limit?: number; skip?: number; projection?: Record<string, 0 | 1> } = {}): Promise<Task[]> {
    let q = this.models.tasks.find(filter, opts.projection ?? { owed: 0 });
    if (opts.sort) q = q.sort(opts.sort);
    if (opts.skip) q = q.skip(opts.skip);
    if (opts.limit) q = q.limit(opts.limit);
    return (await q.lean<TaskDoc[]>()).map(toTask);
  }

  /** Like `find`, through a cursor: a batch at a time, for exports of any length. */
  async *stream(filter: Record<string, unknown>, opts: { sort?: Record<string, 1 | -1>; limit?: number; skip?: number; projection?: Record<string, 0 | 1> } = {}): AsyncGenerator<Task> {
    let q = this.models.tasks.find(filter, opts.projection ?? { owed: 0 });
    if (opts.sort) q = q.sort(opts.sort);
    if (opts.skip) q = q.skip(opts.skip);
    if (opts.limit) q = q.limit(opts.limit);
    for await (const doc of q.lean<TaskDoc[]>().cursor({ batchSize: 500 })) yield toTask(doc as unknown as TaskDoc);
  }

  async count(filter: Record<string, unknown>): Promise<number> {
    return this.models.tasks.countDocuments(filter);
  }

  async countByState(filter: Record<string, unknown>): Promise<Partial<Record<TaskState, number>>> {
    const rows = await this.models.tasks.aggregate<{ _id: TaskState; n: number }>([{ $match: filter }, { $group: { _id: '$state', n: { $sum: 1 } } }]);
    return Object.fromEntries(rows.map((r) => [r._id, r.n]));
  }

  /** Reads, decides and writes one task under its lock. `fn` is pure: it gets the current task. */
  async change<R>(code: string, fn: (task: Task) => Change<R> | Promise<Change<R>>, waitMs = 5000): Promise<R | null> {
    const { result, after } = await this.apply(code.toUpperCase(), fn, waitMs);
    await after();
    return result;
  }

  /**
   * Like `change`, answering once the change is written: lock (one insert), read, write (the task and
   * what it owes, one update) — the relay, the archive and the unlock follow, under the lock still.
   * What a failed or interrupted relay leaves owed goes out with `relayAll`.
   *
   * While another press holds the lock (many presses of one button), `unchanged` is asked with the
   * task as last written, between attempts: a press it answers changes nothing, so it is answered at
   * once, without the lock — nothing is written, so no change is lost or doubled.
   */
  async changeNow<R>(code: string, fn: (task: Task) => Change<R> | Promise<Change<R>>, opts: ChangeNowOptions<R> = {}): Promise<R | null> {
    const id = code.toUpperCase();
    const { waitMs = 5000, unchanged } = opts;
    const key = `task:${id}`;
    const until = machineNow() + waitMs;
    for (let delay = 3; !(await this.locks.tryAcquire(key)); delay = Math.min(delay * 2, 100)) {
      if (unchanged) {
        const doc = await this.read(id);
        if (!doc) return null;
        const answer = unchanged(toTask(doc));
        if (answer !== undefined) return answer;
      }
      if (machineNow() >= until) throw new LockBusy(key);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    }
    const { result, after } = await this.apply(id, fn, waitMs, true);
    const done: Promise<void> = after()
      .catch((e: Error) => this.log?.warn({ err: e.message, code: id }, 'relay after the answer failed; relayAll sends what is owed'))
      .finally(() => this.running.delete(done));
    this.running.add(done);
    return result;
  }

  async settled(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  /**
   * Takes the task's lock, reads it by `_id`, decides and writes; `after` relays what it owes (from the
   * list in hand: no second read), archives history if due, and releases the lock.
   */
  private async apply<R>(id: string, fn: (task: Task) => Change<R> | Promise<Change<R>>, waitMs: number, held = false): Promise<{ result: R | null; after: () => Promise<void> }> {
    const key = `task:${id}`;
    const release = () => this.locks.release(key).catch(() => undefined);
    if (!held) await this.locks.acquire(key, { waitMs });
    try {
      const doc = await this.read(id);
      if (!doc) return { result: null, after: release };
      const current = toTask(doc);
      const change = await fn(current);
      const owed = [...(doc.owed ?? []), ...(change.owed ?? [])];
      if (change.task || change.owed?.length) await this.save(id, change.task ?? current, owed);
      const archive = (change.task?.history.length ?? 0) > LIMITS.historyEmbedded || doc.schemaVersion !== TASK_SCHEMA_VERSION;
      const after = async () => {
        try {
          if (archive) await this.archiveLocked(id);
          if (owed.length) await this.relayOwed(id, owed);
        } finally {
          await release();
        }
      };
      return { result: change.result, after };
    } catch (e) {
      await release();
      throw e;
    }
  }

  /** One task by `_id`, through the driver (a lean read through the model costs more and returns the same). */
  private read(id: string): Promise<TaskDoc | null> {
    return this.models.tasks.collection.findOne({ _id: id } as never) as Promise<TaskDoc | null>;
  }

  /**
   * Under the task's lock: the whole task and what it owes, in one write. Sent through the driver, as the
   * model would store it (the task's times are Dates, an absent field is left out): the model's casting
   * would hold the write gate's turn (docs/architecture.md#the-hot-path).
   */
  private async save(id: string, task: Task, owed: OutboxItem[]): Promise<void> {
    const set: Record<string, unknown> = { ...task, owed, owedAt: owed.length ? machineDate() : null };
    delete set._id;
    for (const k of Object.keys(set)) if (set[k] === undefined) delete set[k];
    const res = await writeGate(this.models.tasks).run('answer', () => this.models.tasks.collection.updateOne({ _id: id } as never, { $set: set }));
    if (res.matchedCount !== 1) throw new Error(`task ${id} vanished under its lock`);
  }

  /**
   * Creates tasks with the next codes of their year, each carrying what it owes. Idempotent by `origin`:
   * the creating step claims its origin (a unique insert naming the code it takes) before the task is
   * written, so a retry after a crash finishes that task instead of making another.
   */
  async create(items: { task: NewTask; owed: (code: string) => OutboxItem[] }[], year: number): Promise<Task[]> {
    const { models } = this;
    const out: Task[] = [];
    await this.locks.withLock(
      `seq:task:${year}`,
      async () => {
        const counterId = `task:${year}`;
        let seq = (await models.counters.findById(counterId).lean<{ seq: number }>())?.seq;
        // a database from before the counter existed: start after the highest code of the year, once
        if (seq === undefined) seq = (await models.tasks.findOne({ year }, { seq: 1 }).sort({ seq: -1 }).lean<{ seq: number }>())?.seq ?? 0;
        for (const { task, owed } of items) {
          const claimed = await models.taskOrigins.findById(task.origin).lean<{ code: string }>();
          let code = claimed?.code;
          let existing = code ? await models.tasks.findById(code).lean<TaskDoc>() : null;
          if (!code) {
            // the next free code (a counter left behind by an older build, which claimed before it
            // counted, skips the codes already taken); the counter before the claim, so a failure
            // between the two leaves a gap in the numbers, never a code named twice
            do code = taskCode(year, ++seq);
            while (await models.tasks.findById(code, { _id: 1 }).lean());
            await models.counters.updateOne({ _id: counterId }, { $set: { seq } }, { upsert: true });
            await insertNew(models.taskOrigins, [{ _id: task.origin, code }]);
            existing = null;
          }
          if (existing) {
            out.push(toTask(existing)); // a retry finishing what it started
            continue;
          }
          const full: Task = { ...task, code, rev: 1, history: task.history ?? [] };
          const o = owed(code);
          const seqOfCode = Number(code.slice(code.lastIndexOf('-') + 1));
          await models.tasks.collection.insertOne({ _id: code, ...full, year, seq: seqOfCode, owed: o, owedAt: o.length ? machineDate() : null, schemaVersion: TASK_SCHEMA_VERSION } as never);
          out.push(full);
        }
      },
      { waitMs: 30_000 },
    );
    for (const t of out) await this.relay(t.code);
    return out;
  }

  /** Moves what a task owes into the outbox. */
  async relay(code: string): Promise<void> {
    await this.locks.withLock(`task:${code}`, () => this.relayLocked(code));
  }

  private async relayLocked(id: string): Promise<void> {
    const doc = await this.models.tasks.findById(id, { owed: 1 }).lean<Pick<TaskDoc, 'owed'>>();
    if (doc?.owed?.length) await this.relayOwed(id, doc.owed);
  }

  /** Under the task's lock, with what it owes as written: into the outbox, then cleared. */
  private async relayOwed(id: string, owed: OutboxItem[]): Promise<void> {
    await this.outbox.put(await this.expand(owed), 'after');
    await writeGate(this.models.tasks).run('after', () => this.models.tasks.collection.updateOne({ _id: id } as never, { $set: { owed: [], owedAt: null } }));
  }

  /** A 'refresh' item becomes one patch per live copy of what it names. */
  async expand(items: OutboxItem[]): Promise<OutboxItem[]> {
    const out: OutboxItem[] = [];
    // each ref's copies read by `_id`, all at once
    const refs = await Promise.all(items.map((item) => (item.kind === 'refresh' ? this.models.cardRefs.findById(item.ref!).lean<{ copies: { messageId: string; view: string }[] }>() : null)));
    for (const [i, item] of items.entries()) {
      if (item.kind !== 'refresh') {
        out.push(item);
        continue;
      }
      for (const c of refs[i]?.copies ?? []) {
        out.push({
          key: messageKey('patch', item.key, c.messageId),
          kind: 'patch',
          messageId: c.messageId,
          msgType: 'interactive',
          render: { card: item.render?.card ?? item.ref!.split(':')[0], ref: item.ref!, view: c.view },
          lane: `msg:${c.messageId}`,
        });
      }
    }
    return out;
  }

  /**
   * Relays everything left owed (after a crash) and moves the overflow of tasks written before history
   * was archived (schemaVersion < 2); run at start and now and then.
   */
  async relayAll(): Promise<number> {
    const old = await this.models.tasks.find({ schemaVersion: { $ne: TASK_SCHEMA_VERSION } }, { _id: 1 }).limit(500).lean<{ _id: string }[]>();
    for (const d of old) await this.archive(d._id);
    const docs = await this.models.tasks.find({ owedAt: { $ne: null } }, { _id: 1 }).limit(500).lean<{ _id: string }[]>();
    for (const d of docs) await this.relay(d._id);
    return docs.length;
  }

  /** Moves a task's history beyond the latest LIMITS.historyEmbedded entries to task_history; safe to repeat. */
  async archive(code: string): Promise<number> {
    const id = code.toUpperCase();
    return this.locks.withLock(`task:${id}`, () => this.archiveLocked(id));
  }

  private async archiveLocked(id: string): Promise<number> {
    const doc = await this.models.tasks.findById(id, { history: 1, schemaVersion: 1 }).lean<Pick<TaskDoc, 'history' | 'schemaVersion'>>();
    if (!doc) return 0;
    const history = [...(doc.history ?? [])].sort((a, b) => a.seq - b.seq);
    const over = Math.max(0, history.length - LIMITS.historyEmbedded);
    if (!over && doc.schemaVersion === TASK_SCHEMA_VERSION) return 0;
    const moved = history.slice(0, over);
    await insertNew(this.models.taskHistory, moved.map((e): TaskHistoryDoc => ({ ...e, _id: `${id}:${e.seq}`, code: id })));
    const set: Record<string, unknown> = { schemaVersion: TASK_SCHEMA_VERSION };
    if (over) set.history = history.slice(over);
    await this.models.tasks.updateOne({ _id: id }, { $set: set });
    return over;
  }

  /** A task with its whole history, moved entries included, oldest first. */
  async getWithHistory(code: string): Promise<Task | null> {
    const task = await this.get(code);
    if (!task?.history.length) return task;
    const embedded = [...task.history].sort((a, b) => a.seq - b.seq);
    if (embedded[0].seq <= 1) return { ...task, history: embedded };
    const rows = await this.models.taskHistory.find({ code: task.code }).sort({ seq: 1 }).lean<TaskHistoryDoc[]>();
    const have = new Set(embedded.map((e) => e.seq));
    const archived = rows.filter((r) => !have.has(r.seq)).map(({ _id, code: _c, schemaVersion: _v, ...e }): AuditEntry => (void _id, void _c, void _v, e));
    return { ...task, history: [...archived, ...embedded].sort((a, b) => a.seq - b.seq) };
  }

  /** Moved history entries of one action (e.g. every 'return') for a task whose embedded ones fall short. */
  async archivedEntries(code: string, action: string): Promise<AuditEntry[]> {
    const rows = await this.models.taskHistory.find({ code, action }).sort({ seq: 1 }).lean<TaskHistoryDoc[]>();
    return rows.map(({ _id, code: _c, schemaVersion: _v, ...e }): AuditEntry => (void _id, void _c, void _v, e));
  }
}
