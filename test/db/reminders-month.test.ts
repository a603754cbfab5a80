import type { NewTask } from '../../src/adapters/mongo/task-store';
import type { OutboxRow } from '../../src/app/outbox-item';
import { FixedClock } from '../../src/clock';
import type { Task } from '../../src/domain/task';
import { addDays, zonedInstant } from '../../src/domain/time';
import type { Core } from '../../src/main';
import { newTask } from '../support/factories';
import { twoInstances, describe as lines, NATIONAL_DAY_MONTH } from './reminders-support';

/**
 * The reminders job through 2026-09-14 … 10-20 on FerretDB, driven by JobRunner.run(name, at) every
 * calendar day at 09:00: holidays (中秋 09-25..27, 国庆 10-01..07, weekends) are skipped, the 调休
 * workdays (Sunday 09-20, Saturday 10-10) are not. Every day the job runs on two instances at once and
 * then once more at the same moment; the transcript shows each message exactly once.
 */
const TZ = 'Asia/Shanghai';
const at = (day: string, time = '09:00') => zonedInstant(day, time, TZ);
let close: () => Promise<void>;
let a: Core;
let b: Core;
const clock = new FixedClock(at('2026-09-14', '08:00'));
const transcript: string[] = [];
const statuses: string[] = [];

async function dispatch(over: Partial<NewTask>): Promise<string> {
  const [t] = await a.deps.tasks.create([{ task: newTask({ dispatchedAt: at('2026-09-14', '10:00'), priority: '重要', coUnits: [], ...over }), owed: () => [] }], 2026);
  return t.code;
}

async function update(code: string, changes: Partial<Task>): Promise<void> {
  await a.deps.tasks.change(code, (t) => ({ task: { ...t, ...changes, rev: t.rev + 1 }, result: null }));
}

const seen = new Set<string>();
async function newMessages(): Promise<OutboxRow[]> {
  const rows = (await a.deps.models.outbox.find().sort({ seq: 1 }).lean<OutboxRow[]>()).filter((r) => !seen.has(r._id));
  for (const r of rows) seen.add(r._id);
  return rows;
}

beforeAll(async () => {
  ({ a, b, close } = await twoInstances('reminders_month', clock));

  const A = await dispatch({ leadUnit: 'MSZ', group: 'G1', deadline: '2026-09-30', state: 'dispatched', priority: '紧急' });
  const B = await dispatch({ leadUnit: 'LDZ', group: 'G2', deadline: '2026-10-09', state: 'dispatched' });
  await dispatch({ leadUnit: 'ZJJ', group: 'G1', deadline: '2026-10-16', state: 'in_progress', progress: 80, strict: true });
  const D = await dispatch({ leadUnit: 'MSZ', group: 'G1', deadline: '2026-09-30', state: 'in_progress', progress: 80 });
  await dispatch({ leadUnit: 'MSZ', group: 'G1', deadline: '2026-09-20', state: 'cancelled' });
  await dispatch({ leadUnit: 'ZJJ', group: 'G1', deadline: '2026-09-22', state: 'submitted', progress: 100 });
  const after: Record<string, () => Promise<void>> = {
    '2026-09-15': () => update(A, { state: 'in_progress', progress: 80 }), // signed after the morning's 催签
    '2026-09-16': () => update(B, { state: 'in_progress', progress: 80 }), // signed after two
    '2026-09-24': () => update(D, { state: 'closed', closedAt: at('2026-09-24', '16:00'), progress: 100 }),
  };
  for (let day = '2026-09-14'; day <= '2026-10-20'; day = addDays(day, 1)) {
    clock.set(at(day));
    // two instances at the same moment, then the same moment once more
    const runs = await Promise.all([a.runner.run('reminders', at(day)), b.runner.run('reminders', at(day))]);
    runs.push(await a.runner.run('reminders', at(day)));
    statuses.push(`${day.slice(5)} ${runs.map((r) => r.status).join('/')}`);
    for (const r of await newMessages()) for (const l of lines(r)) transcript.push(`${day.slice(5)} ${l}`);
    await after[day]?.();
  }
}, 240_000);

afterAll(() => close());

const of = (code: string) => transcript.filter((l) => l.includes(code));

test('holidays and weekends are skipped, the 调休 workdays are not', () => {
  const ran = statuses.filter((s) => s.includes('ok')).map((s) => s.slice(0, 5));
  expect(ran).toEqual(expect.arrayContaining(['09-20', '10-10']));
  for (const off of ['09-19', '09-25', '09-26', '09-27', '10-01', '10-04', '10-07', '10-11', '10-17', '10-18']) expect(statuses).toContain(`${off} skipped/skipped/skipped`);
  // on a workday both instances ran or one was kept out by the job's lease; the third run found everything claimed
  for (const s of statuses.filter((x) => !x.includes('skipped/skipped/skipped'))) expect(s).toMatch(/ (ok\/ok|ok\/skipped|skipped\/ok)\/ok$/);
});

