import type { OutboxRow } from '../../src/app/outbox-item';
import { FixedClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { zonedInstant } from '../../src/domain/time';
import { createLogger } from '../../src/log';
import { buildCore, type Core } from '../../src/main';
import { JobRunner, workdaysOnly, type JobDef } from '../../src/jobs/runner';
import { newTask } from '../support/factories';
import { orgData } from '../support/factories';
import { openTestDb, type TestDb } from '../support/db';
import { digestItems } from './reminders-support';

/** Catch-up after downtime or a clock move: a slot is about its own moment, and a newer run replaces an older slot. */
const TZ = 'Asia/Shanghai';
const at = (day: string, time = '09:00') => zonedInstant(day, time, TZ);
let db: TestDb;
let core: Core;
const clock = new FixedClock(at('2026-12-01'));

beforeAll(async () => {
  db = await openTestDb('catchup');
  core = await buildCore(loadConfig({}), { conn: db.conn, log: createLogger('silent'), clock });
  await db.models.units.insertMany(orgData.units);
  await db.models.groups.insertMany(orgData.groups);
  await db.models.people.insertMany(orgData.people);
});
afterAll(() => db.drop());

function recording(name: string, seen: string[], over: Partial<JobDef> = {}): JobDef {
  return { name, description: 'test', when: workdaysOnly, run: async ({ at: t }) => (seen.push(t.toISOString()), {}), ...over };
}
const runsOf = async (name: string) => (await db.models.jobRuns.find({ name }).sort({ slot: 1 }).lean()).map((r) => [r.slot.toISOString(), r.trigger, r.status, (r.result as { reason?: string } | undefined)?.reason ?? '']);

describe('a daily job after a jump of two days', () => {
  test('only the newest due slot sends; the older one is recorded as superseded and not offered again', async () => {
    const seen: string[] = [];
    const r = new JobRunner(core.deps, [recording('daily', seen)], { daily: '0 9 * * *' });
    await r.tick(new Date('2026-12-01T09:00:10+08:00'));
    const plan = await r.plan(new Date('2026-12-03T10:00:00+08:00'));
    expect(plan.map((p) => [p.slot.toISOString(), p.action])).toEqual([
      ['2026-12-02T01:00:00.000Z', 'superseded'],
      ['2026-12-03T01:00:00.000Z', 'run'],
    ]);
    await r.tick(new Date('2026-12-03T10:00:00+08:00'));
    await r.tick(new Date('2026-12-03T10:01:00+08:00'));
    expect(seen).toEqual(['2026-12-01T01:00:00.000Z', '2026-12-03T01:00:00.000Z']);
    const runs = await runsOf('daily');
    expect(runs[1]).toEqual(['2026-12-02T01:00:00.000Z', 'catch-up', 'skipped', '已被 2026-12-03 09:00 的运行取代：补跑只发最新一次']);
    expect(runs[2]).toEqual(['2026-12-03T01:00:00.000Z', 'catch-up', 'ok', '']);
  });

  test('a manual run at a later moment replaces the missed slots before it (no stale card after a newer one)', async () => {
    const seen: string[] = [];
    const r = new JobRunner(core.deps, [recording('manual-first', seen)], { 'manual-first': '0 9 * * *' });
    await r.tick(new Date('2026-12-07T09:00:10+08:00'));
    await r.run('manual-first', new Date('2026-12-09T10:00:00+08:00'), { trigger: 'manual' }); // `job reminders` after moving the clock
    await r.tick(new Date('2026-12-09T10:00:30+08:00'));
    expect(seen).toEqual(['2026-12-07T01:00:00.000Z', '2026-12-09T02:00:00.000Z']);
    expect((await runsOf('manual-first')).filter((x) => x[1] !== 'manual').map((x) => [x[0], x[2]])).toEqual([
      ['2026-12-07T01:00:00.000Z', 'ok'],
      ['2026-12-08T01:00:00.000Z', 'skipped'],
      ['2026-12-09T01:00:00.000Z', 'skipped'],
    ]);
  });

  test('a slot that would not act (a holiday) never supersedes one that does; an `each` job runs every slot', async () => {
    const seen: string[] = [];
    // 2026-10-01…07 are holidays: the 09-30 slot acts, the holiday slots after it do not
    const r = new JobRunner(core.deps, [recording('holiday', seen), recording('each', seen, { catchUp: 'each', when: undefined })], { holiday: '0 9 * * *', each: '0 9 * * *' });
    await r.tick(new Date('2026-09-29T09:00:10+08:00'));
    await r.tick(new Date('2026-10-01T10:00:00+08:00'));
    expect(seen).toEqual(['2026-09-29T01:00:00.000Z', '2026-09-29T01:00:00.000Z', '2026-09-30T01:00:00.000Z', '2026-09-30T01:00:00.000Z', '2026-10-01T01:00:00.000Z']);
  });
});

describe('reminders: a slot caught up late', () => {
  test('leaves out a task dispatched after its own moment', async () => {
    const deadline = '2026-12-16'; // 3 workdays after 12-11 (Fri): 即将到期 on the 12-11 slot
    const mk = (dispatchedAt: Date) => ({ task: newTask({ leadUnit: 'MSZ', group: 'G1', coUnits: [], state: 'in_progress', deadline, dispatchedAt }), owed: () => [] });
    const [early, late] = (await core.deps.tasks.create([mk(at('2026-12-10', '15:00')), mk(at('2026-12-11', '10:00'))], 2026)).map((t) => t.code);
    const r = new JobRunner(core.deps, [core.runner.get('reminders')], { reminders: '0 9 * * *' });
    await r.tick(new Date('2026-12-10T09:00:10+08:00'));
    await db.models.outbox.deleteMany({});
    await r.tick(new Date('2026-12-11T10:05:00+08:00')); // the 09:00 slot, caught up at 10:05
    const rows = await db.models.outbox.find({ 'content.header.title.content': '每日督办提醒' }).lean<OutboxRow[]>();
    const codes = rows.flatMap((x) => digestItems(x.content).map((i) => i.code));
    expect(codes).toContain(early);
    expect(codes).not.toContain(late);
  });
});
