import path from 'node:path';
import fs from 'node:fs';
import { FeishuMessenger } from '../src/adapters/feishu/messenger';
import { OutboxWorker } from '../src/adapters/feishu/outbox-worker';
import { RateLimiter } from '../src/adapters/feishu/rate-limit';
import { connectMongo } from '../src/adapters/mongo/connection';
import { Locks } from '../src/adapters/mongo/lock';
import { defineModels, ensureIndexes, type Models } from '../src/adapters/mongo/models';
import type { OutboxItem, OutboxRow } from '../src/app/outbox-item';
import { OutboxStore } from '../src/adapters/mongo/outbox-store';
import { createLogger } from '../src/log';
import { startFerretDB } from '../scripts/ferretdb';
import { FakeFeishu } from '../test/fake-feishu';

/**
 * Outbox throughput against the fake Feishu with its real-like limits (5/s per chat, 50/s and 1000/min
 * per API) — the real worker, messenger (HTTP) and FerretDB — compared with what the limits allow.
 * "Ratio" = achieved rate / the best rate the limits permit for that load; 1.00 would be perfect use.
 */
const log = createLogger('silent');

interface Scenario {
  name: string;
  messages: number;
  chats: number;
}
const SCENARIOS: Scenario[] = [
  { name: '500 messages over 50 chats', messages: 500, chats: 50 },
  { name: '40 messages to one chat', messages: 40, chats: 1 },
];

/** Best possible seconds for n messages over c chats under 5/s per chat and 50/s per app (sliding windows). */
function bestSeconds(n: number, c: number, perChat = 5, perApp = 50): number {
  const perChatN = Math.ceil(n / c);
  // k calls fit in the first instant, then `limit` more per second
  const byChat = Math.max(0, Math.ceil(perChatN / perChat) - 1);
  const byApp = Math.max(0, Math.ceil(n / perApp) - 1);
  return Math.max(byChat, byApp, 0.001);
}

async function scenario(models: Models, s: Scenario): Promise<void> {
  const fake = await FakeFeishu.start({ appId: 'cli_bench', appSecret: 'secret' });
  try {
    const chats = Array.from({ length: s.chats }, (_, i) => `oc_bench_${i}`);
    for (const c of chats) fake.addChat({ chatId: c, name: c, members: [] });
    await models.outbox.deleteMany({});
    const store = new OutboxStore(models);
    const messenger = new FeishuMessenger({ appId: 'cli_bench', appSecret: 'secret', domain: fake.url, timeoutMs: 10_000 });
    await messenger.botInfo(); // the token is fetched before the clock starts
    const worker = new OutboxWorker({ models, store, locks: new Locks(models.locks), messenger, renderer: { render: async () => null }, log, limiter: new RateLimiter(5, 50) });
    const items: OutboxItem[] = Array.from({ length: s.messages }, (_, i) => ({
      key: `bench-${s.chats}-${i}`,
      kind: 'send',
      to: { type: 'chat_id', id: chats[i % s.chats] },
      msgType: 'text',
      content: { text: `message ${i}` },
    }));
    await store.put(items);
    const t0 = performance.now();
    await worker.drain(120_000);
    const secs = (performance.now() - t0) / 1000;

    const rows = await models.outbox.find({}, { status: 1, attempts: 1, createdAt: 1, sentAt: 1 }).lean<OutboxRow[]>();
    const sent = rows.filter((r) => r.status === 'sent').length;
    const retries = rows.reduce((n, r) => n + Math.max(0, r.attempts - 1), 0);
    const stats = fake.stats();
    const delivered = chats.reduce((n, c) => n + fake.messagesIn(c).length, 0);
    const rate = sent / secs;
    const best = s.messages / bestSeconds(s.messages, s.chats);
    const limitRate = Math.min(50, 5 * s.chats);
    console.log(`\n${s.name}`);
    console.log(`  delivered          ${delivered} of ${s.messages} (rows sent ${sent}, retries ${retries})`);
    console.log(`  time               ${secs.toFixed(2)} s (best possible ${bestSeconds(s.messages, s.chats).toFixed(2)} s)`);
    console.log(`  throughput         ${rate.toFixed(1)} msg/s vs the limit ${limitRate} msg/s → ratio ${(rate / limitRate).toFixed(2)}`);
    console.log(`  vs best schedule   ratio ${(rate / best).toFixed(2)} (best ${best.toFixed(1)} msg/s, counting the first instant's burst)`);
    console.log(`  peak seen by Feishu per chat ${stats.maxPerChatPerSec}/s (limit 5), per app ${Math.max(0, ...Object.values(stats.perAppMaxPerSec))}/s (limit 50), ${Math.max(0, ...Object.values(stats.perAppMaxPerMin))}/min (limit 1000)`);
    console.log(`  refused by Feishu  per chat ${stats.rejected.perChat}, per app ${stats.rejected.perApp}`);
  } finally {
    await fake.stop();
  }
}

export async function run(): Promise<void> {
  const external = process.env.MONGODB_URI;
  const dir = path.resolve(__dirname, '..', '.data', `bench-outbox-${process.pid}`);
  const db = external ? { uri: external, stop: async () => undefined } : await startFerretDB({ dir });
  const conn = await connectMongo(db.uri, `bench_outbox_${Date.now().toString(36)}`);
  try {
    const models = defineModels(conn);
    await ensureIndexes(models);
    console.log('outbox → fake Feishu (real HTTP, FerretDB), default limits: 5/s per chat, 50/s and 1000/min per app; the worker aims at 90 %');
    for (const s of SCENARIOS) await scenario(models, s);
  } finally {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
    await db.stop();
    if (!external) fs.rmSync(dir, { recursive: true, force: true });
  }
}
