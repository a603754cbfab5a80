import http from 'node:http';
import type Router from '@koa/router';
import { areaOf } from '../../src/http/guard';
import { startHarness, type Harness } from '../support/harness';
import { connects } from '../support/net';

/**
 * The admin token whatever the spelling of the path (issue 11, finding 1): every route registered on the
 * service's routers — read from their stacks, so routes added later are covered — is tried under every
 * spelling a router or a proxy might read as /api, with every method, without the token: all 401, with
 * `Cache-Control: no-store`, and nothing runs or changes.
 */
const TOKEN = 'test-admin-token-123456';
let h: Harness;
let port: number;

beforeAll(async () => {
  h = await startHarness();
  port = Number(new URL(h.base).port);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** A raw request: the path goes on the wire exactly as written (fetch would normalise it). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Route {
  path: string;
  methods: string[];
  sensitive: boolean;
}

function routesOf(h: Harness): Route[] {
  const routers = h.service.app.middleware.map((m) => (m as { router?: Router }).router).filter((r): r is Router => Boolean(r));
  return routers.flatMap((r) => r.stack.map((l) => ({ path: String(l.path), methods: l.methods, sensitive: Boolean((l as unknown as { opts: { sensitive?: boolean } }).opts.sensitive) })));
}

const SAMPLE: Record<string, string> = { name: 'reminders', code: 'DB-2026-0001', id: '000000000000000000000000' };
const concrete = (p: string) => p.replace(/:(\w+)/g, (_m, k: string) => SAMPLE[k] ?? 'x').replace(/[{}]/g, '');

/** Spellings of `/api<rest>` that a case-insensitive or decoding reader could take for it. */
function spellings(path: string): string[] {
  const rest = path.slice('/api'.length);
  const tail = rest.slice(1);
  return [
    path,
    '/API' + rest,
    '/Api' + rest,
    '/aPI' + rest,
    '/API' + rest.toUpperCase(),
    '/%61pi' + rest,
    '/%41%50%49' + rest,
    '/a%70i' + rest,
    '/%2561pi' + rest,
    '/api' + rest.replace(/[a-z]/, (c) => '%' + c.charCodeAt(0).toString(16)),
    '//api//' + tail.replace(/\//g, '//'),
    '/./api/' + tail,
    '/api/./' + tail,
    '/api./' + tail,
    '/api../' + tail,
    path + '/',
    path + '.',
    path + '/.',
    path + '//',
    '/api%2F' + tail,
    '/%2Fapi/' + tail,
    '/\\api\\' + tail,
    path + '?x=1',
  ];
}

test('the routers are case-sensitive and the admin routes are the ones under /api', () => {
  const routes = routesOf(h);
  const admin = routes.filter((r) => areaOf(r.path) === 'api');
  expect(admin.length).toBeGreaterThanOrEqual(15);
  expect(admin.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/org', '/api/org/import', '/api/tasks', '/api/jobs/:name/run', '/api/stats', '/api/escalations']));
  expect(routes.filter((r) => !r.sensitive).map((r) => r.path)).toEqual([]);
});

test('every admin route, every method, every spelling: 401 without the token, nothing runs', async () => {
  const before = { runs: await h.service.deps.models.jobRuns.countDocuments(), audits: await h.service.deps.models.audits.countDocuments(), units: await h.service.deps.models.units.countDocuments() };
  const admin = routesOf(h).filter((r) => areaOf(r.path) === 'api' && r.methods.length);
  const seen: string[] = [];
  const wrong: string[] = [];
  for (const route of admin) {
    const methods = [...new Set([...route.methods, 'OPTIONS'])];
    for (const path of spellings(concrete(route.path))) {
      for (const method of methods) {
        const body = ['POST', 'PUT', 'PATCH'].includes(method) ? JSON.stringify({ at: '2026-12-15T09:00:00+08:00', force: true }) : undefined;
        const r = await raw(method, path, {}, body);
        seen.push(`${method} ${path}`);
        if (r.status !== 401 || r.headers['cache-control'] !== 'no-store' || (method !== 'HEAD' && !r.text.includes('"unauthorized"'))) wrong.push(`${method} ${path} → ${r.status} ${r.headers['cache-control'] ?? ''}`);
      }
    }
  }
  expect(wrong).toEqual([]);
  expect(seen.length).toBeGreaterThan(admin.length * 20);
  // a wrong token or another scheme is no better
  for (const authorization of [`Bearer ${TOKEN}x`, `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`, TOKEN]) {
    expect((await raw('POST', '/API/jobs/reminders/run', { authorization }, '{"force":true}')).status).toBe(401);
  }
  expect(await h.service.deps.models.jobRuns.countDocuments()).toBe(before.runs);
  expect(await h.service.deps.models.audits.countDocuments()).toBe(before.audits);
  expect(await h.service.deps.models.units.countDocuments()).toBe(before.units);
}, 120_000);

test('POST /API/jobs/reminders/run runs nothing, with or without the token; /api/… with it does', async () => {
  const runs = () => h.service.deps.models.jobRuns.countDocuments({ name: 'reminders' });
  const body = JSON.stringify({ at: '2026-12-15T09:00:00+08:00', force: true });
  expect((await raw('POST', '/API/jobs/reminders/run', {}, body)).status).toBe(401);
  const spelled = await raw('POST', '/API/jobs/reminders/run', { authorization: `Bearer ${TOKEN}` }, body);
  expect(spelled.status).toBe(404); // a route matches only as it is spelled
  expect(spelled.headers['cache-control']).toBe('no-store');
  expect(await runs()).toBe(0);
  const right = await raw('POST', '/api/jobs/reminders/run', { authorization: `Bearer ${TOKEN}` }, body);
  expect(right.status).toBe(200);
  expect(right.headers['cache-control']).toBe('no-store');
  expect(await runs()).toBe(1);
});

test('answers outside /api keep their own caching; API errors are not cached either', async () => {
  expect((await raw('GET', '/healthz')).headers['cache-control']).toBeUndefined();
  const missing = await raw('GET', '/api/tasks/DB-2026-9999', { authorization: `Bearer ${TOKEN}` });
  expect(missing.status).toBe(404);
  expect(missing.headers['cache-control']).toBe('no-store');
  const bad = await raw('GET', '/api/tasks?nope=1', { authorization: `Bearer ${TOKEN}` });
  expect(bad.status).toBe(400);
  expect(bad.headers['cache-control']).toBe('no-store');
  expect((await raw('GET', '/api/org', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
});

test('outside sandbox mode the service listens on every interface (HOST unset)', async () => {
  expect(h.service.config.host).toBe('0.0.0.0');
  expect(await connects('127.0.0.2', port)).toBe(true);
});
