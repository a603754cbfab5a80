import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Model } from 'mongoose';
import type { LockOptions, Locks as LockPort } from '../../app/ports/locks';
import { GroupCommit, insertOutcomes } from './group-commit';
import { writeGate } from './write-gate';
import { LOCK_SCHEMA_VERSION, type LockDoc } from './models/locks';
import { machineNow } from '../../clock';

/**
 * A mutex per key in MongoDB. FerretDB 1.24 applies updates as read-modify-write without isolation
 * (two concurrent findOneAndUpdate calls can both "win", and updates of different fields of one document
 * can overwrite each other), so the one atomic step both it and MongoDB offer is an insert against a
 * unique index. Every change of a shared document therefore happens inside `withLock(key)`.
 * Lock times are wall-clock (not the business clock, which demos may move).
 */
export class LockBusy extends Error {
  constructor(readonly key: string) {
    super(`busy: ${key}`);
  }
}

export type { LockOptions };

type LockRow = { _id: string; owner: string; until: Date; schemaVersion: number };

/** An instance's name in lock and run records, `host:pid:random`: an operator can tell which process holds what. */
export function lockOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * How long before its expiry a lock is still surely its holder's (room for other machines' clocks):
 * released before then, it is deleted by `_id` alone; later, only if it is still this owner's.
 */
const SURELY_HELD_MS = 10_000;

export class Locks implements LockPort {
  readonly owner = lockOwner();
  /** Until when each lock this instance took is its own (machine time). */
  private readonly held = new Map<string, number>();

  /** Locks taken at the same moment (a morning's clicks on many tasks) go to the database in one insert. */
  private readonly inserts = new GroupCommit<LockRow, boolean>((docs) => this.insertAll(docs), { windowMs: 1, max: 500 });

  /** Locks released by `_id` at the same moment (the same clicks, after their answers) go in one delete. */
  private readonly deletes = new GroupCommit<string, void>((keys) => this.deleteAll(keys), { windowMs: 2, max: 500 });

  constructor(private readonly locks: Model<LockDoc>) {}

  /**
   * One insert when the lock is free. When it is taken, the holder's lock is read by `_id` and only an
   * expired one (a holder that died) is taken over: a busy lock costs no filter but `_id` until then.
   */
  async tryAcquire(key: string, ttlMs = 30_000): Promise<boolean> {
    const now = machineNow();
    if (await this.insert(key, now, ttlMs)) return true;
    const held = await this.locks.collection.findOne({ _id: key } as never, { projection: { owner: 1, until: 1 } });
    if (held && new Date(held.until as Date).getTime() >= now) return false;
    if (held) {
      // a holder that died leaves its lock; past its time it may be taken over
      const gone = await this.locks.collection.deleteOne({ _id: key, owner: held.owner, until: { $lt: new Date(now) } } as never);
      if (gone.deletedCount !== 1) return false;
    }
    return this.insert(key, now, ttlMs);
  }

  /** The lock's insert, shared with the others taken at the same moment (one unordered insertMany). */
  private async insert(key: string, now: number, ttlMs: number): Promise<boolean> {
    const [taken] = await this.inserts.submit([{ _id: key, owner: this.owner, until: new Date(now + ttlMs), schemaVersion: LOCK_SCHEMA_VERSION }]);
    if (taken) this.held.set(key, now + ttlMs);
    return taken;
  }

  private async insertAll(docs: LockRow[]): Promise<(boolean | Error)[]> {
    try {
      await writeGate(this.locks).run('answer', () => this.locks.collection.insertMany(docs as never[], { ordered: false }));
      return docs.map(() => true);
    } catch (e) {
      return insertOutcomes(docs.length, e); // per lock: taken (a duplicate key) or not written; a failure of the whole batch fails each
    }
  }

  /**
   * Extends a lock this instance holds to `ttlMs` from now (a lease: docs/architecture.md#jobs). False
   * when it is not held any more — expired, taken over or released — and the holder must stop. Only
   * an unexpired lock of this owner is extended; FerretDB's update is a read-modify-write, so a holder
   * renews well before its time runs out (a lease's third), never racing one that takes it over after.
   */
  async renew(key: string, ttlMs: number): Promise<boolean> {
    const now = machineNow();
    const r = await this.locks.collection.updateOne({ _id: key, owner: this.owner, until: { $gt: new Date(now) } } as never, { $set: { until: new Date(now + ttlMs) } });
    if (r.matchedCount === 1) this.held.set(key, now + ttlMs);
    return r.matchedCount === 1;
  }

  /**
   * Deletes the lock by `_id` alone while it is surely still this instance's (a task's lock is held for
   * a few round trips of its 30 s), together with the others released at the same moment. Near or past
   * its expiry another instance may have taken it over: then only this owner's is deleted, on its own
   * (on FerretDB's SQLite handler that filter reads every lock).
   */
  async release(key: string): Promise<void> {
    const until = this.held.get(key);
    this.held.delete(key);
    const mine = until !== undefined && machineNow() < until - SURELY_HELD_MS;
    if (mine) await this.deletes.submit([key]);
    else await this.locks.collection.deleteOne({ _id: key, owner: this.owner } as never);
  }

  /**
   * One lock: a delete by `_id` (the index). More: one `$in`, which on FerretDB's SQLite handler reads the
   * whole of `locks` (the locks held now and the few a crashed holder left) and still costs a fraction of
   * a delete per key, each its own write transaction (docs/architecture.md#a-card-click-in-four-round-trips).
   * A failure fails every release of the batch.
   */
  private async deleteAll(keys: string[]): Promise<void[]> {
    const gate = writeGate(this.locks);
    if (keys.length === 1) await gate.run('after', () => this.locks.collection.deleteOne({ _id: keys[0] } as never));
    else await gate.run('after', () => this.locks.collection.deleteMany({ _id: { $in: keys } } as never));
    return keys.map(() => undefined);
  }

  async acquire(key: string, opts: LockOptions = {}): Promise<void> {
    const { ttlMs = 30_000, waitMs = 5_000 } = opts;
    const until = machineNow() + waitMs;
    let delay = 3;
    while (!(await this.tryAcquire(key, ttlMs))) {
      if (machineNow() >= until) throw new LockBusy(key);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 100);
    }
  }

  async withLock<T>(key: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
    await this.acquire(key, opts);
    try {
      return await fn();
    } finally {
      await this.release(key).catch(() => undefined);
    }
  }

  /** Releases everything this instance holds (graceful shutdown). */
  async releaseAll(): Promise<void> {
    this.held.clear();
    await this.locks.collection.deleteMany({ owner: this.owner } as never);
  }
}
