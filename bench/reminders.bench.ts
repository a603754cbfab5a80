import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { defineModels, ensureIndexes } from '../src/adapters/mongo/models';
import { FixedClock } from '../src/clock';
import { loadConfig } from '../src/config';
import { OPEN_STATES } from '../src/domain/task';
import { localDate } from '../src/domain/time';
import { reminderQueries, scanPlanOf } from '../src/features/reminders/job';
import { TASK_FIELDS } from '../src/features/reminders/messages';
import { createLogger } from '../src/log';
import { buildCore } from '../src/main';
import { startFerretDB } from '../scripts/ferretdb';
import { orgForSeeding, parseSeedArgs, seedTasks } from '../scripts/seed-tasks';
import { mb, measure, runWhenMain, type Measured } from './measure';

/**
 * The `reminders` job over 100,000 tasks seeded by scripts/seed-tasks.ts (75% open, 15% of those
 * overdue) on FerretDB: wall time and peak RSS of the first run (every reminder, letter and leader
 * report owed), of a second run at the same moment (all claimed) and of the next workday's; the ratio
 * of each to one indexed find over the same tasks; and `explain` of every query the job sends.
 *
 * Handlers: SQLite; PostgreSQL as well when DUDAO_FERRETDB_PG_URL names an existing database
 * (`psql -h 127.0.0.1 -U postgres -c 'create database dudao_bench'`). MONGODB_URI: that database only.
 * BENCH_TASKS changes the count.
 */
const COUNT = Number(process.env.BENCH_TASKS ?? 100_000);
const NOW = new Date('2026-10-15T09:00:00+08:00'); // Thursday, a week after 国庆
const NEXT = new Date('2026-10-16T09:00:00+08:00');
const TZ = 'Asia/Shanghai';

/** What a plan says about index use: SQLite (FerretDB), PostgreSQL (FerretDB) or MongoDB. */
function planSummary(e: Record<string, unknown>): string {
  const push = 'filterPushdown' in e ? ` filterPushdown=${e.filterPushdown}` : '';
  const qp = e.queryPlanner as Record<string, unknown> | undefined;
  const plan = qp?.Plan;
  if (Array.isArray(plan)) return `${plan.map((p) => String(p).replace(/^id=\d+ parent=\d+ notused=\d+ detail=/, '')).join('; ')}${push}`; // SQLite
  if (plan && typeof plan === 'object') {
    const nodes: string[] = [];
    const walk = (n: Record<string, unknown>) => {
      nodes.push(`${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}${n.Filter ? ` filter ${n.Filter}` : ''}`);
      for (const c of (n.Plans as Record<string, unknown>[] | undefined) ?? []) walk(c);
    };
    walk(plan as Record<string, unknown>);
    return `${nodes.join(' → ')}${push}`; // PostgreSQL
  }
  const stages: string[] = [];
  const walk = (s: Record<string, unknown> | undefined) => {
    if (!s) return;
    stages.push(`${s.stage}${s.indexName ? `(${s.indexName})` : ''}`);
    walk(s.inputStage as Record<string, unknown> | undefined);
    for (const x of (s.inputStages as Record<string, unknown>[] | undefined) ?? []) walk(x);
  };
  walk(qp?.winningPlan as Record<string, unknown> | undefined);
  return stages.join(' ← ') || JSON.stringify(e).slice(0, 200); // MongoDB
}