test('DB-2026-0001 (梅山镇, chat): 催签, T-3 before 中秋, T-1, due day, overdue daily with a copy to the group, 〔2026〕第1号 on Saturday 10-10, the leader at 7', () => {
  expect(of('DB-2026-0001')).toEqual(NATIONAL_DAY_MONTH['DB-2026-0001']);
});

test('DB-2026-0002 (罗东镇, no chat: its 联络员 directly): 催签 twice, due 10-09, 〔2026〕第2号 to the 联络员 (no 负责人) and 组长, the leader at 7', () => {
  expect(of('DB-2026-0002')).toEqual(NATIONAL_DAY_MONTH['DB-2026-0002']);
});

test('DB-2026-0003 (strict, 有所不为): a workday earlier, every reminder copied to the 组长, the letter at 2 workdays overdue', () => {
  const due = (day: string, reason: string) => [`${day} oc_zjj DB-2026-0003 due ${reason}`, `${day} ou_sup1 cc 住建局 DB-2026-0003 due ${reason}`];
  expect(of('DB-2026-0003')).toEqual([
    ...due('10-12', '剩 4 个工作日'),
    ...due('10-14', '剩 2 个工作日'),
    ...due('10-15', '剩 1 个工作日'),
    ...due('10-16', '今日到期'),
    '10-19 oc_zjj DB-2026-0003 overdue 已超期 1 个工作日',
    '10-19 oc_g1 cc 住建局 DB-2026-0003 overdue 已超期 1 个工作日',
    '10-19 ou_sup1 cc 住建局 DB-2026-0003 overdue 已超期 1 个工作日',
    '10-20 oc_zjj DB-2026-0003 overdue 已超期 2 个工作日',
    '10-20 oc_g1 cc 住建局 DB-2026-0003 overdue 已超期 2 个工作日',
    '10-20 ou_sup1 cc 住建局 DB-2026-0003 overdue 已超期 2 个工作日',
    '10-20 ou_off2 letter 〔2026〕第3号 DB-2026-0003',
    '10-20 ou_sup1 letter 〔2026〕第3号 DB-2026-0003',
  ]);
});

test('closed, cancelled and submitted tasks get nothing once they are', () => {
  expect(of('DB-2026-0004')).toEqual(['09-24 oc_msz DB-2026-0004 due 剩 3 个工作日']); // closed that afternoon
  expect(of('DB-2026-0005')).toEqual([]);
  expect(of('DB-2026-0006')).toEqual([]);
});

test("a unit's reminders of one day come as one card; an urgent item due or overdue is sent 加急", async () => {
  const rows = await a.deps.models.outbox.find({ 'to.id': 'oc_msz' }).lean<OutboxRow[]>();
  const perDay = new Map<string, number>();
  for (const r of rows) {
    const day = transcript.find((l) => l.includes('oc_msz') && lines(r).some((x) => l.endsWith(x)))!.slice(0, 5);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  expect(perDay.get('09-24')).toBe(1); // 0001 and 0004 on one card
  expect(Math.max(...perDay.values())).toBe(1);
  const urgent = rows.filter((r) => r.urgentTo?.length);
  expect(urgent.length).toBe(11); // 0001 is 紧急: its due day and its ten overdue days
  expect(urgent[0].urgentTo!.sort()).toEqual(['ou_off1', 'ou_off1h']);
  const letters = await a.deps.models.outbox.find({ 'to.id': 'ou_off1h' }).lean<OutboxRow[]>();
  expect(letters.map((r) => r.urgentTo)).toEqual([['ou_off1h']]);
});

test('letters are numbered without gaps, one per task and deadline', async () => {
  const letters = await a.deps.models.letters.find().sort({ number: 1 }).lean();
  expect(letters.map((l) => [l._id, l.code, l.deadline, l.issuedOn, l.overdueWorkdays])).toEqual([
    ['2026-1', 'DB-2026-0001', '2026-09-30', '2026-10-10', 3],
    ['2026-2', 'DB-2026-0002', '2026-10-09', '2026-10-13', 3],
    ['2026-3', 'DB-2026-0003', '2026-10-16', '2026-10-20', 2],
  ]);
  expect(await a.deps.models.reminderRuns.countDocuments({ state: 'started' })).toBe(0);
});
