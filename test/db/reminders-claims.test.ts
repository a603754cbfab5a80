import { messageKey } from '../../src/app/keys';
import type { OutboxRow } from '../../src/app/outbox-item';
import type { LetterDoc } from '../../src/adapters/mongo/models/letters';
import type { ReminderClaimDoc } from '../../src/adapters/mongo/models/reminder-claims';
import type { NewTask } from '../../src/adapters/mongo/task-store';
import type { AppDeps } from '../../src/app/deps';
import { FixedClock } from '../../src/clock';
import { claimKey } from '../../src/domain/reminders';
import type { Task } from '../../src/domain/task';
import { localDate, zonedInstant } from '../../src/domain/time';
import { cleanupJob } from '../../src/jobs/cleanup';
import { remindersJob, RemindersOptionsError, scanPlanOf } from '../../src/features/reminders/job';
import type { Core } from '../../src/main';
import { newTask } from '../support/factories';
import { twoInstances, describe as lines, digestItems } from './reminders-support';

/** Claims, letters and runs on FerretDB: concurrency without the job lock, extensions, stopped runs, bad data. */
const TZ = 'Asia/Shanghai';
const at = (day: string, time = '09:00') => zonedInstant(day, time, TZ);
const clock = new FixedClock(at('2026-10-12'));
let close: () => Promise<void>;
let a: Core;
let b: Core;
const job = remindersJob();
const run = (deps: AppDeps, day: string) => job.run({ at: at(day), today: day, force: false, deps });

async function reset(): Promise<void> {
  const { tasks, outbox, reminderClaims, reminderRuns, letters } = a.deps.models;
  for (const m of [tasks, outbox, reminderClaims, reminderRuns, letters]) await m.collection.deleteMany({});
}

async function dispatch(n: number, over: Partial<NewTask> = {}): Promise<string[]> {
  const items = Array.from({ length: n }, (_, i) => ({ task: newTask({ leadUnit: ['MSZ', 'ZJJ', 'ZRZYJ'][i % 3], group: 'G1', coUnits: [], state: 'in_progress', deadline: '2026-09-30', priority: '一般', dispatchedAt: at('2026-09-14', '10:00'), ...over }), owed: () => [] }));
  return (await a.deps.tasks.create(items, 2026)).map((t) => t.code);
}

const rows = () => a.deps.models.outbox.find().sort({ seq: 1 }).lean<OutboxRow[]>();

beforeAll(async () => {
  ({ a, b, close } = await twoInstances('reminders_claims', clock));
});

afterAll(() => close());

beforeEach(reset);

