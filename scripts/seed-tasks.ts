/**
 * Writes realistic 督办事项 in bulk, for benchmarks and load trials (the reminders and summary benches
 * share it). Tasks get real codes (continuing each year's numbering), units and groups from the stored
 * organisation (the demo organisation is imported first when there is none), audit history, progress
 * reports, and a mix of states and deadlines around a reference moment.
 *
 *   tsx scripts/seed-tasks.ts --count 100000 [--db NAME] [--now 2026-10-15T09:00:00+08:00]
 *       [--states dispatched=8,in_progress=62,submitted=5,closed=20,cancelled=5]
 *       [--overdue 0.15] [--due-soon 0.1] [--ahead 90] [--back 180] [--strict 0.02] [--seed 1] [--clear]
 *
 * --overdue / --due-soon: shares of the open tasks whose deadline is already past (up to --back days) or
 * within the next 7 days; the rest fall due up to --ahead days out. Closed and cancelled tasks were
 * dispatched up to --back days before --now. --clear first removes tasks an earlier seeding wrote.
 * Database: MONGODB_URI (its path names the database unless --db), else the sandbox's FerretDB.
 */
import fs from 'node:fs';
import path from 'node:path';
import { connectMongo } from '../src/adapters/mongo/connection';
import { Locks } from '../src/adapters/mongo/lock';
import { defineModels, ensureIndexes, type Models } from '../src/adapters/mongo/models';
import type { TaskDoc } from '../src/adapters/mongo/models/tasks';
import type { Org } from '../src/domain/org';
import { TASK_STATES, taskCode, type AuditEntry, type ProgressReport, type TaskState } from '../src/domain/task';
import { addDays, localDate, zonedInstant } from '../src/domain/time';
import { importOrg, loadOrg, parseOrg, sandboxResolver } from '../src/org';
import { mongoForScripts } from './ferretdb';

export interface SeedOptions {
  count: number;
  db?: string;
  now: Date;
  tz: string;
  states: Record<TaskState, number>; // weights
  overdue: number;
  dueSoon: number;
  ahead: number;
  back: number;
  strict: number;
  seed: number;
  clear: boolean;
  batch: number;
}

export const DEFAULT_STATES: Record<TaskState, number> = { dispatched: 8, in_progress: 62, submitted: 5, closed: 20, cancelled: 5 };
export const SEED_ORIGIN = 'seed:';
export const USAGE = 'usage: tsx scripts/seed-tasks.ts --count N [--db NAME] [--now ISO] [--states dispatched=8,in_progress=62,submitted=5,closed=20,cancelled=5] [--overdue 0.15] [--due-soon 0.1] [--ahead 90] [--back 180] [--strict 0.02] [--seed 1] [--clear]';

export class SeedArgError extends Error {}

function num(name: string, v: string | undefined, min: number, max: number, int = false): number {
  const n = Number(v);
  if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
    throw new SeedArgError(`--${name}: expected ${int ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${v === undefined ? 'nothing' : `"${v}"`}`);
  }
  return n;
}

function parseStates(v: string | undefined): Record<TaskState, number> {
  const out = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
  for (const part of (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z_]+)=(\d+(?:\.\d+)?)$/.exec(part);
    if (!m || !(TASK_STATES as readonly string[]).includes(m[1])) throw new SeedArgError(`--states: expected weights such as dispatched=8,in_progress=62 over ${TASK_STATES.join(', ')}, got "${part}"`);
    out[m[1] as TaskState] = Number(m[2]);
  }
  if (!Object.values(out).some((w) => w > 0)) throw new SeedArgError('--states: at least one state needs a weight above 0');
  return out;
}

/** Reads the command line; a bad option is a SeedArgError naming it, before any database work. */
export function parseSeedArgs(argv: string[], now = new Date()): SeedOptions {
  const o: SeedOptions = { count: 0, now, tz: process.env.TIMEZONE || 'Asia/Shanghai', states: DEFAULT_STATES, overdue: 0.15, dueSoon: 0.1, ahead: 90, back: 180, strict: 0.02, seed: 1, clear: false, batch: 1000 };
  let count: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new SeedArgError(`${arg}: a value is missing`);
      return v;
    };
    switch (arg) {
      case '--count': count = num('count', value(), 1, 5_000_000, true); break;
      case '--db': {
        const v = value();
        if (!/^[A-Za-z0-9_-]{1,60}$/.test(v)) throw new SeedArgError(`--db: expected a database name of letters, digits, _ or -, got "${v}"`);
        o.db = v;
        break;
      }
      case '--now': {
        const v = value();
        if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v))) throw new SeedArgError(`--now: expected an ISO moment such as 2026-10-15T09:00:00+08:00, got "${v}"`);
        o.now = new Date(v);
        break;
      }
      case '--states': o.states = parseStates(value()); break;
      case '--overdue': o.overdue = num('overdue', value(), 0, 1); break;
      case '--due-soon': o.dueSoon = num('due-soon', value(), 0, 1); break;
      case '--ahead': o.ahead = num('ahead', value(), 8, 3650, true); break;
      case '--back': o.back = num('back', value(), 1, 3650, true); break;
      case '--strict': o.strict = num('strict', value(), 0, 1); break;
      case '--seed': o.seed = num('seed', value(), 0, 2 ** 31, true); break;
      case '--batch': o.batch = num('batch', value(), 1, 10_000, true); break;
      case '--clear': o.clear = true; break;
      default: throw new SeedArgError(`unknown option ${arg}`);
    }
  }
  if (count === undefined) throw new SeedArgError('--count is required');
  if (o.overdue + o.dueSoon > 1) throw new SeedArgError(`--overdue + --due-soon: the shares add up to ${o.overdue + o.dueSoon}, more than 1`);
  return { ...o, count };
}

