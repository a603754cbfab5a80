import type { Context, Middleware, Next } from 'koa';
import { DatabaseUnavailable } from '../adapters/mongo/database';

/** What the HTTP side needs to know about the database (adapters/mongo/database.ts). */
export interface DbHealth {
  readonly ready: boolean;
  readonly reason: string;
  /** Calls `cb` when the database is next found down; returns the unsubscribe. */
  onDown(cb: () => void): () => void;
}

/**
 * Requests that need the database (the admin API) while it is away: answered 503
 * `database_unavailable` at once when it is known down, and within the probe's time when it goes away
 * during the request, instead of hanging on a silent network. The work left running finishes or fails
 * on its own (the driver's heartbeat interrupts it); its answer is dropped.
 */
export function dbGate(db: DbHealth, applies: (path: string) => boolean): Middleware {
  return async (ctx: Context, next: Next) => {
    if (!applies(ctx.path)) return next();
    if (!db.ready) throw new DatabaseUnavailable(db.reason);
    let off = () => {};
    const down = new Promise<never>((_, reject) => (off = db.onDown(() => reject(new DatabaseUnavailable(db.reason)))));
    const work = next();
    work.catch(() => undefined); // when the 503 went first, a later failure of the work is not unhandled
    down.catch(() => undefined);
    try {
      await Promise.race([work, down]);
    } finally {
      off();
    }
  };
}

/** The admin API, however its path is spelled (the router matches it case-insensitively). */
export const isApiPath = (path: string): boolean => /^\/+api(\/|$)/i.test(path);

/** A database that is always up, for HTTP tests without one. */
export const alwaysUp: DbHealth & { ping(): Promise<void>; suspect(): void } = { ready: true, reason: 'up', onDown: () => () => undefined, ping: async () => undefined, suspect: () => undefined };
