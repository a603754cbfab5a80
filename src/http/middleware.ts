import type { Context, Middleware, Next } from 'koa';
import type { Logger } from 'pino';
import { RouteError as ApiError } from '../app/feature';

// Small Koa middleware: errors as JSON, raw body with a size limit (the admin token: guard.ts).

/** An API refusal (`{error: {code, message, details}}` with its status): the same class feature routes throw. */
export { ApiError };

export function errors(log: Logger): Middleware {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      // a failure status left without a body (no route, a method the route lacks — Koa would answer its
      // plain-text status line) gets the API's error shape (docs/rules.md#configuration-and-http-interface); bodies a route chose are kept
      if (ctx.status >= 400 && ctx.body == null) {
        const status = ctx.status;
        const allow = ctx.response.get('Allow');
        const message =
          status === 404 ? `no route for ${ctx.method} ${ctx.path}`
          : status === 405 ? `${ctx.method} is not allowed on ${ctx.path}${allow ? `; allowed: ${allow}` : ''}`
          : status === 501 ? `${ctx.method} is not supported`
          : `${ctx.method} ${ctx.path}: ${ctx.message}`;
        ctx.status = status;
        ctx.body = { error: { code: codeFor(status), message } };
      }
    } catch (e) {
      const err = e as ApiError & { expose?: boolean; status?: number };
      const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
      ctx.status = status;
      if (status === 503 && err.code === 'database_unavailable') {
        ctx.set('Retry-After', '5');
        ctx.body = { error: { code: err.code, message: err.message } };
      } else if (status >= 500) {
        log.error({ err, path: ctx.path }, 'request failed');
        ctx.body = { error: { code: 'internal', message: 'internal error' } };
      } else {
        ctx.body = { error: { code: err.code && typeof err.code === 'string' ? err.code : codeFor(status), message: err.message, ...(err.details ? { details: err.details } : {}) } };
      }
    }
  };
}

function codeFor(status: number): string {
  return (
    ({
      400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 409: 'conflict', 413: 'payload_too_large',
      415: 'unsupported_media_type', 422: 'unprocessable', 429: 'too_many_requests', 500: 'internal', 501: 'not_implemented', 503: 'unavailable',
    } as Record<number, string>)[status] ?? (status >= 500 ? 'internal' : 'error')
  );
}

/** Reads the body once, as bytes, refusing more than `limit` with 413 (Feishu's signature covers the raw bytes). */
export function rawBody(limit = 1 << 20): Middleware {
  return async (ctx: Context, next: Next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(ctx.method)) return next();
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > limit) {
      ctx.req.resume();
      throw new ApiError(413, 'payload_too_large', `body larger than ${limit} bytes`);
    }
    ctx.state.raw = await readAll(ctx.req, limit);
    await next();
  };
}

/** The body's bytes, by the stream's events (lighter than an async iterator, per request on the hot path). */
function readAll(req: Context['req'], limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (e?: Error) => {
      req.off('data', data);
      req.off('end', end);
      req.off('error', done);
      req.off('close', closed);
      if (e) reject(e);
    };
    const closed = () => done(new Error('the request closed before its body was read'));
    const data = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      done(new ApiError(413, 'payload_too_large', `body larger than ${limit} bytes`));
      req.resume(); // the rest is read and dropped, so the answer can go out
    };
    const end = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    req.on('data', data);
    req.on('end', end);
    req.on('error', done);
    req.on('close', closed);
  });
}

/** The parsed JSON body of an API call, or a 400 naming the problem. */
export function jsonBody<T = unknown>(ctx: Context): T {
  const raw: Buffer | undefined = ctx.state.raw;
  if (!raw?.length) return {} as T;
  try {
    return JSON.parse(raw.toString('utf8')) as T;
  } catch {
    throw new ApiError(400, 'bad_json', 'the body is not valid JSON');
  }
}
