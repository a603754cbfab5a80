import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectMongo } from '../../../src/adapters/mongo/connection';
import { FixedClock } from '../../../src/clock';
import { loadConfig } from '../../../src/config';
import { zonedInstant } from '../../../src/domain/time';
import { createLogger } from '../../../src/log';
import { buildCore, type Core } from '../../../src/main';
import { FakeFeishu } from '../../fake-feishu';
import { describe as linesOf } from '../../db/reminders-support';
import { newTask, orgData } from '../../support/factories';
import { TEST_APP } from '../../support/harness';

/**
 * Whole service instances for fault tests: `node --import tsx src/main.ts` as a child process (so it can
 * be killed with SIGKILL), against a FerretDB database of the test's and a fake Feishu in the test's
 * process, with the business clock started at a chosen moment (CLOCK_START). Plus seeding a database
 * with the test organisation and open tasks, and reading back what the fake received as short lines.
 */
const ROOT = path.resolve(__dirname, '../../..');

export interface Instance {
  child: ChildProcess;
  pid: number;
  logFile: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The end of its log, for a failure message. */
  tail(lines?: number): string;
}

export function dbUri(dbName: string, uri = process.env.MONGODB_URI!): string {
  return `${uri.replace(/\/$/, '')}/${dbName}`;
}

/**
 * `root`: the project folder to run (default this one; a rolling-upgrade test runs an older commit's
 * tree). `uri`: the database server (default MONGODB_URI).
 */
export function startInstance(o: { name: string; dbName: string; fake: FakeFeishu; clockStart: string; env?: Record<string, string>; root?: string; uri?: string }): Instance {
  const logFile = path.join(os.tmpdir(), `dudao-${o.name}-${process.pid}-${Date.now()}.log`);
  const out = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: o.root ?? ROOT,
    stdio: ['ignore', out, out],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      FEISHU_APP_ID: TEST_APP.appId,
      FEISHU_APP_SECRET: TEST_APP.appSecret,
      FEISHU_VERIFICATION_TOKEN: TEST_APP.verificationToken,
      FEISHU_ENCRYPT_KEY: TEST_APP.encryptKey,
      FEISHU_DOMAIN: o.fake.url,
      MONGODB_URI: dbUri(o.dbName, o.uri),
      ADMIN_TOKEN: 'test-admin-token-123456',
      PORT: '0',
      HOST: '127.0.0.1',
      CLOCK_START: o.clockStart,
      LOG_LEVEL: 'info',
      ...o.env,
    },
  });
  fs.closeSync(out);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    pid: child.pid!,
    logFile,
    exited,
    tail: (lines = 30) => fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n'),
  };
}

/** Where an instance answers, once its log says it listens and /readyz says its database is up. */
export async function listening(i: Instance, ms = 60_000): Promise<string> {
  const port = await until(
    `${path.basename(i.logFile)} listening\n${i.tail()}`,
    async () => {
      if (i.child.exitCode !== null) throw new Error(`exited ${i.child.exitCode}`);
      const line = fs.readFileSync(i.logFile, 'utf8').split('\n').find((l) => l.includes('"msg":"dudao is listening"'));
      return line ? String((JSON.parse(line) as { port: number }).port) : undefined;
    },
    ms,
    50,
  );
  const base = `http://127.0.0.1:${port}`;
  await until(`${path.basename(i.logFile)} ready\n${i.tail()}`, async () => (await fetch(`${base}/readyz`)).status === 200, ms, 50);
  return base;
}

/** Stops an instance the ordinary way (SIGTERM), or kills it when it does not end within a minute. */
export async function stopInstance(i: Instance): Promise<void> {
  if (i.child.exitCode !== null || i.child.signalCode !== null) return;
  i.child.kill('SIGTERM');
  const t = setTimeout(() => i.child.kill('SIGKILL'), 60_000);
  await i.exited;
  clearTimeout(t);
}

