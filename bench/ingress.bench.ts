import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { loadConfig } from '../src/config';
import { FixedClock } from '../src/clock';
import { createLogger } from '../src/log';
import { buildService } from '../src/main';
import { startFerretDB } from '../scripts/ferretdb';
import { FakeFeishu, newEventId, signRequest, type SignedRequest } from '../test/fake-feishu';
import { orgData } from '../test/support/factories';

/**
 * Ingress: how many signed, encrypted Feishu events the real service (buildService on FerretDB) acks per
 * second, against a bare Koa handler that only parses the JSON — the ratio is the figure — and the ack
 * latency (p50/p99). Two loads: `message_read` events (verify, decrypt, dedupe, nothing to do) and
 * `帮助` messages from a registered person (the whole path: dedupe, handler, a reply queued).
 * BENCH_REQUESTS / BENCH_CONCURRENCY change the load (default 2,000 requests, 20 at a time); each phase
 * also stops taking new requests after BENCH_PHASE_SECONDS (default 15), so the run stays under a minute
 * on a slow machine (the figures then say how many were sent).
 */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const PHASE_MS = Number(process.env.BENCH_PHASE_SECONDS ?? 15) * 1000;
const APP = { appId: 'cli_bench', appSecret: 'bench-secret', verificationToken: 'bench-verification', encryptKey: 'bench-encrypt-key' };

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(port: number, r: SignedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/feishu/events', method: 'POST', agent, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

interface Result {
  sent: number;
  perSec: number;
  p50: number;
  p99: number;
  bad: number;
}

/** Sends the requests `concurrency` at a time; each ack's latency is measured from write to response end. */
async function drive(port: number, reqs: SignedRequest[]): Promise<Result> {
  const lat: number[] = [];
  let next = 0;
  let bad = 0;
  const t0 = performance.now();
  const until = t0 + PHASE_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < reqs.length && performance.now() < until) {
        const r = reqs[next++];
        const s = performance.now();
        const status = await post(port, r);
        lat.push(performance.now() - s);
        if (status !== 200) bad++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
  return { sent: lat.length, perSec: lat.length / secs, p50: pct(50), p99: pct(99), bad };
}

const show = (label: string, r: Result) =>
  console.log(`  ${label.padEnd(40)} ${String(r.sent).padStart(5)} req ${r.perSec.toFixed(0).padStart(6)} acks/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms${r.bad ? `   ${r.bad} not 200!` : ''}`);

function readEvents(n: number): SignedRequest[] {
  return Array.from({ length: n }, () => {
    const env = { schema: '2.0', header: { event_id: newEventId(), event_type: 'im.message.message_read_v1', create_time: String(Date.now()), app_id: APP.appId, tenant_key: 'tenant_test' }, event: { reader: { reader_id: { open_id: 'ou_off1' }, read_time: String(Date.now()), tenant_key: 'tenant_test' }, message_id_list: ['om_x'] } };
    return signRequest(env, APP);
  });
}

function helpMessages(fake: FakeFeishu, n: number): SignedRequest[] {
  const people = orgData.people.filter((p) => p.openId).map((p) => p.openId!);
  return Array.from({ length: n }, (_, i) => signRequest(fake.userMessage({ senderOpenId: people[i % people.length], chatType: 'p2p', text: '帮助' }), APP));
}

async function bareKoa(): Promise<{ port: number; close(): Promise<void> }> {
  const app = new Koa();
  app.use(async (ctx) => {
    const chunks: Buffer[] = [];
    for await (const c of ctx.req) chunks.push(c as Buffer);
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    ctx.body = {};
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  return { port: (server.address() as { port: number }).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function run(): Promise<void> {
  const external = process.env.MONGODB_URI;
  const dir = path.resolve(__dirname, '..', '.data', `bench-ingress-${process.pid}`);
  const db = external ? { uri: external, stop: async () => undefined } : await startFerretDB({ dir });
  const fake = await FakeFeishu.start({ appId: APP.appId, appSecret: APP.appSecret });
  const config = loadConfig({
    FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret, FEISHU_VERIFICATION_TOKEN: APP.verificationToken, FEISHU_ENCRYPT_KEY: APP.encryptKey,
    FEISHU_DOMAIN: fake.url, MONGODB_URI: db.uri, ADMIN_TOKEN: 'bench-admin-token-123456', LOG_LEVEL: 'silent',
  });
  const service = await buildService(config, { dbName: `bench_ingress_${Date.now().toString(36)}`, log: createLogger('silent'), clock: new FixedClock(new Date('2026-12-01T10:00:00+08:00')) });
  const bare = await bareKoa();
  try {
    const port = await service.listen(0);
    await service.db.whenReady();
    await service.learnBot();
    const { models } = service.deps;
    await models.units.insertMany(orgData.units);
    await models.groups.insertMany(orgData.groups);
    await models.people.insertMany(orgData.people);
    service.deps.orgs.invalidate();

    console.log(`${REQUESTS} requests, ${CONCURRENCY} at a time, loopback; machine: ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const sample = readEvents(1)[0];
    await drive(bare.port, Array.from({ length: 200 }, () => sample)); // warm-up
    await drive(port, readEvents(100));
    const baseline = await drive(bare.port, Array.from({ length: REQUESTS }, () => sample));
    show('bare Koa: read body + JSON.parse', baseline);
    const read = await drive(port, readEvents(REQUESTS));
    show('dudao: signed+encrypted message_read', read);
    const help = await drive(port, helpMessages(fake, Math.floor(REQUESTS / 2)));
    show('dudao: signed+encrypted 帮助 (reply queued)', help);
    const replay = readEvents(1)[0];
    const dup = await drive(port, Array.from({ length: Math.floor(REQUESTS / 2) }, () => replay));
    show('dudao: the same event again and again', dup);
    console.log(`  ratio (dudao / bare Koa): message_read ${(read.perSec / baseline.perSec).toFixed(3)}, 帮助 ${(help.perSec / baseline.perSec).toFixed(3)}, replays ${(dup.perSec / baseline.perSec).toFixed(3)}`);
    console.log(`  p99 ack vs Feishu's 3 s deadline: ${(Math.max(read.p99, help.p99) / 3000 * 100).toFixed(1)} % of it used`);
    const queued = await models.outbox.estimatedDocumentCount();
    console.log(`  replies queued in the outbox: ${queued} (one per 帮助: ${help.sent})`);
  } finally {
    agent.destroy();
    await bare.close();
    await service.conn.dropDatabase().catch(() => undefined);
    await service.close();
    await fake.stop();
    await db.stop();
    if (!external) fs.rmSync(dir, { recursive: true, force: true });
  }
}
