import type Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import { apiGuard, appRouter, type GuardOptions } from './guard';
import type { Metrics } from '../metrics';
import { DatabaseUnavailable, isDbUnavailable } from '../adapters/mongo/database';
import { dbGate, isApiPath, type DbHealth } from './db-gate';
import { errors, rawBody } from './middleware';
import { machineNow } from '../clock';

/**
 * The Koa application, built by a factory and started only by main.ts (tests drive `app.callback()`).
 * Routes come in ready-made routers; /api and /metrics are guarded before any of them is asked.
 */
export interface HttpOptions {
  log: Logger;
  /** The database's state; /readyz asks it, the admin API is answered 503 while it is away. */
  db: DbHealth & { ping(): Promise<void>; suspect(): void };
  /** What else /readyz needs besides the database: throws NotReady with its own reason. */
  ready?: () => Promise<void>;
  routers: Router[];
  /**
   * Feishu's deliveries (POST /feishu/events, /feishu/card), also one of `routers`: answered right after
   * the error handling, before the request log, the admin guard and the other routers, which have nothing
   * to say to them (docs/architecture.md#the-hot-path).
   */
  ingress?: Router;
  auth: GuardOptions;
  /** Answers counted by status and scraped at GET /metrics (behind the guard). */
  metrics?: Metrics;
  bodyLimit?: number;
}

export function createHttpApp(o: HttpOptions): Koa {
  const app = new Koa();
  app.proxy = true;
  app.silent = true;
  const metrics = o.metrics;
  if (metrics) {
    app.use(async (ctx, next) => {
      try {
        await next();
      } finally {
        metrics.httpAnswer(ctx.status);
      }
    });
  }
  app.use(errors(o.log));
  app.use(async (_ctx, next) => {
    try {
      await next();
    } catch (e) {
      if (!isDbUnavailable(e) || e instanceof DatabaseUnavailable) throw e;
      o.db.suspect();
      throw new DatabaseUnavailable((e as Error).message);
    }
  });
  app.use(async (ctx, next) => {
    const started = machineNow();
    await next();
    if (ctx.path !== '/healthz' && ctx.path !== '/readyz') o.log.debug({ method: ctx.method, path: ctx.path, status: ctx.status, ms: machineNow() - started }, 'http');
  });
  const read = rawBody(o.bodyLimit ?? 1 << 20);
  if (o.ingress) {
    const deliver = o.ingress.routes();
    const paths = new Set(o.ingress.stack.map((l) => l.path));
    app.use((ctx, next) => (ctx.method === 'POST' && paths.has(ctx.path) ? read(ctx, () => deliver(ctx as Parameters<typeof deliver>[0], next)) : next()));
  }
  app.use(apiGuard(o.auth));
  app.use(read);
  const base = appRouter();
  base.get('/healthz', (ctx) => {
    ctx.body = { ok: true };
  });
  base.get('/readyz', async (ctx) => {
    try {
      if (!o.db.ready) throw new Error(o.db.reason);
      await o.db.ping();
      await o.ready?.();
      ctx.body = { ok: true };
    } catch (e) {
      ctx.status = 503;
      ctx.body = { error: e instanceof NotReady ? { code: e.code, message: e.message } : { code: 'db_unreachable', message: `database not reachable: ${(e as Error).message}` } };
    }
  });
  if (metrics) {
    base.get('/metrics', async (ctx) => {
      ctx.type = metrics.registry.contentType;
      ctx.body = await metrics.registry.metrics();
    });
  }
  app.use(base.routes()).use(base.allowedMethods());
  app.use(dbGate(o.db, isApiPath));
  for (const r of o.routers) app.use(r.routes()).use(r.allowedMethods());
  return app;
}

/** /readyz's 503 for a reason other than the database (e.g. the long connection is not up yet). */
export class NotReady extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
