/** The route table's vocabulary: what a handler gets, what it answers, and how paths match. */
import type { IncomingHttpHeaders } from 'node:http';
import type { RateLimiter } from './limits';
import type { Part } from './multipart';
import type { FakeStore } from './store';
import type { FakeConfig, FakeFeishuEvents } from './types';

export interface Ctx {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (`{}` when there is none). */
  body: Record<string, unknown>;
  /** Multipart parts by name, when the request was one. */
  form?: Map<string, Part>;
  params: Record<string, string>;
}

export interface Reply {
  status?: number;
  json?: unknown;
  bytes?: Buffer;
  headers?: Record<string, string>;
}

export interface RouteEnv {
  store: FakeStore;
  limits: RateLimiter;
  config: FakeConfig;
  emit: <K extends keyof FakeFeishuEvents>(event: K, ...args: FakeFeishuEvents[K]) => void;
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** Name the per-app limiter counts under (one window per API, docs/feishu.md#rate-limits). */
  api: string;
  /** Counted against 50/s and 1000/min per app. */
  appLimited?: boolean;
  /** The token call is the only one without a Bearer token. */
  noAuth?: boolean;
  handle: (ctx: Ctx, env: RouteEnv) => Reply | Promise<Reply>;
}

export function route(
  method: string,
  template: string,
  api: string,
  handle: Route['handle'],
  opts: { appLimited?: boolean; noAuth?: boolean } = {},
): Route {
  const source = template.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:([A-Za-z_]\w*)/g, '(?<$1>[^/]+)');
  return { method, pattern: new RegExp(`^${source}$`), api, handle, ...opts };
}

export function findRoute(routes: Route[], method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m) return { route: r, params: { ...m.groups } };
  }
  return undefined;
}

/** Feishu's success envelope. */
export function ok(data: unknown = {}): Reply {
  return { json: { code: 0, msg: 'success', data } };
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
