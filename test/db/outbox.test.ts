/** The outbox against the fake Feishu under faults: retries, order, rate limits, permanent errors, a killed worker. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { FeishuMessenger } from '../../src/adapters/feishu/messenger';
import { OutboxWorker, type OutboxWorkerOptions } from '../../src/adapters/feishu/outbox-worker';
import { Locks } from '../../src/adapters/mongo/lock';
import type { OutboxItem, OutboxRow } from '../../src/app/outbox-item';
import { OutboxStore } from '../../src/adapters/mongo/outbox-store';
import type { Messenger } from '../../src/app/ports';
import { createLogger } from '../../src/log';
import { FakeFeishu, type FakeMessage } from '../fake-feishu';
import { openTestDb, type TestDb } from '../support/db';

const CHATS = ['oc_c0', 'oc_c1', 'oc_c2', 'oc_c3', 'oc_c4'];
const SEND = '/open-apis/im/v1/messages';
const log = createLogger('silent');
let db: TestDb;
let fake: FakeFeishu;
let store: OutboxStore;

beforeAll(async () => {
  db = await openTestDb('outbox');
  store = new OutboxStore(db.models);
  fake = await FakeFeishu.start({ appId: 'cli_o', appSecret: 'secret' });
});
afterAll(async () => {
  await fake.stop();
  await db.drop();
});
beforeEach(async () => {
  await Promise.all([db.models.outbox.deleteMany({}), db.models.locks.deleteMany({}), db.models.cardMessages.deleteMany({})]);
  fake.reset({ directory: true });
  for (const c of CHATS) fake.addChat({ chatId: c, name: c, members: ['ou_a'] });
  fake.addUser({ openId: 'ou_gone', outOfScope: true });
});

// generous by default (a busy machine must not turn into spurious timeouts); short only where a hang is the point
const messenger = (timeoutMs = 5000) => new FeishuMessenger({ appId: 'cli_o', appSecret: 'secret', domain: fake.url, timeoutMs });
const worker = (o: Partial<OutboxWorkerOptions> = {}) =>
  new OutboxWorker({ models: db.models, store, locks: new Locks(db.models.locks), messenger: messenger(), renderer: { render: async () => null }, log, lockTtlMs: 2000, ...o });

/** `perChat` texts to each chat, put round-robin (so lanes interleave), in order within each chat. */
function items(perChat: number, chats = CHATS): OutboxItem[] {
  const out: OutboxItem[] = [];
  for (let i = 0; i < perChat; i++) for (const c of chats) out.push({ key: `t-${c}-${i}`, kind: 'send', to: { type: 'chat_id', id: c }, msgType: 'text', content: { text: `${c} #${i}` } });
  return out;
}
const texts = (chat: string) => fake.messagesIn(chat).map((m: FakeMessage) => (m.content as { text: string }).text);
const expected = (chat: string, n: number) => Array.from({ length: n }, (_, i) => `${chat} #${i}`);
const rows = () => db.models.outbox.find({}).lean<OutboxRow[]>();

