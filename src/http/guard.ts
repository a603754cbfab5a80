import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { ApiError } from './middleware';

/**
 * The admin token, checked once before any routing. Whether a request needs it is decided on the path
 * as a router could read it — percent-decoded (repeatedly), case-folded, backslashes as slashes, empty
 * and dot segments dropped — so `/API/org`, `/%61pi/org`, `//api//org` and `/api./org` are guarded
 * like `/api/org`. Routers are case-sensitive as well (`appRouter`), so a spelling the guard lets
 * through can only reach a route spelled exactly that way.
 */
export interface GuardOptions {
  adminToken: string;
  /** Accepted on /metrics besides the admin token. */
  metricsToken?: string;
  /** Exact, case-sensitive raw path prefixes left open (the sandbox's own control API, sandbox mode only). */
  open?: string[];
}

/** Every router of the service: routes match case-sensitively (koa-router's default does not). */
export function appRouter(prefix?: string): Router {
  return new Router({ prefix, sensitive: true });
}

export type Area = 'api' | 'metrics' | 'public';

const PERCENT = /%([0-9a-f]{2})/gi;

/** The path's first significant segment, decoded and lower-cased ('' for the root). */
export function firstSegment(raw: string): string {
  let p = raw;
  for (let i = 0; i < 8; i++) {
    const next = p.replace(PERCENT, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === p) break;
    p = next;
  }
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    const s = seg.toLowerCase().replace(/^[^a-z0-9]+/, '');
    if (s) return s;
  }
  return '';
}

export function areaOf(raw: string): Area {
  const first = firstSegment(raw);
  if (first.startsWith('api')) return 'api';
  if (first.startsWith('metrics')) return 'metrics';
  return 'public';
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function bearer(ctx: Context): Buffer | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'));
  return m ? digest(m[1]) : undefined;
}

export function apiGuard(o: GuardOptions): Middleware {
  const admin = digest(o.adminToken);
  const metrics = o.metricsToken ? digest(o.metricsToken) : undefined;
  const open = o.open ?? [];
  return async (ctx: Context, next: Next) => {
    const area = areaOf(ctx.path);
    if (area === 'public') return next();
    ctx.set('Cache-Control', 'no-store'); // errors included: answers carry the organisation and tasks
    if (area === 'api' && open.some((p) => ctx.path === p || ctx.path.startsWith(p + '/'))) return next();
    const given = bearer(ctx);
    // both compared always: the time taken does not say which token was close
    const okAdmin = given ? timingSafeEqual(given, admin) : false;
    const okMetrics = given && metrics ? timingSafeEqual(given, metrics) : false;
    if (okAdmin || (area === 'metrics' && okMetrics)) return next();
    ctx.set('WWW-Authenticate', 'Bearer');
    const want = area === 'metrics' ? 'Authorization: Bearer ADMIN_TOKEN or METRICS_TOKEN' : 'Authorization: Bearer ADMIN_TOKEN';
    throw new ApiError(401, 'unauthorized', `missing or wrong token (${want})`);
  };
}