/** mulberry32: small, fast and repeatable, so a seed gives the same data every time. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TITLES = ['推进茂盛路征迁扫尾', '整改住建领域安全隐患', '完成老旧小区改造年度任务', '化解重点信访积案', '推进河道综合治理工程', '落实巡视反馈问题整改', '加快重点项目用地报批', '开展燃气安全专项排查', '完成农村生活污水治理', '推进城市更新片区规划'];
const REPORTS = ['已完成现场摸排，正在制定方案', '已召开专题会议部署推进', '已完成过半工作量，剩余部分本周推进', '已协调相关部门联合办理', '已完成整改，正在整理佐证材料'];
const CATEGORIES = ['重点项目', '问题整改', '征迁', '信访', '巡视整改', '其他'];
const SOURCES = ['日常督导', '明察暗访', '领导交办', '调度会', '其他'] as const;
const PRIORITIES = ['一般', '一般', '重要', '紧急'] as const;

export interface SeedResult {
  inserted: number;
  byState: Record<string, number>;
  ms: number;
}

/** Writes `o.count` tasks. Units, groups and people come from `org`. */
export async function seedTasks(models: Models, org: Org, o: SeedOptions, onProgress?: (done: number) => void): Promise<SeedResult> {
  const t0 = Date.now();
  const rnd = prng(o.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const today = localDate(o.now, o.tz);
  const pairs = org.groups.filter((g) => g.kind === 'special').flatMap((g) => g.units.map((u) => ({ group: g.code, unit: u })));
  const coordination = org.groups.find((g) => g.kind === 'coordination');
  if (!pairs.length) throw new Error('the organisation has no special group with units: import one first (npm run org:import)');
  const dispatcherOf = (group: string) => org.supervisorsOf(group, '组长')[0]?.code ?? 'seed';
  const officialOf = (unit: string) => org.officialsOf(unit)[0]?.code ?? 'seed';
  const weights = Object.entries(o.states) as [TaskState, number][];
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const stateOf = () => {
    let r = rnd() * total;
    for (const [s, w] of weights) if ((r -= w) < 0) return s;
    return weights[weights.length - 1][0];
  };
  const at = (d: string, hour: number) => zonedInstant(d, `${String(hour).padStart(2, '0')}:00:00`, o.tz);
  const seqs = new Map<number, number>();
  const nextCode = async (year: number) => {
    if (!seqs.has(year)) {
      const counter = await models.counters.findById(`task:${year}`).lean<{ seq: number }>();
      seqs.set(year, counter?.seq ?? (await models.tasks.findOne({ year }, { seq: 1 }).sort({ seq: -1 }).lean<{ seq: number }>())?.seq ?? 0);
    }
    const seq = seqs.get(year)! + 1;
    seqs.set(year, seq);
    return { year, seq, code: taskCode(year, seq) };
  };
  const byState: Record<string, number> = {};
  const run = `${SEED_ORIGIN}${o.seed}:${Date.now().toString(36)}`;
  let batch: TaskDoc[] = [];
  let inserted = 0;
  for (let i = 0; i < o.count; i++) {
    const state = stateOf();
    const open = state === 'dispatched' || state === 'in_progress' || state === 'submitted';
    let deadline: string;
    let dispatchedOn: string;
    if (open) {
      const r = rnd();
      const offset = r < o.overdue ? -1 - Math.floor(rnd() * Math.min(60, o.back)) : r < o.overdue + o.dueSoon ? Math.floor(rnd() * 8) : 8 + Math.floor(rnd() * (o.ahead - 7));
      deadline = addDays(today, offset);
      dispatchedOn = addDays(today, -Math.floor(rnd() * 30) - (offset < 0 ? -offset : 0));
    } else {
      dispatchedOn = addDays(today, -1 - Math.floor(rnd() * o.back));
      deadline = addDays(dispatchedOn, 5 + Math.floor(rnd() * 40));
    }
    const { group, unit } = coordination && rnd() < 0.05 ? { group: coordination.code, unit: pick(pairs).unit } : pick(pairs);
    const dispatcher = dispatcherOf(group);
    const dispatchedAt = at(dispatchedOn, 9 + Math.floor(rnd() * 8));
    const history: AuditEntry[] = [{ seq: 1, at: dispatchedAt, by: dispatcher, action: 'dispatch' }];
    const reports: ProgressReport[] = [];
    let progress = 0;
    const official = officialOf(unit);
    if (state !== 'dispatched' && state !== 'cancelled') {
      history.push({ seq: 2, at: new Date(dispatchedAt.getTime() + 3_600_000), by: official, action: 'accept', before: { state: 'dispatched' }, after: { state: 'in_progress' } });
      for (let n = Math.floor(rnd() * 4); n > 0; n--) {
        progress = Math.min(100, progress + 10 + Math.floor(rnd() * 30));
        const when = new Date(dispatchedAt.getTime() + (reports.length + 1) * 86_400_000);
        reports.push({ at: when, by: official, unit, percent: progress, content: pick(REPORTS), evidence: [], via: 'card' });
        history.push({ seq: history.length + 1, at: when, by: official, action: 'progress', after: { progress } });
      }
    }
    const closedAt = state === 'closed' ? new Date(Math.min(at(addDays(deadline, Math.floor(rnd() * 8) - 5), 16).getTime(), o.now.getTime() - 3_600_000)) : undefined;
    if (state === 'closed') progress = 100;
    const { year, seq, code } = await nextCode(Number(dispatchedOn.slice(0, 4)));
    batch.push({
      _id: code, code, year, seq, origin: `${run}:${i}`, title: `${pick(TITLES)}（${i + 1}）`, content: '按期完成并反馈佐证材料', category: pick(CATEGORIES), source: pick(SOURCES), priority: pick(PRIORITIES),
      leadUnit: unit, coUnits: [], group, dispatcher, dispatchedAt, deadline, originalDeadline: deadline, milestones: [], state,
      acceptedAt: state !== 'dispatched' && state !== 'cancelled' ? new Date(dispatchedAt.getTime() + 3_600_000) : undefined,
      submittedAt: state === 'submitted' ? o.now : undefined, closedAt, cancelledAt: state === 'cancelled' ? new Date(dispatchedAt.getTime() + 86_400_000) : undefined,
      progress, reports, requests: [], returns: 0, strict: open && rnd() < o.strict, rev: history.length, history, owed: [], owedAt: null, schemaVersion: 1,
    } as TaskDoc);
    byState[state] = (byState[state] ?? 0) + 1;
    if (batch.length >= o.batch || i === o.count - 1) {
      // undefined fields are left out, as mongoose would store them
      const docs = batch.map((d) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)));
      await models.tasks.collection.insertMany(docs, { ordered: false });
      // the code counters continue after the seeded tasks (TaskStore takes codes from them)
      for (const [year, seq] of seqs) await models.counters.updateOne({ _id: `task:${year}` }, { $set: { seq } }, { upsert: true });
      inserted += batch.length;
      batch = [];
      onProgress?.(inserted);
    }
  }
  return { inserted, byState, ms: Date.now() - t0 };
}