test('two instances running at the same moment without the job lock: each reminder once, letters 1…N without gaps', async () => {
  const codes = await dispatch(90); // 3 workdays overdue on 10-10: each is owed an overdue notice and a letter
  const [r1, r2] = await Promise.all([run(a.deps, '2026-10-10'), run(b.deps, '2026-10-10')]);
  expect(Number(r1.overdue) + Number(r2.overdue)).toBe(90);
  expect(Number(r1.letters) + Number(r2.letters)).toBe(90);
  const all = await rows();
  const unitItems = all.filter((r) => r.to?.type === 'chat_id' && r.to.id !== 'oc_g1').flatMap((r) => digestItems(r.content).map((i) => i.code));
  expect(unitItems.sort()).toEqual([...codes].sort()); // every task once, on one card or the other
  const letters = await a.deps.models.letters.find().sort({ number: 1 }).lean<LetterDoc[]>();
  expect(letters.map((l) => l.number)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
  expect(new Set(letters.map((l) => l.code)).size).toBe(90);
  // once more, on either: nothing new
  await Promise.all([run(a.deps, '2026-10-10'), run(b.deps, '2026-10-10')]);
  expect((await rows()).length).toBe(all.length);
}, 60_000);

test('an approved extension starts again: a new letter with the next number; a closed task gets no leader report', async () => {
  const [x, y] = await dispatch(2, { progress: 90 });
  await run(a.deps, '2026-10-10'); // both 3 overdue: 第1号, 第2号
  await a.deps.tasks.change(x, (t: Task) => ({ task: { ...t, deadline: '2026-10-13', rev: t.rev + 1 }, result: null }));
  await a.deps.tasks.change(y, (t: Task) => ({ task: { ...t, state: 'closed', closedAt: at('2026-10-12', '15:00'), rev: t.rev + 1 }, result: null }));
  for (const day of ['2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15', '2026-10-16', '2026-10-19']) await run(a.deps, day);
  const letters = await a.deps.models.letters.find().sort({ number: 1 }).lean<LetterDoc[]>();
  expect(letters.map((l) => `${l.code} ${l.deadline} ${l.issuedOn}`)).toEqual([`${x} 2026-09-30 2026-10-10`, `${y} 2026-09-30 2026-10-10`, `${x} 2026-10-13 2026-10-16`]);
  const xLines = (await rows()).flatMap(lines).filter((l) => l.includes(x) && l.startsWith('oc_'));
  expect(xLines.filter((l) => !l.includes(' cc '))).toEqual([`oc_msz ${x} overdue 已超期 3 个工作日`, `oc_msz ${x} due 剩 1 个工作日`, `oc_msz ${x} due 今日到期`, `oc_msz ${x} overdue 已超期 1 个工作日`, `oc_msz ${x} overdue 已超期 2 个工作日`, `oc_msz ${x} overdue 已超期 3 个工作日`, `oc_msz ${x} overdue 已超期 4 个工作日`]);
  expect((await rows()).flatMap(lines).filter((l) => l.includes('leader'))).toEqual([]);
}, 60_000);

describe('a run that stopped half-way is finished by the next one', () => {
  const stopped = async (id: string, day: string, minutesAgo: number) => {
    await a.deps.models.reminderRuns.collection.insertOne({ _id: id, day, at: at(day), startedAt: new Date(Date.now() - minutesAgo * 60_000), state: 'started', owner: 'dead' } as never);
  };
  const claim = (code: string, kind: string, key: string, runId: string, unit = 'MSZ'): ReminderClaimDoc => ({ _id: claimKey(code, kind as never, key), kind, code, unit, group: 'G1', day: '2026-10-12', once: kind === 'leader' || kind === 'letter', run: runId, createdAt: new Date() });

  test('its claims of today go out under its keys, its letters are sent again, a claimed letter never issued is issued', async () => {
    const [x, y, z, w] = await dispatch(4, { leadUnit: 'MSZ' });
    await stopped('2026-10-12:dead', '2026-10-12', 45);
    await a.deps.models.reminderClaims.collection.insertMany([claim(x, 'overdue', '2026-10-12', '2026-10-12:dead'), claim(y, 'overdue', '2026-10-12', '2026-10-12:dead'), claim(y, 'letter', '2026-09-30', '2026-10-12:dead'), claim(z, 'letter', '2026-09-30', '2026-10-12:dead')] as never[]);
    // it had issued y's letter (第1号) and queued x's and y's digest before stopping
    await a.deps.models.letters.collection.insertOne({ _id: '2026-1', year: 2026, number: 1, code: y, title: '推进茂盛路征迁扫尾', deadline: '2026-09-30', unit: 'MSZ', group: 'G1', issuedOn: '2026-10-12', overdueWorkdays: 4, run: '2026-10-12:dead', createdAt: new Date() } as never);
    await a.deps.outbox.put([{ key: messageKey('digest', '2026-10-12:dead', 'MSZ', 'oc_msz'), kind: 'send', to: { type: 'chat_id', id: 'oc_msz' }, msgType: 'interactive', content: { queued: 'before the stop' } }]);
    const r = await run(a.deps, '2026-10-12');
    expect(r).toMatchObject({ recovered: 1, overdue: 4, letters: 3 }); // x's and w's own, and z's that the stopped run claimed
    const all = await rows();
    const msz = all.filter((m) => m.to?.id === 'oc_msz');
    expect(msz.length).toBe(2); // the stopped run's card for x and y (queued already, not again) and this run's for z and w
    expect(msz[0].content).toEqual({ queued: 'before the stop' });
    expect(digestItems(msz[1].content).map((i) => i.code)).toEqual([z, w]);
    const letterLines = all.flatMap(lines).filter((l) => l.startsWith('ou_off1h letter'));
    expect(letterLines.sort()).toEqual([`ou_off1h letter 〔2026〕第1号 ${y}`, `ou_off1h letter 〔2026〕第2号 ${x}`, `ou_off1h letter 〔2026〕第3号 ${z}`, `ou_off1h letter 〔2026〕第4号 ${w}`]);
    expect(await a.deps.models.reminderRuns.findById('2026-10-12:dead').lean()).toMatchObject({ state: 'recovered' });
    expect(await a.deps.models.reminderRuns.countDocuments({ state: 'started' })).toBe(0);
  }, 60_000);

  test('a letter claimed by a run that stopped is issued later, even after other runs finished', async () => {
    const [x] = await dispatch(1, { progress: 90 });
    await run(a.deps, '2026-10-09'); // 2 overdue: no letter yet
    await stopped('2026-10-10:dead', '2026-10-10', 0.5); // claimed x's letter, then stopped; too recent to be taken as stopped (the lease: a minute)
    await a.deps.models.reminderClaims.collection.insertOne(claim(x, 'letter', '2026-09-30', '2026-10-10:dead') as never);
    expect(await run(a.deps, '2026-10-10')).toMatchObject({ letters: 0, recovered: 0 });
    await a.deps.models.reminderRuns.collection.updateOne({ _id: '2026-10-10:dead' } as never, { $set: { startedAt: new Date(Date.now() - 3_600_000) } });
    expect(await run(a.deps, '2026-10-12')).toMatchObject({ letters: 1, recovered: 1, since: '2026-10-09' });
    expect((await rows()).flatMap(lines).filter((l) => l.includes('letter'))).toEqual([`ou_off1h letter 〔2026〕第1号 ${x}`, `ou_sup1 letter 〔2026〕第1号 ${x}`]);
    expect(await run(a.deps, '2026-10-13')).toMatchObject({ letters: 0, since: '2026-10-12' });
  });

  test("yesterday's daily claims are not sent late; a run younger than the lease is left alone", async () => {
    const [x] = await dispatch(1, { deadline: '2026-10-09' }); // 2 workdays overdue on 10-12: no letter yet
    await stopped('2026-10-09:dead', '2026-10-09', 24 * 60);
    await stopped('2026-10-12:alive', '2026-10-12', 0.5); // within the lease (a minute)
    await a.deps.models.reminderClaims.collection.insertMany([{ ...claim(x, 'overdue', '2026-10-09', '2026-10-09:dead'), day: '2026-10-09' }, claim(x, 'overdue', '2026-10-12', '2026-10-12:alive')] as never[]);
    const r = await run(a.deps, '2026-10-12');
    expect(r).toMatchObject({ recovered: 1, overdue: 0 });
    expect(await rows()).toEqual([]);
    expect(await a.deps.models.reminderRuns.findById('2026-10-12:alive').lean()).toMatchObject({ state: 'started' });
  });
});

test('both ways of reading the tasks owe the same reminders; the database says which to use', async () => {
  await dispatch(3, { deadline: '2026-10-13' }); // due1 on 10-12
  await dispatch(3, { deadline: '2026-09-30', state: 'dispatched' }); // overdue and unsigned
  await dispatch(3, { deadline: '2026-12-31', state: 'dispatched' }); // unsigned only
  await dispatch(3, { deadline: '2026-09-30', state: 'submitted' }); // nothing
  const counts = (r: Record<string, unknown>) => ({ tasks: r.tasks, sign: r.sign, due1: r.due1, overdue: r.overdue, letters: r.letters, leaders: r.leaders });
  const one = await remindersJob({ scan: 'one' }).run({ at: at('2026-10-12'), today: '2026-10-12', force: false, deps: a.deps });
  for (const m of [a.deps.models.reminderClaims, a.deps.models.reminderRuns, a.deps.models.letters]) await m.collection.deleteMany({});
  const split = await remindersJob({ scan: 'split' }).run({ at: at('2026-10-12'), today: '2026-10-12', force: false, deps: a.deps });
  expect(counts(split)).toEqual(counts(one));
  expect(counts(one)).toEqual({ tasks: 9, sign: 6, due1: 3, overdue: 3, letters: 3, leaders: 0 });
  expect(await scanPlanOf(a.deps)).toBe(process.env.DUDAO_FERRETDB_HANDLER === 'postgresql' ? 'split' : 'one');
});

test('a task with a broken deadline is skipped and named; the others are reminded', async () => {
  await dispatch(1);
  // written around the schema: 09-31 does not exist
  await a.deps.models.tasks.collection.insertOne({ ...newTask({ deadline: '2026-09-31', state: 'in_progress', dispatchedAt: at('2026-09-14', '10:00') }), code: 'DB-2026-9999', year: 2026, seq: 9999, rev: 1, history: [], owed: [], owedAt: null } as never);
  const r = await run(a.deps, '2026-10-12');
  expect(r).toMatchObject({ skipped: 1, overdue: 1 });
});

test('owed with nobody to send to is counted and logged, not lost silently', async () => {
  const { units, groups, people } = a.deps.models;
  await units.collection.insertOne({ code: 'NOC', name: '无群单位', kind: 'township', aliases: [], active: true } as never);
  await people.collection.insertMany([{ code: 'PX', name: '无号联络员', roles: [{ kind: 'official', unit: 'NOC', position: '联络员' }], active: true }, { code: 'PL3', name: '无号市领导', roles: [{ kind: 'cityLeader' }], active: true }] as never[]);
  await groups.collection.insertOne({ code: 'G3', name: '第三专项督导组', kind: 'special', cityLeader: 'PL3', units: ['NOC'], active: true } as never);
  a.deps.orgs.invalidate();
  try {
    await dispatch(1, { leadUnit: 'NOC', group: 'G3', deadline: '2026-09-10', dispatchedAt: at('2026-09-01', '10:00') }); // 11 workdays overdue on 10-12
    const r = await run(a.deps, '2026-10-12');
    // the unit's overdue notice, its letter (no 负责人, 联络员 or 组长 with an open_id) and the leader report
    expect(r).toMatchObject({ overdue: 1, letters: 1, leaders: 1, undeliverable: 3 });
  } finally {
    await units.collection.deleteOne({ code: 'NOC' });
    await people.collection.deleteMany({ code: { $in: ['PX', 'PL3'] } });
    await groups.collection.deleteOne({ code: 'G3' });
    a.deps.orgs.invalidate();
  }
});

test('a new year numbers from 〔2027〕第1号', async () => {
  await a.deps.models.letters.collection.insertOne({ _id: '2026-7', year: 2026, number: 7, code: 'DB-2026-0999', title: 't', deadline: '2026-12-01', unit: 'MSZ', group: 'G1', issuedOn: '2026-12-04', overdueWorkdays: 3, run: 'r', createdAt: new Date() } as never);
  const [x] = await dispatch(1, { deadline: '2026-12-30' });
  await run(a.deps, '2027-01-05');
  expect((await rows()).flatMap(lines).filter((l) => l.includes('letter'))).toEqual([`ou_off1h letter 〔2027〕第1号 ${x}`, `ou_sup1 letter 〔2027〕第1号 ${x}`]);
});

test('cleanup removes old daily claims and keeps the per-deadline ones', async () => {
  const old = new Date(Date.now() - 20 * 86_400_000);
  const doc = (id: string, once: boolean, createdAt: Date) => ({ _id: id, kind: once ? 'leader' : 'overdue', code: 'DB-2026-0001', unit: 'MSZ', group: 'G1', day: localDate(createdAt, TZ), once, run: 'r', createdAt });
  await a.deps.models.reminderClaims.collection.insertMany([doc('old-daily', false, old), doc('old-once', true, old), doc('new-daily', false, new Date())] as never[]);
  const r = await cleanupJob({ eventRetentionMs: 86_400_000 }).run({ at: at('2026-10-12'), today: '2026-10-12', force: false, deps: a.deps });
  expect(r.claims).toBe(1);
  expect((await a.deps.models.reminderClaims.find({}, { _id: 1 }).lean()).map((c) => c._id).sort()).toEqual(['new-daily', 'old-once']);
});

test('bad job options are refused with a clear error', () => {
  expect(() => remindersJob({ ladder: { letterAt: 1, leaderAt: 7 } })).toThrow(RemindersOptionsError);
  expect(() => remindersJob({ ladder: { letterAt: 3, leaderAt: 3 } })).toThrow('leaderAt must be a whole number of workdays after letterAt (3), got 3');
  expect(() => remindersJob({ batch: 0 })).toThrow('batch must be a whole number from 1 to 10000, got 0');
  expect(() => remindersJob({ leaseMs: 10 })).toThrow('leaseMs must be at least 1000, got 10');
  expect(() => remindersJob({ scan: 'fast' as never })).toThrow('scan must be auto, one or split, got "fast"');
});