describe('outbox under faults', () => {
  test('429 (reset header), then 500, then a hang past the timeout: all 20 arrive once, in order, under the chat limit', async () => {
    fake.inject({ path: SEND, times: 2, fault: { type: 'ratelimit', resetSec: 1 } });
    fake.inject({ path: SEND, times: 2, fault: { type: 'status', status: 500 } });
    fake.inject({ path: SEND, times: 2, fault: { type: 'hang', ms: 10_000 } });
    await store.put(items(4));
    await worker({ messenger: messenger(1000) }).drain(30_000);

    for (const c of CHATS) expect(texts(c)).toEqual(expected(c, 4));
    const faults = fake.calls({ path: SEND }).map((c) => c.fault).filter(Boolean);
    expect(faults).toEqual(['ratelimit', 'ratelimit', 'status', 'status', 'hang', 'hang']);
    const stats = fake.stats();
    expect(stats.maxPerChatPerSec).toBeLessThanOrEqual(5);
    expect(stats.rejected).toEqual({ perChat: 0, perApp: 0, perMessage: 0 });
    const all = await rows();
    expect(all.every((r) => r.status === 'sent' && r.sentMessageId)).toBe(true);
    // every attempt is counted on its row: 20 deliveries and the 6 refused or hung ones
    expect(all.reduce((n, r) => n + r.attempts, 0)).toBeGreaterThanOrEqual(26);
  });

  test('a busy chat is paced under 5/s (30 messages to 2 chats), none refused', async () => {
    await store.put(items(15, ['oc_c0', 'oc_c1']));
    await worker().drain(30_000);
    expect(texts('oc_c0')).toEqual(expected('oc_c0', 15));
    expect(texts('oc_c1')).toEqual(expected('oc_c1', 15));
    expect(fake.stats().maxPerChatPerSec).toBeLessThanOrEqual(5);
    expect(fake.stats().rejected.perChat).toBe(0);
  });

  test('a hung call holds up its own chat only', async () => {
    fake.inject({ path: SEND, times: 1, fault: { type: 'hang', ms: 5000 } });
    await store.put(items(2));
    const w = worker({ messenger: messenger(4000) });
    const done = w.drain(30_000);
    // every other chat gets both its messages while the hung call is still open
    await new Promise<void>((resolve) => {
      const check = () => fake.calls({ path: SEND }).filter((c) => c.status === 200).length >= 8 && resolve();
      fake.on('call', check);
      check();
    });
    const hung = fake.calls({ path: SEND }).find((c) => c.fault === 'hang')!;
    // its sender is still waiting for the answer (no timeout recorded yet)
    expect((await db.models.outbox.findById(hung.uuid).lean<OutboxRow>())).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await db.models.outbox.findById(hung.uuid).lean<OutboxRow>())?.lastError).toBeUndefined();
    await done;
    for (const c of CHATS) expect(texts(c)).toEqual(expected(c, 2));
  });

  test('a chat refusing with 230020 pauses that chat and the message still goes', async () => {
    fake.inject({ path: SEND, times: 1, fault: { type: 'error', httpStatus: 400, code: 230020, msg: 'frequency' } });
    await store.put(items(1));
    await worker().drain(30_000);
    for (const c of CHATS) expect(texts(c)).toEqual(expected(c, 1));
  });
});

describe('permanent errors', () => {
  test('230002 (bot not in chat) and 230013 (user out of scope) are recorded once, not retried; others go on', async () => {
    fake.setBotInChat('oc_c1', false);
    await store.put([...items(2), { key: 'to-gone', kind: 'send', to: { type: 'open_id', id: 'ou_gone' }, msgType: 'text', content: { text: 'hi' } }]);
    await worker().drain(30_000);
    const failed = await store.list('failed', 50, 0);
    expect(failed.total).toBe(3);
    expect(failed.items.map((r) => [r._id, r.attempts, r.lastError]).sort()).toEqual([
      ['t-oc_c1-0', 1, { code: '230002', message: expect.any(String), permanent: true }],
      ['t-oc_c1-1', 1, { code: '230002', message: expect.any(String), permanent: true }],
      ['to-gone', 1, { code: '230013', message: expect.any(String), permanent: true }],
    ]);
    expect(fake.calls({ path: SEND }).filter((c) => c.code === 230002)).toHaveLength(2);
    for (const c of CHATS.filter((x) => x !== 'oc_c1')) expect(texts(c)).toEqual(expected(c, 2));
    // once the bot is back, a retried row goes out
    fake.setBotInChat('oc_c1', true);
    await store.update('t-oc_c1-0', { status: 'pending', attempts: 0, nextAttemptAt: new Date() });
    await worker().drain(30_000);
    expect(texts('oc_c1')).toEqual(['oc_c1 #0']);
  });

  test('refused app credentials are not a message’s fault: rows wait instead of failing', async () => {
    await store.put(items(1, ['oc_c0']));
    const w = worker({ messenger: new FeishuMessenger({ appId: 'cli_o', appSecret: 'wrong', domain: fake.url, timeoutMs: 5000 }) });
    await w.tick();
    await expect(w.drain(300)).rejects.toThrow('did not drain');
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'pending', lastError: { code: '10014', permanent: false } });
  });
});

