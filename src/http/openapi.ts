import type Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { z } from 'zod';
import type { RouteDoc } from '../app/feature';
import { ApiError, jsonBody } from './middleware';

/**
 * The admin API describes itself. A route carries its description as its first middleware,
 * `doc({summary, query, body})`: the same zod schemas validate the request (a 400 names the field;
 * the parsed values are in `ctx.state.query` / `ctx.state.body`) and become the route's entry in the
 * OpenAPI 3.1 document served at `GET /api/openapi.json` (generated with zod's `z.toJSONSchema`), so a
 * body cannot drift from the code. A route without `doc(...)` is reported by `undocumented(...)`, which a
 * test runs over every router of the admin API.
 *
 *   router.get('/letters', doc({ summary: '提示函登记', query: lettersQuery }), async (ctx) => {
 *     const q = ctx.state.query as z.infer<typeof lettersQuery>; …
 */
export type { RouteDoc };

const DOC = Symbol('route-doc');
type Documented = Middleware & { [DOC]: RouteDoc };

function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: 'query' | 'body'): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    // an export's unknown format has its own code (invalid_format), as it had before routes were documented
    const code = what === 'query' && i.path[0] === 'format' ? 'invalid_format' : `invalid_${what}`;
    throw new ApiError(400, code, `${i.path.join('.') || what}: ${i.message}`);
  }
  return r.data;
}

/** The route's description, and the check of its query and JSON body. */
export function doc(d: RouteDoc): Middleware {
  const mw = (async (ctx: Context, next: Next) => {
    if (d.query) ctx.state.query = parseInput(d.query, ctx.query, 'query');
    if (d.body) ctx.state.body = parseInput(d.body, jsonBody(ctx), 'body');
    await next();
  }) as Documented;
  mw[DOC] = d;
  return mw;
}

interface Layer {
  path: string;
  methods: string[];
  stack: unknown[];
}

export interface RouteEntry {
  method: string;
  path: string; // koa form, /api/tasks/:code
  doc?: RouteDoc;
}

/** Every method+path the routers answer (HEAD aside), with its description when it has one. */
export function routesOf(routers: Router[]): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const r of routers) {
    for (const layer of r.stack as Layer[]) {
      const d = layer.stack.find((fn): fn is Documented => typeof fn === 'function' && DOC in fn)?.[DOC];
      for (const method of layer.methods) if (method !== 'HEAD') out.push({ method, path: layer.path, doc: d });
    }
  }
  return out;
}

export function undocumented(routers: Router[]): string[] {
  return routesOf(routers)
    .filter((r) => !r.doc)
    .map((r) => `${r.method} ${r.path}`);
}

const openapiPath = (p: string) => p.replace(/:(\w+)/g, '{$1}');

function schemaOf(s: z.ZodType): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  void $schema;
  return rest;
}

function queryParameters(s: z.ZodType): Record<string, unknown>[] {
  const js = schemaOf(s) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: (js.required ?? []).includes(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema,
  }));
}

const ERROR = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} }, required: ['code', 'message'] } },
  required: ['error'],
};

function operation(r: RouteEntry): Record<string, unknown> {
  const d = r.doc!;
  const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const content: Record<string, unknown> = {};
  if (d.body) content['application/json'] = { schema: schemaOf(d.body) };
  for (const [type, u] of Object.entries(d.uploads ?? {})) content[type] = { ...(u.schema ? { schema: schemaOf(u.schema) } : {}), description: u.description };
  const answers = d.answers ?? { 'application/json': 'JSON' };
  return {
    summary: d.summary,
    ...(d.description ? { description: d.description } : {}),
    parameters: [...params, ...(d.query ? queryParameters(d.query) : [])],
    ...(Object.keys(content).length ? { requestBody: { required: Boolean(d.body && !d.uploads), content } } : {}),
    responses: {
      [String(d.status ?? 200)]: { description: Object.values(answers).join('; '), content: Object.fromEntries(Object.keys(answers).map((t) => [t, {}])) },
      default: { description: 'an error: {"error": {"code", "message"}}', content: { 'application/json': { schema: ERROR } } },
    },
    security: [{ bearer: [] }],
  };
}

/** The OpenAPI 3.1 document of the documented routes. */
export function openapiDocument(routers: Router[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routesOf(routers)) {
    if (!r.doc) continue;
    (paths[openapiPath(r.path)] ??= {})[r.method.toLowerCase()] = operation(r);
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'The admin API of 督导助手. Every route needs `Authorization: Bearer ADMIN_TOKEN`. Lists answer `{items, total}` with `limit`/`offset`; errors answer `{error: {code, message}}`: a query or JSON body that does not parse is 400 `invalid_query` or `invalid_body`, the message naming the field and what was expected (`year: required: a year such as 2026`).' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: sorted,
  };
}
