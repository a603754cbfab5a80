import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';

/**
 * Browser tests: the real service started as `tsx src/main.ts` in sandbox mode (no FEISHU_APP_ID) on a
 * free port and a database of its own, driven by Debian's chromium through playwright-core.
 */
export const ROOT = path.resolve(__dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'test-results', 'browser');

/** Why the browser tests cannot run here, or null. Tries scripts/install-browser.sh once when chromium is missing. */
export function browserMissing(): string | null {
  if (fs.existsSync(CHROMIUM)) return null;
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/install-browser.sh')], { encoding: 'utf8', timeout: 10 * 60_000 });
  if (fs.existsSync(CHROMIUM)) return null;
  return `${CHROMIUM} is missing and scripts/install-browser.sh could not install it (exit ${r.status}): ${(r.stderr || r.stdout || String(r.error ?? '')).trim().split('\n').slice(-2).join(' ')}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** The test FerretDB's URI with a database name of our own in its path. */
export function uniqueDbUri(base: string, prefix = 'web'): string {
  const u = new URL(base);
  u.pathname = `/${prefix}_${randomBytes(5).toString('hex')}`;
  return u.toString();
}

export interface RunningService {
  base: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startService(o: { mongoUri: string; clockStart: string }): Promise<RunningService> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), MONGODB_URI: o.mongoUri, CLOCK_START: o.clockStart, LOG_LEVEL: 'warn' };
  for (const k of Object.keys(env)) if (k.startsWith('FEISHU_') || k === 'ADMIN_TOKEN') delete env[k]; // sandbox mode, default token
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}):\n${out}`);
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() - started > 90_000) throw new Error(`the service did not start within 90 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    base,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 25_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: LAUNCH_ARGS,
    viewport: { width: 1280, height: 860 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

const CLEAN = '.toasts, .msg-actions { visibility: hidden !important; } .msg { animation: none !important; } :focus { box-shadow: none !important; outline: none !important; }';

/** A screenshot under test-results/browser/; `clean` hides the toasts and hover-only links (for the README). */
export async function shot(page: Page, name: string, o: { fullPage?: boolean; clean?: boolean } = {}): Promise<string> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: o.fullPage, style: o.clean ? CLEAN : undefined });
  return file;
}

/** The newest message in the open chat whose text contains all of `texts`. */
export function message(page: Page, ...texts: string[]): Locator {
  let l = page.locator('.messages .msg');
  for (const t of texts) l = l.filter({ hasText: t });
  return l.last();
}

/** The task card (督办单) of a task in the open chat: its header's subtitle is the code. */
export function taskCard(page: Page, code: string): Locator {
  return page.locator('.messages .msg').filter({ has: page.locator('.fc-subtitle', { hasText: new RegExp(`^${code}$`) }) }).last();
}

/** Waits for a toast with this text and returns its type (success, warning, error, info). */
export async function toastOf(page: Page, text: string | RegExp, timeout = 15_000): Promise<string> {
  const t = page.locator('.toast').filter({ hasText: text }).last();
  await t.waitFor({ state: 'visible', timeout });
  return (await t.getAttribute('data-type')) ?? '';
}
