import { PassThrough } from 'node:stream';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Feature, RouteDef, RouteReply } from '../app/feature';
import { appRouter } from './guard';
import { doc } from './openapi';

/**
 * The features' admin routes (docs/architecture.md#features), mounted under `/api` with their OpenAPI
 * entries: `doc` checks the query and JSON body; a `RouteError` thrown by a handler is answered as the
 * API's error shape by the error middleware.
 */
export function featureRoutes(features: readonly Feature[], log: Logger): Router {
  const router = appRouter('/api');
  for (const f of features) mountRoutes(router, f.routes ?? [], log);
  return router;
}

/** Mounts routes described as data on a router. */
export function mountRoutes(router: Router, routes: readonly RouteDef[], log: Logger): void {
  for (const r of routes) {
    router[r.method](r.path, doc(r.doc), async (ctx) => {
      const reply = await r.handle({
        params: ctx.params as Record<string, string>,
        query: r.doc.query ? ctx.state.query : ctx.query,
        body: ctx.state.body,
        raw: ctx.state.raw as Buffer | undefined,
        contentType: ctx.get('content-type'),
      });
      answer(ctx, reply, (e) => log.error({ err: e, path: ctx.path }, 'download ended early'));
    });
  }
}

function answer(ctx: Context, reply: RouteReply, onError: (e: unknown) => void): void {
  if ('file' in reply) {
    ctx.type = reply.file.contentType;
    ctx.attachment(reply.file.name);
    ctx.body = reply.file.data;
  } else if ('stream' in reply) {
    const body = new PassThrough();
    ctx.type = reply.stream.contentType;
    ctx.attachment(reply.stream.name);
    ctx.body = body;
    reply.stream.write(body).catch((e: unknown) => {
      onError(e);
      body.destroy(e as Error);
    });
  } else {
    ctx.status = reply.status ?? 200;
    ctx.body = reply.body;
  }
}
