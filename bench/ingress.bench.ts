import http from 'node:http';
import os from 'node:os';
import Koa from 'koa';
import * as lark from '@larksuiteoapi/node-sdk';
import { loadConfig } from '../src/config';
import { FixedClock } from '../src/clock';
import { createLogger } from '../src/log';
import { buildService, type Service } from '../src/main';
import { FakeFeishu, newEventId, signRequest, type SignedRequest } from '../test/fake-feishu';
import { startBenchDb } from './bench-db';
import { benchOrg } from './bench-org';
import { clickPhase, mixedPhase, prepareClicks, type ClickResult } from './clicks';
import { drive, merge, poster, RoundTrips, type Load } from './load';
import { runWhenMain } from './measure';

/**
 * Ingress (the morning rush): how fast the real service (buildService on FerretDB, signed and encrypted
 * requests as Feishu sends them, 20 in flight) answers each kind of event, every figure beside the bare
 * handlers measured in the same run (the machine's speed moves by half between runs; the ratios do not):
 *
 * - baselines: a bare node:http handler and a bare Koa handler (read the body, JSON.parse, answer `{}`),
 *   and the official SDK (`adaptDefault` + `EventDispatcher`: verify, decrypt, route) on the same events;
 * - dudao on `message_read` (an event it does not act on), group chatter (a group message with no
 *   @-mention, not a reply), `帮助` (its reply queued) and replays of a handled event;
 * - 签收 pressed at once by N officials on N fresh cards (N = 40 and 200): p50/p99, holding toasts,
 *   errors, each applied once; and 40 at once while the reminders job runs over 2,000 open tasks.
 *
 * Each line has p50/p99, the rate, the ratio to the bare Koa handler (and to node:http) and the
 * database commands per request, counted by the driver's command monitor. The event phases run in
 * BENCH_ROUNDS (5) rounds, a slice of each phase per round, so the baselines and dudao meet the same
 * moments of a shared machine (run one after another, a phase's rate moved by half with its neighbours'
 * load); the replies the 帮助 slices queue go out at Feishu's pace throughout, under every phase alike.
 * BENCH_REQUESTS (default 2,000 per event phase), BENCH_CONCURRENCY (20) and BENCH_PHASE_SECONDS (12: a
 * phase stops taking new requests then) change the load; BENCH_CLICKS (`40,200`) the click phases.
 */
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const PHASE_MS = Number(process.env.BENCH_PHASE_SECONDS ?? 12) * 1000;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const CLICKS = (process.env.BENCH_CLICKS ?? '40,200').split(',').map(Number).filter((n) => n > 0);
const MIXED_CLICKS = 40;
const OPEN_TASKS = Number(process.env.BENCH_OPEN_TASKS ?? 2000);
const APP = { appId: 'cli_bench', appSecret: 'bench-secret', verificationToken: 'bench-verification', encryptKey: 'bench-encrypt-key' };
const NOW = new Date('2026-12-01T09:00:00+08:00'); // a Tuesday: the reminders job acts
const ORG = benchOrg(Math.max(200, ...CLICKS, MIXED_CLICKS));
const officials = ORG.people.filter((p) => p.roles.some((r) => r.kind === 'official'));

function readEvents(n: number): SignedRequest[] {
  return Array.from({ length: n }, (_, i) => {
    const env = { schema: '2.0', header: { event_id: newEventId(), event_type: 'im.message.message_read_v1', create_time: String(NOW.getTime()), app_id: APP.appId, tenant_key: 'tenant_test' }, event: { reader: { reader_id: { open_id: officials[i % officials.length].openId }, read_time: String(NOW.getTime()), tenant_key: 'tenant_test' }, message_id_list: ['om_x'] } };
    return signRequest(env, APP);
  });
}

/** A message in a unit's group: no @-mention, no parent or root (the bot reads it for nothing). */
function chatter(fake: FakeFeishu, n: number): SignedRequest[] {
  return Array.from({ length: n }, (_, i) => {
    const p = officials[i % officials.length];
    const unit = ORG.units.find((u) => p.roles.some((r) => r.kind === 'official' && r.unit === u.code))!;
    return signRequest(fake.userMessage({ senderOpenId: p.openId!, chatType: 'group', chatId: unit.chatId!, text: `收到，今天下午落实（${i}）`, mentions: [], createTime: NOW.getTime() }), APP);
  });
}

function helpMessages(fake: FakeFeishu, n: number): SignedRequest[] {
  return Array.from({ length: n }, (_, i) => signRequest(fake.userMessage({ senderOpenId: officials[i % officials.length].openId!, chatType: 'p2p', text: '帮助', createTime: NOW.getTime() }), APP));
}

