import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { alwaysUp } from '../../src/http/db-gate';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type Router from '@koa/router';
import { buildWeb, writeWeb, type WebBundle } from '../../src/http/web-build';
import { continuousState, dashboardRoutes } from '../../src/http/dashboard-routes';
import { createHttpApp } from '../../src/http/app';
import { webRoutes } from '../../src/http/web-routes';
import { createLogger } from '../../src/log';
import { startHarness, type Harness } from '../support/harness';

/** The pages' routes (/sandbox, /admin, /assets) and the dashboard's figures (GET /api/stats). */
const log = createLogger('silent');

async function serve(routers: Router[], adminToken = 'web-test-admin-token'): Promise<{ base: string; close(): Promise<void> }> {
  const app = createHttpApp({ log, db: alwaysUp, routers, auth: { adminToken } });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((r) => server.close(() => r(undefined))) };
}

describe('web pages', () => {
  let bundle: Promise<WebBundle>;
  beforeAll(() => {
    bundle = buildWeb();
  });
  afterAll(async () => {
    await bundle.catch(() => undefined);
    (await import('esbuild')).stop(); // its service process would keep the worker alive
  });

  test('the web sources type-check under their own tsconfig (DOM lib)', () => {
    const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', path.resolve(__dirname, '../../web/tsconfig.json')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);

  test('outside sandbox mode: /admin is served, /sandbox and its script are not', async () => {
    const s = await serve([webRoutes({ sandbox: false, build: () => bundle, watch: false })]);
    try {
      const admin = await fetch(`${s.base}/admin`);
      expect(admin.status).toBe(200);
      expect(admin.headers.get('content-type')).toContain('text/html');
      expect(admin.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await admin.text()).toContain('/assets/admin.js');
      const sandbox = await fetch(`${s.base}/sandbox`);
      expect(sandbox.status).toBe(404);
      expect(((await sandbox.json()) as { error: { message: string } }).error.message).toContain('only in sandbox mode');
      expect((await fetch(`${s.base}/assets/sandbox.js`)).status).toBe(404);
      const root = await fetch(`${s.base}/`, { redirect: 'manual' });
      expect(root.headers.get('location')).toBe('/admin');
    } finally {
      await s.close();
    }
  });

  test('source maps: served in sandbox mode, not in production', async () => {
    expect((await bundle).assets.has('admin.js.map')).toBe(true);
    const prod = await serve([webRoutes({ sandbox: false, build: () => bundle, watch: false })]);
    const sandbox = await serve([webRoutes({ sandbox: true, build: () => bundle, watch: false })]);
    try {
      expect((await fetch(`${prod.base}/assets/admin.js`)).status).toBe(200);
      const map = await fetch(`${prod.base}/assets/admin.js.map`);
      expect(map.status).toBe(404);
      expect(await map.text()).not.toContain('sourcesContent');
      const dev = await fetch(`${sandbox.base}/assets/admin.js.map`);
      expect(dev.status).toBe(200);
      expect(((await dev.json()) as { sources: string[] }).sources.length).toBeGreaterThan(0);
    } finally {
      await prod.close();
      await sandbox.close();
    }
  });

  test('assets: types, revalidation by ETag, unknown and odd names refused', async () => {
    const s = await serve([webRoutes({ sandbox: true, build: () => bundle, watch: false })]);
    try {
      const js = await fetch(`${s.base}/assets/sandbox.js`);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(js.headers.get('cache-control')).toBe('no-cache');
      const etag = js.headers.get('etag')!;
      expect((await fetch(`${s.base}/assets/sandbox.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
      expect((await fetch(`${s.base}/assets/app.css`)).headers.get('content-type')).toContain('text/css');
      expect((await fetch(`${s.base}/sandbox`)).status).toBe(200);
      for (const bad of ['nope.js', 'Sandbox.JS', '..%2Fpackage.json', 'sandbox.html']) {
        const r = await fetch(`${s.base}/assets/${bad}`);
        expect([bad, r.status]).toEqual([bad, 404]);
      }
    } finally {
      await s.close();
    }
  });

  test('a failed build answers 500 saying why, and the next request builds again', async () => {
    let calls = 0;
    const build = async () => {
      calls++;
      if (calls === 1) throw new Error('web build failed: web/admin/main.ts:1: Unexpected "}"');
      return bundle;
    };
    const s = await serve([webRoutes({ sandbox: false, build, watch: false })]);
    try {
      const broken = await fetch(`${s.base}/admin`);
      expect(broken.status).toBe(500);
      expect(await broken.text()).toContain('web/admin/main.ts:1: Unexpected "}"');
      expect((await fetch(`${s.base}/admin`)).status).toBe(200);
      expect(calls).toBe(2);
    } finally {
      await s.close();
    }
  });
  test('prebuilt pages (the bundle\'s dist/web): served as written, never rebuilt; missing ones say to run the build', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-web-'));
    writeWeb(await bundle, dir);
    fs.writeFileSync(path.join(dir, 'admin.html'), '<!doctype html><title>prebuilt</title><script src="/assets/admin.js"></script>');
    const s = await serve([webRoutes({ sandbox: false, prebuilt: dir })]);
    const missing = await serve([webRoutes({ sandbox: false, prebuilt: path.join(dir, 'nothing-here') })]);
    try {
      const admin = await fetch(`${s.base}/admin`);
      expect(admin.status).toBe(200);
      expect(await admin.text()).toContain('<title>prebuilt</title>'); // the file on disk, not a fresh build
      const js = await fetch(`${s.base}/assets/admin.js`);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(Buffer.from(await js.arrayBuffer()).equals((await bundle).assets.get('admin.js')!.body)).toBe(true);
      fs.writeFileSync(path.join(dir, 'admin.html'), 'changed after start');
      expect(await (await fetch(`${s.base}/admin`)).text()).toContain('<title>prebuilt</title>'); // read once
      const gone = await fetch(`${missing.base}/admin`);
      expect(gone.status).toBe(500);
      expect(await gone.text()).toContain('run "npm run build"');
    } finally {
      await s.close();
      await missing.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GET /api/stats', () => {
  let h: Harness;
  let s: { base: string; close(): Promise<void> };
  const TOKEN = 'dashboard-token-1234567';
  const get = async (p: string, token: string | null = TOKEN) => {
    const r = await fetch(s.base + p, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: r.status, json: (await r.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
    s = await serve([dashboardRoutes({ deps: h.service.deps, runner: h.service.runner })], TOKEN);
    await h.say('ou_sup1', '派单\n1. 推进茂盛路征迁扫尾\n责任单位：梅山镇\n完成时限：12月3日\n\n2. 整改安全隐患\n责任单位：住建局\n完成时限：12月31日', { chatId: 'oc_g1' });
    await h.drain();
    await h.click('ou_sup1', h.botMessages('oc_g1').at(-1)!.message_id, '确认派发');
    await h.drain();
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await h?.close();
  });

  test('tasks by state and light, per unit and group, outbox and jobs', async () => {
    h.clock.set(new Date('2026-12-04T10:00:00+08:00')); // task 1 is one workday overdue
    const { status, json } = await get('/api/stats');
    expect(status).toBe(200);
    expect(json).toMatchObject({ today: '2026-12-04', tz: 'Asia/Shanghai', group: null, open: 2, overdue: 1, lights: { red: 1, yellow: 0, green: 1 } });
    expect(json.states).toEqual({ dispatched: 2, in_progress: 0, submitted: 0, closed: 0, cancelled: 0 });
    expect(json.units.map((u: any) => [u.unit, u.name, u.red, u.green])).toEqual([['MSZ', '梅山镇', 1, 0], ['ZJJ', '住建局', 0, 1]]);
    expect(json.groups).toEqual([{ group: 'G1', name: expect.any(String), open: 2, overdue: 1, red: 1, yellow: 0, green: 1 }]);
    expect(json.outbox).toEqual({ failed: 0, pending: expect.any(Number) });
    expect(json.jobs.map((j: any) => j.name)).toEqual(h.service.runner.names());
    // the outbox worker runs all the time: its state, never 未运行 (issue 14, rough edge 9)
    const outbox = json.jobs.find((j: any) => j.name === 'outbox');
    expect(outbox.continuous).toMatch(/^持续运行 · 待发 \d+ · 最近送达 (\d{4}年)?\d\d-\d\d \d\d:\d\d$/);
    expect(json.jobs.filter((j: any) => j.continuous).map((j: any) => j.name)).toEqual(['outbox']);
  });

  test('continuousState words the worker: pending, failures, the newest delivery', () => {
    const now = new Date('2026-12-04T10:00:00+08:00');
    expect(continuousState({ pending: 0, failed: 0, lastSentAt: null }, 'Asia/Shanghai', now)).toBe('持续运行 · 待发 0 · 尚无送达');
    expect(continuousState({ pending: 3, failed: 1, lastSentAt: new Date('2026-12-04T09:05:00+08:00') }, 'Asia/Shanghai', now)).toBe('持续运行 · 待发 3 · 发送失败 1 · 最近送达 12-04 09:05');
  });

  test('one group only; an unknown group, an unknown parameter or no token are refused', async () => {
    expect((await get('/api/stats?group=G2')).json).toMatchObject({ group: 'G2', open: 0, states: { dispatched: 0 } });
    const unknown = await get('/api/stats?group=G9');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('no group G9');
    const bad = await get('/api/stats?grp=G1');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_query');
    expect((await get('/api/stats', null)).status).toBe(401);
    expect((await get('/api/stats', 'wrong-token-wrong')).status).toBe(401);
  });
});