describe('a long Feishu outage (docs/rules.md#reliability-rules: nothing a person is owed is lost)', () => {
  test('transient errors never end a row: 15 failures in a row (past the old 12-attempt limit), then it goes, once', async () => {
    fake.inject({ path: SEND, times: 15, fault: { type: 'status', status: 503 } });
    await store.put(items(1, ['oc_c0']));
    // one pass during the outage: tried once, kept pending with its error, listed as retrying
    expect(await worker().sendDue()).toEqual({ sent: 0, failed: 0, retrying: 1, waiting: 1 });
    const during = await store.list('retrying', 50, 0);
    expect(during.total).toBe(1);
    expect(during.items[0]).toMatchObject({ _id: 't-oc_c0-0', status: 'pending', attempts: 1, lastError: { permanent: false } });
    expect((await store.list('failed', 50, 0)).total).toBe(0);

    await worker({ backoffMs: { base: 1, max: 5 } }).drain(30_000); // the outage's hours, shortened
    expect(texts('oc_c0')).toEqual(['oc_c0 #0']);
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'sent', attempts: 16 });
    expect(fake.calls({ path: SEND }).filter((c) => c.fault === 'status')).toHaveLength(15);
    expect((await store.list('retrying', 50, 0)).total).toBe(0);
  });

  test('a row at its 31st attempt is still retried, no later than 10 minutes on', async () => {
    await store.put(items(1, ['oc_c1']));
    await store.update('t-oc_c1-0', { attempts: 30 });
    fake.inject({ path: SEND, times: 1, fault: { type: 'status', status: 500 } });
    const before = Date.now();
    expect(await worker().sendDue()).toMatchObject({ sent: 0, failed: 0, retrying: 1 });
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'pending', attempts: 31, lastError: { permanent: false } });
    const wait = new Date(row.nextAttemptAt).getTime() - before;
    expect(wait).toBeGreaterThan(60_000);
    expect(wait).toBeLessThanOrEqual(10 * 60_000 + 1000);
  });

  test('sendDue sends what is due and says what became of it; permanent errors still fail at once', async () => {
    fake.setBotInChat('oc_c2', false);
    await store.put(items(2, ['oc_c0', 'oc_c2']));
    expect(await worker().sendDue()).toEqual({ sent: 2, failed: 2, retrying: 0, waiting: 0 });
    expect(texts('oc_c0')).toEqual(expected('oc_c0', 2));
    expect((await store.list('failed', 50, 0)).items.map((r) => [r._id, r.attempts, r.lastError?.permanent]).sort()).toEqual([
      ['t-oc_c2-0', 1, true],
      ['t-oc_c2-1', 1, true],
    ]);
    expect(await worker().sendDue()).toEqual({ sent: 0, failed: 0, retrying: 0, waiting: 0 }); // nothing left: safe to repeat
  });
});

describe('npm run job -- outbox (no worker runs in that process)', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      // spawn, not spawnSync: the fake Feishu answers from this process
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/job.ts', ...args], { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  test('sends what is due itself and prints the counts', async () => {
    await store.put(items(2, ['oc_c3']));
    const r = await cli(['outbox'], {
      FEISHU_APP_ID: 'cli_o',
      FEISHU_APP_SECRET: 'secret',
      FEISHU_VERIFICATION_TOKEN: 'v',
      FEISHU_DOMAIN: fake.url,
      ADMIN_TOKEN: 'test-admin-token-123456',
      MONGODB_URI: `${process.env.MONGODB_URI!.replace(/\/$/, '')}/${db.dbName}`,
    });
    expect(r.stdout).toMatch(/^outbox @ .*: ok$/m);
    expect(r.code).toBe(0);
    const printed = r.stdout.slice(r.stdout.search(/^outbox @ /m)).split('\n').slice(1).join('\n');
    // the counts in words (npm run job says what it did rather than printing a JSON record)
    expect(printed).toContain('计数：sent 2，failed 0，retrying 0，waiting 0');
    expect(texts('oc_c3')).toEqual(expected('oc_c3', 2));
    expect((await rows()).every((row) => row.status === 'sent')).toBe(true);
  }, 60_000);
});

/** A messenger whose process "dies": after kill() nothing it started ever reports back. */
class Killable {
  private killed = false;
  constructor(private readonly inner: Messenger) {}
  kill(): void {
    this.killed = true;
  }
  private async guard<T>(p: Promise<T>): Promise<T> {
    const never = new Promise<T>(() => undefined);
    try {
      const r = await p;
      return this.killed ? never : r;
    } catch (e) {
      if (this.killed) return never;
      throw e;
    }
  }
  messenger(): Messenger {
    const m = this.inner;
    return {
      send: (...a) => this.guard(this.killed ? new Promise(() => undefined) : m.send(...a)),
      reply: (...a) => this.guard(m.reply(...a)),
      patch: (...a) => this.guard(m.patch(...a)),
      updateCard: (...a) => this.guard(m.updateCard(...a)),
      urgent: (...a) => this.guard(m.urgent(...a)),
      uploadImage: (...a) => this.guard(m.uploadImage(...a)),
      uploadFile: (...a) => this.guard(m.uploadFile(...a)),
      botInfo: () => this.guard(m.botInfo()),
      getMessage: (id) => this.guard(m.getMessage(id)),
      messageResource: (...a) => this.guard(m.messageResource(...a)),
      resolveIds: (q) => this.guard(m.resolveIds(q)),
    };
  }
}

