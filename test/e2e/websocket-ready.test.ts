import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FakeFeishu } from '../fake-feishu';
import { FixedClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildService, type Service } from '../../src/main';
import { wsAppIdProblem, type LongConnectionState } from '../../src/adapters/feishu/ws';

/** FEISHU_EVENT_MODE=websocket: not ready until the long connection is up; an app id the SDK refuses stops the start. */
const APP = { appId: 'cli_a1b2c3d4e5f60718', appSecret: 'secret-secret' };

async function service(mode: 'websocket' | 'webhook', state: { now: LongConnectionState }): Promise<{ s: Service; base: string; fake: FakeFeishu }> {
  const fake = await FakeFeishu.start(APP);
  const config = loadConfig({ FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret, FEISHU_VERIFICATION_TOKEN: 'v', FEISHU_DOMAIN: fake.url, FEISHU_EVENT_MODE: mode, MONGODB_URI: process.env.MONGODB_URI, ADMIN_TOKEN: 'test-admin-token-123456', LOG_LEVEL: 'silent' });
  const s = await buildService(config, { clock: new FixedClock(new Date('2026-12-01T10:00:00+08:00')), dbName: `ws_${randomBytes(5).toString('hex')}`, log: createLogger('silent'), longConnection: () => ({ state: () => state.now, close: () => undefined }) });
  const base = `http://127.0.0.1:${await s.listen(0)}`;
  // the database connects in the background: wait until /readyz no longer waits for it
  for (let i = 0; i < 80 && (await readyz(base)).json.error?.code === 'db_unreachable'; i++) await new Promise((r) => setTimeout(r, 250));
  return { s, base, fake };
}
const readyz = async (base: string) => {
  const r = await fetch(`${base}/readyz`);
  return { status: r.status, json: (await r.json()) as any };
};

test('websocket mode: /readyz is 503 until the connection is up, and again while it reconnects', async () => {
  const state = { now: 'connecting' as LongConnectionState };
  const { s, base, fake } = await service('websocket', state);
  try {
    expect(await readyz(base)).toEqual({ status: 503, json: { error: { code: 'ws_not_connected', message: 'the long connection to Feishu is not started' } } });
    s.startBackground({ scheduler: false });
    expect((await readyz(base)).json.error.message).toContain('is connecting');
    state.now = 'connected';
    expect(await readyz(base)).toEqual({ status: 200, json: { ok: true } });
    state.now = 'reconnecting';
    expect((await readyz(base)).status).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  } finally {
    await s.conn.dropDatabase().catch(() => undefined);
    await s.close();
    await fake.stop();
  }
}, 60_000);

test('webhook mode: /readyz still means the database answers', async () => {
  const { s, base, fake } = await service('webhook', { now: 'failed' });
  try {
    expect(await readyz(base)).toEqual({ status: 200, json: { ok: true } });
  } finally {
    await s.conn.dropDatabase().catch(() => undefined);
    await s.close();
    await fake.stop();
  }
}, 60_000);

test('an app id the SDK refuses stops the start with one line, exit 2', () => {
  expect(wsAppIdProblem('cli_a1b2c3d4e5f60718')).toBeNull();
  expect(wsAppIdProblem('cli_dummy000')).toContain('got "cli_dummy000"');
  const env = { ...process.env, FEISHU_APP_ID: 'cli_dummy000', FEISHU_APP_SECRET: 'x', FEISHU_VERIFICATION_TOKEN: 'v', FEISHU_EVENT_MODE: 'websocket', ADMIN_TOKEN: 'test-admin-token-123456', MONGODB_URI: 'mongodb://127.0.0.1:1/none' };
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', env, timeout: 60_000 });
  expect(r.status).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain('FEISHU_APP_ID: the long connection (FEISHU_EVENT_MODE=websocket) needs the app id');
  expect(r.stdout).not.toContain('listening');
});
