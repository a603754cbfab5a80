import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { freePort } from '../../scripts/ferretdb';

/**
 * The production install: a copy of this working tree with its node_modules (hard links, so no
 * download), `npm run build`, `npm prune --omit=dev` (no tsx, no esbuild left), then `node dist/main.js`
 * answers /readyz 200 against MONGODB_URI, and `npm run org:import` / `npm run job` / `npm run calendar`
 * run their dist/ builds there.
 *
 * It takes a minute or more, so plain `jest` leaves it out (jest.config.js); `.ci/run` runs it after
 * `npm test`, and by hand: `DUDAO_BUILD_TEST=1 npx jest test/build` (uses MONGODB_URI like the others).
 */
const ROOT = path.resolve(__dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let dir: string;
const dbName = `build_${randomBytes(5).toString('hex')}`;
const uri = `${(process.env.MONGODB_URI ?? '').replace(/\/?$/, '/')}${dbName}`;
// the copy's processes see neither a Feishu app nor the test runner's TypeScript hooks
const env: NodeJS.ProcessEnv = { ...process.env, MONGODB_URI: uri, FEISHU_APP_ID: '', NODE_OPTIONS: '', LOG_LEVEL: 'warn' };

function run(cmd: string, args: string[], o: { env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env: o.env ?? env, timeout: 120_000 });
}

function ok(r: SpawnSyncReturns<string>): string {
  expect({ status: r.status, out: r.status === 0 ? '' : `${r.stdout}\n${r.stderr}` }).toEqual({ status: 0, out: '' });
  return r.stdout;
}

/** The tracked and untracked (not ignored) files of this working tree, copied; node_modules hard-linked. */
function copyWorkingTree(): void {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-prod-'));
  const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  for (const f of files) {
    if (!fs.existsSync(path.join(ROOT, f))) continue; // deleted, not yet committed
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  const linked = spawnSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules')]);
  if (linked.status !== 0) ok(spawnSync('cp', ['-a', path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules')], { encoding: 'utf8' }));
  // npm rewrites this one in the copy: it must not be a link to ours
  const hidden = path.join(dir, 'node_modules', '.package-lock.json');
  if (fs.existsSync(hidden)) {
    fs.rmSync(hidden);
    fs.copyFileSync(path.join(ROOT, 'node_modules', '.package-lock.json'), hidden);
  }
}

async function readyz(base: string, child: { exitCode: number | null }, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < until && child.exitCode === null) {
    status = await fetch(`${base}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return status;
    await new Promise((r) => setTimeout(r, 250));
  }
  return status;
}

describe('production install: npm run build, npm prune --omit=dev, node dist/main.js', () => {
  beforeAll(() => {
    copyWorkingTree();
    const built = ok(run(NPM, ['run', '--silent', 'build']));
    expect(built).toMatch(/^built dist\/ in \d+ ms: 6 programs \(main, org-import, job, sandbox, calendar, ferretdb; \d+ KB\), \d+ page files in dist\/web/);
    ok(run(NPM, ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund']));
  }, 180_000);

  afterAll(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    const conn = await mongoose.createConnection(uri).asPromise().catch(() => undefined);
    await conn?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  test('the dev tools are gone and the bundle needs none of them', () => {
    for (const dev of ['tsx', 'esbuild', 'typescript', 'jest']) expect([dev, fs.existsSync(path.join(dir, 'node_modules', dev))]).toEqual([dev, false]);
    for (const name of ['main', 'org-import', 'job', 'sandbox', 'calendar', 'ferretdb']) expect(fs.existsSync(path.join(dir, 'dist', `${name}.js`))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'dist', 'main.js'), 'utf8')).not.toMatch(/require\("(tsx|typescript)"\)/);
  });

  test('node dist/main.js answers /readyz 200, serves the prebuilt pages, and stops cleanly', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/main.js'], { cwd: dir, env: { ...env, PORT: String(port), LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const base = `http://127.0.0.1:${port}`;
      expect([await readyz(base, child, 60_000), child.exitCode === null ? '' : out]).toEqual([200, '']);
      const admin = await fetch(`${base}/admin`);
      expect(admin.status).toBe(200);
      expect(await admin.text()).toBe(fs.readFileSync(path.join(dir, 'dist/web/admin.html'), 'utf8'));
      expect((await fetch(`${base}/assets/sandbox.js`)).status).toBe(200);
      expect(out).toContain('web pages loaded');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);

  test('npm run org:import, job and calendar run their dist/ builds', () => {
    const imported = ok(run(NPM, ['run', '--silent', 'org:import', '--', 'scripts/demo-org.yaml']));
    expect(imported).toMatch(/\d+/);
    const job = ok(run(NPM, ['run', '--silent', 'job', '--', 'cleanup']));
    expect(job).toMatch(/^cleanup @ \S+: ok$/m);
    expect(ok(run(NPM, ['run', '--silent', 'calendar', '--', '2027']))).toContain('2027');
    const usage = run(NPM, ['run', '--silent', 'job']);
    expect([usage.status, usage.stderr]).toEqual([2, expect.stringContaining('usage: npm run job')]);
  }, 90_000);

  test('without a build, a command says to run npm run build', () => {
    fs.rmSync(path.join(dir, 'dist', 'calendar.js'));
    const r = run(NPM, ['run', '--silent', 'calendar', '--', '2027']);
    expect([r.status, r.stderr]).toEqual([1, expect.stringContaining('dist/calendar.js is missing and tsx is not installed: run "npm run build"')]);
  });
});
