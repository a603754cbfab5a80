/**
 * Named mutexes shared by every instance (docs/architecture.md#ports-of-the-core): a change of a shared record
 * happens inside `withLock(key)`. Lock times are wall-clock, not the business clock.
 */
export interface LockOptions {
  ttlMs?: number; // how long a holder may keep it before others may take over (crash safety)
  waitMs?: number; // how long to wait for it; 0 = try once
}

export interface Locks {
  /** This instance's name on the locks it holds. */
  readonly owner: string;
  tryAcquire(key: string, ttlMs?: number): Promise<boolean>;
  /** Extends a lock this instance holds and that has not expired to `ttlMs` from now; false when it is not held any more (a lease lost: docs/architecture.md#jobs). */
  renew(key: string, ttlMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
  /** Waits for the lock (up to `waitMs`) and takes it; throws when it is not free in time. The caller releases it. */
  acquire(key: string, opts?: LockOptions): Promise<void>;
  /** Runs `fn` holding the lock; throws when it is not free within `waitMs`. */
  withLock<T>(key: string, fn: () => Promise<T>, opts?: LockOptions): Promise<T>;
  /** Releases everything this instance holds (graceful shutdown). */
  releaseAll(): Promise<void>;
}
