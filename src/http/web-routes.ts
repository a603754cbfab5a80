import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { BUNDLED, PATHS } from '../paths';
import { appRouter } from './guard';
import { ApiError } from './middleware';
import { buildWeb, loadBuiltWeb, newestSource, type WebBundle } from './web-build';

/**
 * The browser pages: /sandbox (sandbox mode only) and /admin (every mode; the page asks for the admin
 * token and the API checks it), served from memory under /assets/. The bundle (`node dist/main.js`)
 * serves the files `npm run build` wrote into dist/web; from source they are built by esbuild in memory
 * on first use and again when a source file changes (src/http/web-build.ts says why).
 */
export interface WebOptions {
  sandbox: boolean;
  log?: Logger;
  /** For tests: another builder. */
  build?: () => Promise<WebBundle>;
  /** Serve the pages built into this folder instead of building them (default: dist/web in the bundle). */
  prebuilt?: string;
  /** Rebuild when a file under web/ is newer than the build (default: on when building from source). */
  watch?: boolean;
  /** Serve the bundles' source maps (default: in sandbox mode only; production shows no sources). */
  sourceMaps?: boolean;
}

// The pages load only their own assets; the admin page holds a token, so no framing and no inline script.
const CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const SANDBOX_ONLY = new Set(['sandbox.html', 'sandbox.js', 'sandbox.js.map']);

export function webRoutes(opts: WebOptions): Router {
  const router = appRouter();
  const prebuilt = opts.prebuilt ?? (BUNDLED ? PATHS.distWeb : undefined);
  const build = opts.build ?? (prebuilt ? () => loadBuiltWeb(prebuilt) : () => buildWeb());
  const watch = opts.watch ?? !prebuilt;
  const sourceMaps = opts.sourceMaps ?? opts.sandbox;
  let current: Promise<WebBundle> | undefined;

  const bundle = async (fresh: boolean): Promise<WebBundle> => {
    if (current && fresh && watch) {
      const b = await current.catch(() => undefined);
      if (!b || safeNewest() > b.sourceTime) current = undefined;
    }
    if (!current) {
      const p = build();
      current = p;
      p.then(
        (b) => opts.log?.info({ ms: b.ms, files: b.assets.size, prebuilt }, prebuilt ? 'web pages loaded' : 'web pages built'),
        (e) => {
          opts.log?.error({ err: (e as Error).message }, 'web pages could not be built');
          if (current === p) current = undefined; // try again on the next request
        },
      );
    }
    try {
      return await current;
    } catch (e) {
      throw new ApiError(500, 'web_build_failed', (e as Error).message);
    }
  };
  // someone opens the console soon after a sandbox starts: build ahead (prebuilt: read them, and log if they are missing)
  if (opts.sandbox || prebuilt) void bundle(false).catch(() => undefined);

  const send = async (ctx: Context, name: string, fresh: boolean) => {
    if (!opts.sandbox && SANDBOX_ONLY.has(name)) throw new ApiError(404, 'not_found', 'the sandbox console exists only in sandbox mode (start without FEISHU_APP_ID)');
    if (!sourceMaps && name.endsWith('.map')) throw new ApiError(404, 'not_found', `no asset ${name} (source maps are served in sandbox mode only)`);
    let b: WebBundle;
    try {
      b = await bundle(fresh);
    } catch (e) {
      // a broken page must not look like an API error to a person: say it in a page
      if (!name.endsWith('.html')) throw e;
      ctx.status = 500;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `页面构建失败 / the web pages could not be built:\n${(e as Error).message}\n`;
      return;
    }
    const a = b.assets.get(name);
    if (!a) throw new ApiError(404, 'not_found', `no asset ${name}`);
    ctx.set('Cache-Control', 'no-cache'); // revalidate by ETag: a rebuild shows at the next load
    ctx.set('ETag', a.etag);
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (name.endsWith('.html')) {
      ctx.set('Content-Security-Policy', CSP);
      ctx.set('Referrer-Policy', 'no-referrer');
    }
    if (ctx.get('if-none-match') === a.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = a.type;
    ctx.body = a.body;
  };

  router.get('/', (ctx) => ctx.redirect(opts.sandbox ? '/sandbox' : '/admin'));
  router.get('/sandbox', (ctx) => send(ctx, 'sandbox.html', true));
  router.get('/admin', (ctx) => send(ctx, 'admin.html', true));
  router.get('/assets/:name', (ctx) => {
    const name = ctx.params.name;
    if (!/^[a-z0-9-]+\.(js|css|map|svg)(\.map)?$/.test(name)) throw new ApiError(404, 'not_found', `no asset ${name}`);
    return send(ctx, name, false);
  });
  return router;
}

function safeNewest(): number {
  try {
    return newestSource();
  } catch {
    return 0; // web/ not shipped: keep what was built
  }
}
