/**
 * The background stays quiet while idle (docs/architecture.md#the-outbox-and-the-relay): the outbox worker looks
 * for other processes' rows every few seconds, less often while it finds none, and is woken at once by
 * this process's own puts; the job runner's minute tick asks nothing about slots it knows are over.
 * Counted with the driver's command monitor on the worker's own connection.
 */
import type { mongo } from 'mongoose';
import { FeishuMessenger } from '../../src/adapters/feishu/messenger';
import { OutboxWorker, type OutboxWorkerOptions } from '../../src/adapters/feishu/outbox-worker';
import { Locks } from '../../src/adapters/mongo/lock';
import { OutboxStore } from '../../src/adapters/mongo/outbox-store';
import { FixedClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { JobRunner } from '../../src/jobs/runner';
import { createLogger } from '../../src/log';
import { buildCore } from '../../src/main';
import { FakeFeishu } from '../fake-feishu';
import { openTestDb, type TestDb } from '../support/db';

const log = createLogger('silent');
let db: TestDb;
let fake: FakeFeishu;
let store: OutboxStore;
let commands: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await openTestDb('quiet');
  store = new OutboxStore(db.models);
  fake = await FakeFeishu.start({ appId: 'cli_q', appSecret: 'secret' });
  fake.addChat({ chatId: 'oc_q', name: 'q', members: ['ou_a'] });
  db.conn.getClient().on('commandStarted', (e: mongo.CommandStartedEvent) => {
    const filter = e.commandName === 'find' ? ` ${Object.keys((e.command.filter ?? {}) as object).join(',')}` : '';
    commands.push(`${e.commandName} ${String(e.command[e.commandName])}${filter}`);
  });
});
afterAll(async () => {
  await fake.stop();
  await db.drop();
});

const worker = (o: Partial<OutboxWorkerOptions> = {}) =>
  new OutboxWorker({ models: db.models, store, locks: new Locks(db.models.locks), messenger: new FeishuMessenger({ appId: 'cli_q', appSecret: 'secret', domain: fake.url, timeoutMs: 5000 }), renderer: { render: async () => null }, log, ...o });
const scans = () => commands.filter((c) => c === 'find outbox status').length; // a read of the pending rows (not by _id)

describe('an idle outbox worker', () => {
  test('on the defaults: at most 3 queries in 10 s', async () => {
    const w = worker();
    commands = [];
    w.start();
    try {
      await sleep(10_000);
      expect(commands.length).toBeLessThanOrEqual(3); // a look at start, the next 10 s later (5 s doubled: it found nothing)
      expect(scans()).toBeGreaterThanOrEqual(1);
    } finally {
      await w.stop();
    }
  }, 30_000);

  test('a put in this process is sent at once, not at the next look', async () => {
    const w = worker({ scanMs: 60_000 });
    commands = [];
    w.start();
    try {
      await sleep(500);
      const t0 = performance.now();
      const arrived = new Promise<void>((resolve) => fake.once('message', () => resolve()));
      await store.put([{ key: 'quiet-1', kind: 'send', to: { type: 'chat_id', id: 'oc_q' }, msgType: 'text', content: { text: 'now' } }]);
      await arrived;
      expect(performance.now() - t0).toBeLessThan(2000); // the next look is a minute away
      expect(scans()).toBe(1); // the one at start: the put woke the worker itself
    } finally {
      await w.stop();
    }
  });

  test('looks less often while it finds nothing, and soon again once another process has put rows', async () => {
    const w = worker({ scanMs: 100, scanMaxMs: 800 });
    commands = [];
    w.start();
    try {
      await sleep(3000);
      // at 0, 0.1, 0.3, 0.7, 1.5, 2.3 s: six looks at most (a fixed 100 ms would be 30)
      expect(scans()).toBeLessThanOrEqual(7);
      expect(scans()).toBeGreaterThanOrEqual(4);
      const elsewhere = new OutboxStore(db.models); // another process: this worker is not told of its puts
      const arrived = new Promise<void>((resolve) => fake.once('message', () => resolve()));
      await elsewhere.put([{ key: 'quiet-2', kind: 'send', to: { type: 'chat_id', id: 'oc_q' }, msgType: 'text', content: { text: 'from elsewhere' } }]);
      const t0 = performance.now();
      await arrived;
      expect(performance.now() - t0).toBeLessThan(2500); // within the longest wait (0.8 s) and the send
    } finally {
      await w.stop();
    }
  }, 30_000);
});

describe('an idle job runner', () => {
  test('a tick over slots that are over sends no query', async () => {
    const core = await buildCore(loadConfig({}), { conn: db.conn, log, clock: new FixedClock(new Date('2026-12-01T10:00:00+08:00')) });
    const seen: Date[] = [];
    const r = new JobRunner(core.deps, [{ name: 'quiet', description: 'test', run: async ({ at }) => ({ n: seen.push(at) }) }], { quiet: '0 9 * * *' });
    await r.tick(new Date('2026-12-01T09:00:10+08:00'));
    expect(seen).toHaveLength(1);
    commands = [];
    await r.tick(new Date('2026-12-01T09:01:00+08:00'));
    await r.tick(new Date('2026-12-01T09:02:00+08:00'));
    expect(commands).toEqual([]);
    // another runner (another instance) reads the record once, then knows it too
    const other = new JobRunner({ ...core.deps, locks: new Locks(db.models.locks) }, [{ name: 'quiet', description: 'test', run: async ({ at }) => ({ n: seen.push(at) }) }], { quiet: '0 9 * * *' });
    await other.tick(new Date('2026-12-01T09:03:00+08:00'));
    expect(commands).toEqual(['find job_runs _id', 'find job_runs _id']); // the window's two slots, by _id
    commands = [];
    await other.tick(new Date('2026-12-01T09:04:00+08:00'));
    expect(commands).toEqual([]);
    expect(seen).toHaveLength(1);
    await r.tick(new Date('2026-12-02T09:00:10+08:00')); // the next day's slot runs as before
    expect(seen).toHaveLength(2);
  });
});