describe('a worker killed mid-batch', () => {
  test('a new worker on the same database delivers the rest once (uuid dedupe for the one sent but not recorded)', async () => {
    const dying = new Killable(messenger(20_000));
    const a = worker({ messenger: dying.messenger(), lockTtlMs: 800, pollMs: 10 });
    fake.inject({ path: SEND, times: 1, fault: { type: 'hang', ms: 60_000 } });
    await store.put(items(4));
    // the process dies just as Feishu creates the 6th message, before the answer reaches it
    const killedAt = new Promise<string>((resolve) => {
      let n = 0;
      fake.on('message', (m) => {
        if (++n !== 6) return;
        dying.kill();
        void a.stop();
        resolve(m.uuid!);
      });
    });
    a.start();
    const lostUuid = await killedAt;
    expect((await db.models.outbox.findById(lostUuid).lean<OutboxRow>())?.status).toBe('pending');
    expect(await db.models.locks.countDocuments({ _id: /^outbox:/ })).toBeGreaterThanOrEqual(2); // the hung row and the lost answer

    const b = worker({ lockTtlMs: 800 });
    await b.drain(30_000);
    for (const c of CHATS) expect(texts(c)).toEqual(expected(c, 4));
    const tries = fake.calls({ path: SEND }).filter((c) => c.uuid === lostUuid && c.status === 200);
    expect(tries).toHaveLength(2);
    const ids = tries.map((c) => (c.response as { data: { message_id: string } }).data.message_id);
    expect(ids[0]).toBe(ids[1]);
    expect((await rows()).every((r) => r.status === 'sent')).toBe(true);
    expect(fake.stats().rejected.perChat).toBe(0);
  });
});

describe('picking lanes', () => {
  test('a lane behind a long backlog of another lane is still found', async () => {
    const backlog: OutboxItem[] = Array.from({ length: 1200 }, (_, i) => ({ key: `b-${i}`, kind: 'send', to: { type: 'chat_id', id: 'oc_c0' }, msgType: 'text', content: { text: String(i) } }));
    await store.put(backlog);
    await store.put(items(1, ['oc_c1']));
    const { rows: found, truncated } = await store.scanPending(500);
    expect(truncated).toBe(true);
    expect(found).toHaveLength(501);
    expect(found.slice(0, 3).map((h) => h._id)).toEqual(['b-0', 'b-1', 'b-2']);
    expect(found.at(-1)).toMatchObject({ _id: 't-oc_c1-0', lane: 'chat:oc_c1' });
    expect(Object.keys(found[0]).sort()).toEqual(['_id', 'kind', 'lane', 'nextAttemptAt', 'seq']); // no content
  });

  test('rows another process puts are found by the running worker’s scan', async () => {
    const w = worker({ scanMs: 100, pollMs: 20 });
    w.start();
    try {
      const elsewhere = new OutboxStore(db.models); // another process: this worker is not told of its puts
      const arrived = new Promise<void>((resolve) => fake.once('message', () => resolve()));
      await elsewhere.put(items(1, ['oc_c2']));
      await arrived;
      expect(texts('oc_c2')).toEqual(['oc_c2 #0']);
    } finally {
      await w.stop();
    }
  });

  test('put is safe to repeat: the same keys make no second row', async () => {
    await store.put(items(1));
    await store.put(items(1));
    expect(await db.models.outbox.countDocuments()).toBe(5);
  });

  test.each([
    [{ key: '' }, 'key must be 1–50 characters'],
    [{ key: 'k'.repeat(51) }, 'key must be 1–50 characters'],
    [{ kind: 'refresh' }, 'kind "refresh" cannot be sent'],
    [{ msgType: 'image' }, 'msgType "image" is not text, interactive, post or file'],
    [{ to: undefined }, 'a send needs to: {type: chat_id|open_id, id}'],
    [{ to: { type: 'email', id: 'x@y' } }, 'a send needs to'],
    [{ content: undefined }, 'a send needs content or a render'],
    [{ kind: 'patch', to: undefined }, 'a patch needs the messageId it acts on'],
    [{ kind: 'card_update' }, 'a card_update needs the callback’s cardToken'],
    [{ kind: 'urgent', messageId: 'om_1', urgentTo: [] }, 'an urgent needs urgentTo open_ids'],
  ])('a bad item (%j) refuses the whole batch, saying what is wrong, and queues nothing', async (change, message) => {
    const good = items(1, ['oc_c0'])[0];
    const bad = { ...good, key: 'bad-one', ...change } as OutboxItem;
    await expect(store.put([good, bad])).rejects.toThrow(`outbox item 2 of 2 (${bad.key}): ${message}`);
    expect(await db.models.outbox.countDocuments()).toBe(0);
  });
});
