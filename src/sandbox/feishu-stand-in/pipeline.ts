/**
 * One request through the fake, in the order Feishu's gateway would see it:
 * record → injected fault → route (404) → Bearer token → per-app limit → handler → Feishu envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, errors, FeishuError, invalidToken } from './errors';
import type { Fault, Faults } from './faults';
import { parseMultipart, type Part } from './multipart';
import { findRoute, type Ctx, type Reply, type Route, type RouteEnv } from './router';
import type { CallRecord } from './types';

const MAX_BODY = 40 * 1024 * 1024;
const STATUS_TEXT: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };

export interface PipelineDeps {
  env: RouteEnv;
  faults: Faults;
  routes: Route[];
  /** Called when a call arrives (record still open) and again when it is final. */
  opened: (call: CallRecord) => void;
  closed: (call: CallRecord) => void;
  /** Keeps a hung response's timer so `stop()` can end it. */
  hold: (res: ServerResponse, ms: number) => void;
}

interface Parsed {
  body: Record<string, unknown>;
  form?: Map<string, Part>;
  recorded: unknown;
  bad?: boolean;
}

export function createPipeline(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  let seq = 0;
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const parsed = parseBody(raw, String(req.headers['content-type'] ?? ''));
    const call: CallRecord = {
      seq: ++seq,
      at: deps.env.store.now(),
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: parsed.recorded,
      ...(typeof parsed.body.uuid === 'string' && { uuid: parsed.body.uuid }),
      status: 0,
    };
    deps.opened(call);
    const finish = (status: number, headers: Record<string, string>, payload: unknown) => {
      call.status = status;
      if (payload !== undefined && !Buffer.isBuffer(payload)) {
        call.response = payload;
        const code = (payload as { code?: unknown }).code;
        if (typeof code === 'number') call.code = code;
      }
      const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
      const type = Buffer.isBuffer(payload) ? {} : { 'content-type': 'application/json; charset=utf-8' };
      res.writeHead(status, { ...type, ...headers, 'content-length': String(bytes.length) });
      res.end(bytes);
      deps.closed(call);
    };
    const fail = (err: FeishuError) => finish(err.httpStatus, err.headers, errorBody(err, call.at));

    const fault = deps.faults.take(method, url.pathname);
    if (fault) {
      call.fault = fault.type;
      return applyFault(fault, req, res, call, deps, fail, finish);
    }
    try {
      const found = findRoute(deps.routes, method, url.pathname);
      if (!found) throw errors.notFound();
      const { route, params } = found;
      if (!route.noAuth && !deps.env.store.tokenValid(bearer(req) ?? '')) throw invalidToken();
      if (parsed.bad) throw errors.badRequest();
      if (route.appLimited) deps.env.limits.checkApp(route.api, deps.env.store.now());
      const ctx: Ctx = { method, path: url.pathname, query: call.query, headers: req.headers, body: parsed.body, form: parsed.form, params };
      const reply: Reply = await route.handle(ctx, deps.env);
      finish(reply.status ?? 200, reply.headers ?? {}, reply.bytes ?? reply.json);
    } catch (err) {
      if (err instanceof FeishuError) return fail(err);
      // A bug in the fake itself: answer like a server error so the test sees it in the record.
      finish(500, {}, { code: -1, msg: `fake-feishu internal error: ${(err as Error).message}` });
    }
  };
}

function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  call: CallRecord,
  deps: PipelineDeps,
  fail: (err: FeishuError) => void,
  finish: (status: number, headers: Record<string, string>, payload: unknown) => void,
): void {
  switch (fault.type) {
    case 'ratelimit':
      return fail(new FeishuError(99991400, 'request trigger frequency limit', 429, {
        'x-ogw-ratelimit-limit': String(fault.limit ?? deps.env.config.limits.perAppPerSec),
        'x-ogw-ratelimit-reset': String(fault.resetSec),
      }, true));
    case 'error':
      return fail(new FeishuError(fault.code, fault.msg, fault.httpStatus));
    case 'status':
      return finish(fault.status, {}, { code: fault.status, msg: STATUS_TEXT[fault.status] });
    case 'invalidToken': {
      const token = bearer(req);
      if (token) deps.env.store.revokeToken(token);
      return fail(invalidToken());
    }
    case 'hang':
      return deps.hold(res, fault.ms);
    case 'drop':
      req.socket.destroy();
      deps.closed(call);
      return;
  }
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
  return m?.[1];
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, contentType: string): Parsed {
  if (contentType.includes('multipart/form-data')) {
    try {
      const form = parseMultipart(raw, contentType);
      const recorded: Record<string, unknown> = {};
      for (const [k, p] of form) {
        const text = p.filename === undefined && p.bytes.length <= 256 ? p.bytes.toString('utf8') : undefined;
        recorded[k] = text !== undefined && !text.includes('\uFFFD')
          ? text
          : { filename: p.filename, size: p.bytes.length, type: p.contentType };
      }
      return { body: {}, form, recorded };
    } catch {
      return { body: {}, recorded: raw.toString('latin1').slice(0, 200), bad: true };
    }
  }
  if (raw.length === 0) return { body: {}, recorded: undefined };
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { body: {}, recorded: raw.toString('utf8'), bad: true };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { body: {}, recorded: body, bad: true };
  const obj = body as Record<string, unknown>;
  return { body: obj, recorded: { ...obj, ...(typeof obj.content === 'string' && { content: tryJson(obj.content) }) } };
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