/** The stored organisation, or the demo one imported when the database has none. */
export async function orgForSeeding(models: Models): Promise<Org> {
  if (!(await models.units.estimatedDocumentCount())) {
    const file = path.join(__dirname, 'demo-org.yaml');
    await importOrg(models, new Locks(models.locks), await parseOrg(fs.readFileSync(file), 'demo-org.yaml'), { resolver: sandboxResolver(), by: 'seed-tasks', now: new Date() });
  }
  return loadOrg(models);
}

/** Removes tasks an earlier seeding wrote (origin `seed:…`); tasks of real use are never touched. */
export async function clearSeeded(models: Models): Promise<number> {
  return (await models.tasks.deleteMany({ origin: { $regex: `^${SEED_ORIGIN}` } })).deletedCount;
}

async function main(argv: string[]): Promise<number> {
  let o: SeedOptions;
  try {
    o = parseSeedArgs(argv);
  } catch (e) {
    if (!(e instanceof SeedArgError)) throw e;
    console.error(`seed-tasks: ${e.message}\n${USAGE}`);
    return 2;
  }
  const db = await mongoForScripts();
  const conn = await connectMongo(db.uri, o.db);
  try {
    const models = defineModels(conn);
    await ensureIndexes(models);
    const org = await orgForSeeding(models);
    if (o.clear) console.log(`removed ${await clearSeeded(models)} seeded tasks`);
    let shown = 0;
    const r = await seedTasks(models, org, o, (n) => {
      if (n - shown >= 10_000 || n === o.count) console.log(`  ${n} / ${o.count}`), (shown = n);
    });
    console.log(`seeded ${r.inserted} tasks into ${conn.name} in ${(r.ms / 1000).toFixed(1)} s: ${Object.entries(r.byState).map(([s, n]) => `${s} ${n}`).join(', ')}`);
    return 0;
  } finally {
    await conn.close();
    await db.stop();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`seed-tasks: ${(e as Error).stack ?? e}`);
      process.exit(1);
    },
  );
}