/** The commands the job sent, grouped; the query of each (find, update, delete, distinct) explained. */
async function explainAll(db: mongoose.mongo.Db, events: mongoose.mongo.CommandStartedEvent[]): Promise<void> {
  const tally = new Map<string, number>();
  const queries = new Map<string, { coll: string; filter: Record<string, unknown> }>();
  for (const e of events) {
    const c = e.command as Record<string, unknown>;
    const coll = String(e.commandName === 'getMore' ? c.collection : (c[e.commandName] ?? ''));
    const docs = e.commandName === 'insert' ? (c.documents as unknown[]).length : 1;
    tally.set(`${e.commandName} ${coll}`, (tally.get(`${e.commandName} ${coll}`) ?? 0) + docs);
    const filters: Record<string, unknown>[] =
      e.commandName === 'find' || e.commandName === 'distinct' || e.commandName === 'count' ? [(c.filter ?? c.query ?? {}) as Record<string, unknown>]
      : e.commandName === 'update' ? (c.updates as { q: Record<string, unknown> }[]).map((u) => u.q)
      : e.commandName === 'delete' ? (c.deletes as { q: Record<string, unknown> }[]).map((d) => d.q)
      : [];
    for (const filter of filters) {
      const shape = `${coll} ${JSON.stringify(filter, (_k, v) => (typeof v === 'string' || typeof v === 'number' || v instanceof Date ? typeof v : Array.isArray(v) ? ['…'] : v))}`;
      if (!queries.has(shape)) queries.set(shape, { coll, filter });
    }
  }
  console.log(`  commands sent by the first run: ${[...tally].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  console.log('  explain of every query it ran:');
  for (const { coll, filter } of queries.values()) {
    const shown = JSON.stringify(filter, (_k, v) => (Array.isArray(v) && v.length > 3 ? [...v.slice(0, 2), `…${v.length - 2} more`] : v));
    const e = await db.command({ explain: { find: coll, filter }, verbosity: 'queryPlanner' }).catch((err: Error) => ({ error: err.message }));
    console.log(`    ${coll} ${shown}\n      → ${'error' in e ? `explain failed: ${e.error}` : planSummary(e)}`);
  }
}

function vmHwm(pid?: number): string {
  if (!pid) return '—';
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? mb(Number(m[1]) * 1024) : '—';
}

interface Figures {
  label: string;
  baseline: number;
  query: number;
  first: number;
  again: number;
  next: number;
  other?: { plan: string; ms: number };
}

async function benchOne(label: string, uri: string, pid?: number): Promise<Figures> {
  console.log(`\n  — ${label}: ${COUNT} tasks —`);
  const dbName = `bench_reminders_${Date.now().toString(36)}`;
  const conn = mongoose.createConnection(uri, { dbName, autoIndex: false, maxPoolSize: 20, monitorCommands: true });
  await conn.asPromise();
  const events: mongoose.mongo.CommandStartedEvent[] = [];
  let recording = false;
  conn.getClient().on('commandStarted', (e) => recording && events.push(e));
  try {
    const models = defineModels(conn);
    await ensureIndexes(models);
    const org = await orgForSeeding(models);
    await measure(`seed ${COUNT} tasks`, () => seedTasks(models, org, parseSeedArgs(['--count', String(COUNT), '--now', NOW.toISOString(), '--seed', '11'])), (r) => Object.entries(r.byState).map(([s, n]) => `${s} ${n}`).join(', '));
    const core = await buildCore(loadConfig({ LOG_LEVEL: 'silent' }), { conn, log: createLogger('silent'), clock: new FixedClock(NOW) });
    const { deps, runner } = core;
    const count = async (qs: Record<string, unknown>[]) => {
      let n = 0;
      for (const q of qs) for await (const _ of models.tasks.collection.find(q, { projection: TASK_FIELDS, batchSize: 1000 })) n++;
      return n;
    };
    const baseline = await measure('baseline: find all open tasks (indexed)', () => count([{ state: { $in: [...OPEN_STATES] } }]), (n) => `${n} documents`);
    const plan = await scanPlanOf(deps);
    const today = localDate(NOW, TZ);
    const query = await measure(`the job's own query alone (${plan})`, () => count(reminderQueries(today, deps.cal, TZ, plan)), (n) => `${n} documents`);
    recording = true;
    const first = await measure('reminders, first run', () => runner.run('reminders', NOW), (r) => `${r.status} ${JSON.stringify(r.result ?? r.error)}`);
    recording = false;
    const again = await measure('reminders again at the same moment', () => runner.run('reminders', NOW), (r) => `${r.status} ${JSON.stringify(r.result ?? r.error)}`);
    const next = await measure('reminders the next workday', () => runner.run('reminders', NEXT), (r) => `${r.status} ${JSON.stringify(r.result ?? r.error)}`);
    const otherPlan = plan === 'one' ? 'split' : 'one';
    const other = await measure(`the query as '${otherPlan}' instead, for comparison`, () => count(reminderQueries(today, deps.cal, TZ, otherPlan)), (n) => `${n} documents`);
    console.log(`  FerretDB peak RSS (VmHWM): ${vmHwm(pid)}; outbox rows ${await models.outbox.estimatedDocumentCount()}, claims ${await models.reminderClaims.estimatedDocumentCount()}, letters ${await models.letters.estimatedDocumentCount()}`);
    const r = (x: Measured<unknown>) => `${(x.ms / baseline.ms).toFixed(2)}×`;
    console.log(`  ratios to the baseline find: job's query ${r(query)}, first run ${r(first)}, same moment again ${r(again)}, next workday ${r(next)}, other plan's query ${r(other)}`);
    await explainAll(conn.db!, events);
    return { label, baseline: baseline.ms, query: query.ms, first: first.ms, again: again.ms, next: next.ms, other: { plan: otherPlan, ms: other.ms } };
  } finally {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  }
}

export async function run(): Promise<void> {
  const all: Figures[] = [];
  if (process.env.MONGODB_URI) all.push(await benchOne(`MONGODB_URI`, process.env.MONGODB_URI));
  else {
    const handlers: ('sqlite' | 'postgresql')[] = process.env.DUDAO_FERRETDB_PG_URL ? ['sqlite', 'postgresql'] : ['sqlite'];
    for (const handler of handlers) {
      const dir = path.resolve(__dirname, '..', '.data', `bench-reminders-${handler}-${process.pid}`);
      const db = await startFerretDB({ dir, handler });
      try {
        all.push(await benchOne(`FerretDB 1.24 ${handler}`, db.uri, db.pid));
      } finally {
        await db.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  console.log('\n  summary (ms; × = to the baseline find over the same tasks)');
  for (const f of all) {
    const x = (ms: number) => `${ms.toFixed(0)} (${(ms / f.baseline).toFixed(2)}×)`;
    console.log(`  ${f.label.padEnd(22)} baseline ${f.baseline.toFixed(0)}; query ${x(f.query)}; first run ${x(f.first)}; again ${x(f.again)}; next workday ${x(f.next)}; '${f.other?.plan}' query ${x(f.other!.ms)}`);
  }
}

runWhenMain(module, run);
