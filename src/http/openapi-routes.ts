import type Router from '@koa/router';
import { appRouter } from './guard';
import { doc, openapiDocument } from './openapi';

/** `GET /api/openapi.json`: the admin API described from the routes themselves (see openapi.ts). */
export function openapiRoutes(o: { routers: () => Router[]; version: string }): Router {
  const router = appRouter('/api');
  router.get('/openapi.json', doc({ summary: 'This document: the admin API as OpenAPI 3.1' }), (ctx) => {
    ctx.body = openapiDocument(adminRouters(o.routers()), { title: '督导助手 admin API', version: o.version });
  });
  return router;
}

/** The routers of the admin API: those under /api, the sandbox's own API (sandbox mode only) aside. */
export function adminRouters(all: Router[]): Router[] {
  return all.filter((r) => r.stack.some((l) => String(l.path).startsWith('/api/') && !String(l.path).startsWith('/api/sandbox')));
}
