import Router from '@koa/router';

/** The browser pages: /sandbox (sandbox mode only) and /admin. */
export function webRoutes(opts: { sandbox: boolean }): Router {
  const router = new Router();
  router.get('/', (ctx) => ctx.redirect(opts.sandbox ? '/sandbox' : '/admin'));
  return router;
}