interface Server {
  port: number;
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<Server> {
  server.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  return { port: (server.address() as { port: number }).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const bareHttp = () =>
  listen(
    http.createServer((req, res) => {
      void readBody(req).then(() => res.end('{}'));
    }),
  );

function bareKoa(): Promise<Server> {
  const app = new Koa();
  app.use(async (ctx) => {
    await readBody(ctx.req);
    ctx.body = {};
  });
  return listen(http.createServer(app.callback()));
}

/** The official SDK as its README shows it: verify the signature, decrypt, route to a handler. */
function sdk(handled: { n: number }): Promise<Server> {
  const dispatcher = new lark.EventDispatcher({ verificationToken: APP.verificationToken, encryptKey: APP.encryptKey, loggerLevel: lark.LoggerLevel.error }).register({
    'im.message.message_read_v1': async () => {
      handled.n++;
    },
  });
  return listen(http.createServer(lark.adaptDefault('/feishu/events', dispatcher, { autoChallenge: true })));
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0) : '—');

function table(rows: [string, Load][], koa: Load, bare: Load): void {
  console.log(`  ${'phase'.padEnd(48)} ${'req'.padStart(5)} ${'acks/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'/Koa'.padStart(6)} ${'/http'.padStart(6)} ${'RT/req'.padStart(7)}  not 200`);
  for (const [label, r] of rows) {
    console.log(`  ${label.padEnd(48)} ${String(r.sent).padStart(5)} ${r.perSec.toFixed(0).padStart(7)} ${f1(r.p50).padStart(7)} ${f1(r.p99).padStart(7)} ${(r.perSec / koa.perSec).toFixed(3).padStart(6)} ${(r.perSec / bare.perSec).toFixed(3).padStart(6)} ${(r.rtPerReq === undefined ? '—' : r.rtPerReq.toFixed(2)).padStart(7)}  ${r.bad}`);
  }
}

async function startService(dbUri: string, dbName: string, fake: FakeFeishu): Promise<{ service: Service; port: number }> {
  const config = loadConfig({
    FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret, FEISHU_VERIFICATION_TOKEN: APP.verificationToken, FEISHU_ENCRYPT_KEY: APP.encryptKey,
    FEISHU_DOMAIN: fake.url, MONGODB_URI: dbUri, ADMIN_TOKEN: 'bench-admin-token-123456', LOG_LEVEL: 'silent',
    // the outbox sends at Feishu's own limits, as deployed (the defaults: 50 messages a second per app, 5 per
    // chat): what the phases queue goes out behind them at that pace, as it would in the morning rush
  });
  const service = await buildService(config, { dbName, log: createLogger('silent'), clock: new FixedClock(NOW) });
  const port = await service.listen(0);
  await service.db.whenReady();
  await service.learnBot();
  const { models } = service.deps;
  await models.units.insertMany(ORG.units);
  await models.groups.insertMany(ORG.groups);
  await models.people.insertMany(ORG.people);
  service.deps.orgs.invalidate();
  return { service, port };
}

function showClicks(label: string, r: ClickResult, note = ''): void {
  console.log(`  ${label.padEnd(48)} ${String(r.sent).padStart(4)} clicks  p50 ${f1(r.p50).padStart(6)} ms  p99 ${f1(r.p99).padStart(6)} ms  max ${f1(r.max).padStart(6)} ms  RT/click ${r.rtPerReq.toFixed(2)}`);
  console.log(`    updated card ${r.updated}, holding toast ${r.holding}, errors ${r.errors}, applied once ${r.appliedOnce}/${r.sent}; commands per click${note}: ${r.rtDetail}`);
}

export async function run(): Promise<void> {
  const t0 = performance.now();
  const db = await startBenchDb('ingress');
  const fake = await FakeFeishu.start({ appId: APP.appId, appSecret: APP.appSecret, limits: { perChatPerSec: 10_000, perAppPerSec: 10_000, perAppPerMin: 1_000_000 } });
  const { service, port } = await startService(db.uri, db.dbName, fake);
  const handled = { n: 0 };
  const [bare, koa, lib] = await Promise.all([bareHttp(), bareKoa(), sdk(handled)]);
  const http20 = poster(Math.max(CONCURRENCY, ...CLICKS));
  const to = (p: number) => (r: SignedRequest) => http20.post(p, '/feishu/events', r);
  const rt = new RoundTrips(service.conn);
  try {
    console.log(`${new Date().toISOString()}  ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${CONCURRENCY} in flight, loopback, FerretDB ${process.env.MONGODB_URI ? '(MONGODB_URI)' : 'SQLite'}`);
    const cards = await prepareClicks({ service, fake, org: ORG, batches: [...CLICKS, MIXED_CLICKS], openTasks: OPEN_TASKS, now: NOW });
    console.log(`  set up: ${cards.tasks} fresh cards, ${cards.seeded} open tasks seeded (${((performance.now() - t0) / 1000).toFixed(0)} s)`);

    // warm-up: JIT, connections, the org snapshot, the claims' collections
    const sample = readEvents(1)[0];
    await drive(to(bare.port), Array(300).fill(sample), CONCURRENCY);
    await drive(to(koa.port), Array(300).fill(sample), CONCURRENCY);
    await drive(to(lib.port), readEvents(300), CONCURRENCY);
    await drive(to(port), readEvents(200), CONCURRENCY);
    await drive(to(port), helpMessages(fake, 50), CONCURRENCY);

    const helpReqs = helpMessages(fake, Math.floor(REQUESTS / 2));
    const phases = [
      { port: bare.port, reqs: Array(REQUESTS * 2).fill(sample) },
      { port: koa.port, reqs: Array(REQUESTS * 2).fill(sample) },
      { port: lib.port, reqs: readEvents(REQUESTS) },
      { port, reqs: readEvents(REQUESTS), rt: new RoundTrips(service.conn) },
      { port, reqs: chatter(fake, REQUESTS), rt: new RoundTrips(service.conn) },
      { port, reqs: helpReqs, rt: new RoundTrips(service.conn) },
      { port, reqs: Array(REQUESTS).fill(helpReqs[0]), rt: new RoundTrips(service.conn) }, // replays: the first 帮助 is handled in round 1's 帮助 slice
    ].map((p) => ({ ...p, slices: [] as Load[] }));
    handled.n = 0;
    const queuedBefore = await service.deps.models.outbox.estimatedDocumentCount();
    for (const p of phases) {
      p.rt?.start(); // counting from nothing, then only during its own slices
      p.rt?.pause();
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const p of phases) {
        const per = Math.ceil(p.reqs.length / ROUNDS);
        p.rt?.resume();
        p.slices.push(await drive(to(p.port), p.reqs.slice(round * per, (round + 1) * per), CONCURRENCY, PHASE_MS / ROUNDS));
        p.rt?.pause();
      }
    }
    const queued = (await service.deps.models.outbox.estimatedDocumentCount()) - queuedBefore;
    const [bareR, koaR, sdkR, read, chat, help, replay] = phases.map((p) => ({ ...merge(p.slices), ...(p.rt ? p.rt.stop(merge(p.slices).sent) : {}) }));
    const sdkNote = handled.n === sdkR.sent ? '' : `  (SDK handled ${handled.n} of ${sdkR.sent}!)`;

    console.log(`\n  events (signed, encrypted; ${ROUNDS} rounds of a slice of each phase; ratios to the bare handlers of the same rounds):`);
    table(
      [
        ['bare node:http: read body + JSON.parse', bareR],
        ['bare Koa: read body + JSON.parse', koaR],
        ['SDK adaptDefault+EventDispatcher: message_read', sdkR],
        ['dudao: message_read (not acted on)', read],
        ['dudao: group chatter (no @, not a reply)', chat],
        ['dudao: 帮助 (reply queued)', help],
        ['dudao: replays of a handled 帮助', replay],
      ],
      koaR,
      bareR,
    );
    console.log(`  ${sdkNote}replies queued by the 帮助 phase: ${queued} of ${help.sent}`);
    for (const [label, r] of [['message_read', read], ['chatter', chat], ['帮助', help], ['replay', replay]] as const) console.log(`    commands per request, ${label}: ${r.rtDetail || 'none'}`);

    console.log('\n  签收 pressed at once on fresh cards (signed, encrypted card callbacks):');
    const bench = { service, port, http: http20, rt, fake };
    for (const [i, n] of CLICKS.entries()) showClicks(`${n} officials at once`, await clickPhase(bench, cards.batches[i], NOW));
    const mixed = await mixedPhase(bench, cards.batches[CLICKS.length], NOW);
    showClicks(`${MIXED_CLICKS} at once while reminders run (${cards.seeded} open)`, mixed.clicks, ' (the job\'s included)');
    console.log(`    the reminders job: ${(mixed.jobMs / 1000).toFixed(1)} s, ${mixed.jobResult}; the clicks ran ${mixed.clicksWithin ? 'while it ran' : 'partly after it ended!'}`);
    console.log(`\n  whole ingress bench: ${((performance.now() - t0) / 1000).toFixed(0)} s; load now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  } finally {
    http20.close();
    await Promise.all([bare.close(), koa.close(), lib.close()]);
    await service.conn.dropDatabase().catch(() => undefined);
    await service.close();
    await fake.stop();
    await db.stop();
  }
}

runWhenMain(module, run);