/** A fake Feishu that knows the test organisation's people and chats. */
export async function orgFake(): Promise<FakeFeishu> {
  const fake = await FakeFeishu.start({ appId: TEST_APP.appId, appSecret: TEST_APP.appSecret });
  const org = orgData;
  for (const p of org.people) if (p.openId) fake.addUser({ openId: p.openId, name: p.name });
  for (const u of org.units) if (u.chatId) fake.addChat({ chatId: u.chatId, name: u.name, members: org.people.filter((p) => p.roles.some((r) => r.kind === 'official' && r.unit === u.code)).map((p) => p.openId!) });
  for (const g of org.groups) if (g.chatId) fake.addChat({ chatId: g.chatId, name: g.name, members: org.people.filter((p) => p.roles.some((r) => r.kind === 'supervisor' && r.group === g.code)).map((p) => p.openId!) });
  return fake;
}

/**
 * A database of its own with the test organisation and `n` open tasks spread over four units and two
 * groups, all due `deadline` (dispatched a month before): on a workday 7 past it, each is owed the
 * daily overdue notice (its unit's card and the group's copy), a 督导提示函 and a report to the city leader.
 * Returns the core on it (the test's own view of the database) and a way to drop it.
 */
export async function seedDb(dbName: string, n: number, deadline: string, uri = process.env.MONGODB_URI!): Promise<{ core: Core; close(): Promise<void> }> {
  const conn = await connectMongo(uri, dbName);
  const core = await buildCore(loadConfig({ LOG_LEVEL: 'silent' }), { conn, log: createLogger('silent'), clock: new FixedClock(zonedInstant(deadline, '10:00', 'Asia/Shanghai')) });
  const { models } = core.deps;
  await models.units.insertMany(orgData.units);
  await models.groups.insertMany(orgData.groups);
  await models.people.insertMany(orgData.people);
  const units: [string, string][] = [['MSZ', 'G1'], ['ZJJ', 'G1'], ['ZRZYJ', 'G1'], ['LDZ', 'G2']];
  const dispatchedAt = zonedInstant('2026-09-14', '10:00', 'Asia/Shanghai');
  for (let i = 0; i < n; i += 100) {
    const items = Array.from({ length: Math.min(100, n - i) }, (_, j) => {
      const [leadUnit, group] = units[(i + j) % units.length];
      return { task: newTask({ leadUnit, group, coUnits: [], state: 'in_progress', deadline, priority: '一般', dispatchedAt }), owed: () => [] };
    });
    await core.deps.tasks.create(items, 2026);
  }
  return {
    core,
    async close() {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    },
  };
}

const REMINDER_TITLES = /^(每日督办提醒|督导提示函|超期事项报告)$/;

/**
 * What the fake delivered of the reminders, one line per reminder (`oc_msz DB-2026-0001 overdue 已超期 7
 * 个工作日`, `ou_sup1 letter 〔2026〕第3号 DB-2026-0003`, `ou_leader leader DB-2026-0005`), read from
 * every chat of the organisation, with how many messages carried them.
 */
export function deliveredReminders(fake: FakeFeishu): { lines: string[]; messages: number } {
  const chats: [string, string][] = [
    ...orgData.units.filter((u) => u.chatId).map((u): [string, string] => [u.chatId!, u.chatId!]),
    ...orgData.groups.filter((g) => g.chatId).map((g): [string, string] => [g.chatId!, g.chatId!]),
    ...orgData.people.filter((p) => p.openId).map((p): [string, string] => [fake.p2pChatOf(p.openId!), p.openId!]),
  ];
  const lines: string[] = [];
  let messages = 0;
  for (const [chatId, to] of chats) {
    for (const m of fake.messagesIn(chatId)) {
      if (!m.fromBot) continue;
      const title = (m.content as { header?: { title?: { content?: string } } } | undefined)?.header?.title?.content ?? '';
      if (!REMINDER_TITLES.test(title)) continue;
      messages++;
      lines.push(...linesOf({ to: { type: 'chat_id', id: to }, content: m.content }));
    }
  }
  return { lines: lines.sort(), messages };
}

/** Lines of `got` beyond their count in `want` (sent twice), and lines of `want` missing from `got`. */
export function compareLines(want: string[], got: string[]): { duplicates: string[]; missing: string[] } {
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const w = count(want);
  const g = count(got);
  const duplicates: string[] = [];
  const missing: string[] = [];
  for (const [line, n] of g) for (let k = w.get(line) ?? 0; k < n; k++) duplicates.push(line);
  for (const [line, n] of w) for (let k = g.get(line) ?? 0; k < n; k++) missing.push(line);
  return { duplicates, missing };
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, ms: number, every = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`not within ${Math.round(ms / 1000)} s: ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
