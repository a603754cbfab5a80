import type { Server } from 'node:http';
import { alwaysUp } from '../../src/http/db-gate';
import http from 'node:http';
import { createHttpApp } from '../../src/http/app';
import { appRouter, areaOf, firstSegment } from '../../src/http/guard';
import { createLogger } from '../../src/log';

/** The admin guard on its own: which paths it guards, the sandbox's open prefix, the metrics token. */
describe('areaOf', () => {
  test.each([
    ['/api/org', 'api'],
    ['/API/org', 'api'],
    ['/Api', 'api'],
    ['/%61pi/org', 'api'],
    ['/%2561pi/org', 'api'],
    ['/%252561pi/org', 'api'],
    ['//api//org', 'api'],
    ['/./api/org', 'api'],
    ['/.api/org', 'api'],
    ['/api./org', 'api'],
    ['/\\api\\org', 'api'],
    ['/%2Fapi/org', 'api'],
    ['/ api/org', 'api'],
    ['/apiary', 'api'], // guarded too: nothing public starts so
    ['/metrics', 'metrics'],
    ['/METRICS/', 'metrics'],
    ['/%6detrics', 'metrics'],
    ['/', 'public'],
    ['/healthz', 'public'],
    ['/admin', 'public'],
    ['/assets/admin.js', 'public'],
    ['/feishu/events', 'public'],
    ['/sandbox', 'public'],
    ['/x/api', 'public'],
  ])('%s → %s', (path, area) => {
    expect(areaOf(path)).toBe(area);
  });

  test('malformed escapes do not throw, and a long path is read in one pass', () => {
    expect(firstSegment('/%zz%61pi')).toBe('zzapi');
    expect(areaOf('/' + '%'.repeat(50_000))).toBe('public');
    expect(areaOf('/'.repeat(50_000) + 'api')).toBe('api');
  });
});

describe('apiGuard in the app', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const api = appRouter('/api');
    api.get('/org', (ctx) => void (ctx.body = { org: true }));
    const sandbox = appRouter('/api/sandbox');
    sandbox.get('/people', (ctx) => void (ctx.body = { people: true }));
    const metrics = appRouter();
    metrics.get('/metrics', (ctx) => void (ctx.body = 'up 1\n'));
    const app = createHttpApp({ log: createLogger('silent'), db: alwaysUp, routers: [sandbox, api, metrics], auth: { adminToken: 'admin-token-0123456789', metricsToken: 'metrics-token-0123456789', open: ['/api/sandbox'] } });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const get = (path: string, token?: string) =>
    new Promise<{ status: number; cache?: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, cache: res.headers['cache-control'] }));
      }).on('error', reject);
    });

  test('the open prefix is open only as spelled', async () => {
    expect(await get('/api/sandbox/people')).toEqual({ status: 200, cache: 'no-store' });
    for (const p of ['/API/sandbox/people', '/api/Sandbox/people', '/%61pi/sandbox/people', '//api/sandbox/people', '/api/sandboxx', '/api/org']) expect([p, (await get(p)).status]).toEqual([p, 401]);
  });

  test('/metrics takes the admin token or the metrics token; /api only the admin token', async () => {
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/Metrics', 'admin-token-0123456789')).status).toBe(404);
    expect(await get('/metrics', 'metrics-token-0123456789')).toEqual({ status: 200, cache: 'no-store' });
    expect((await get('/metrics', 'admin-token-0123456789')).status).toBe(200);
    expect((await get('/metrics', 'metrics-token-012345678')).status).toBe(401);
    expect((await get('/api/org', 'metrics-token-0123456789')).status).toBe(401);
    expect((await get('/api/org', 'admin-token-0123456789')).status).toBe(200);
  });
});
