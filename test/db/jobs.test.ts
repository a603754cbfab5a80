import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { FixedClock } from '../../src/clock';
import { DEFAULT_SCHEDULES, loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildCore, type Core } from '../../src/main';
import { JobRunner, UnknownJob, workdaysOnly, type JobDef } from '../../src/jobs/runner';
import { openTestDb, type TestDb } from '../support/db';

let db: TestDb;
let core: Core;
const clock = new FixedClock(new Date('2026-12-01T10:00:00+08:00'));

beforeAll(async () => {
  db = await openTestDb('jobs');
  core = await buildCore(loadConfig({}), { conn: db.conn, log: createLogger('silent'), clock });
});
afterAll(() => db.drop());

function counting(name: string, seen: Date[], delayMs = 30): JobDef {
  return {
    name,
    description: 'test',
    when: workdaysOnly,
    async run({ at }) {
      seen.push(at);
      await new Promise((r) => setTimeout(r, delayMs));
      return { n: seen.length };
    },
  };
}

describe('job runner', () => {
  test('two runners on one database, the same slot: one run', async () => {
    const seen: Date[] = [];
    const schedules = { probe: '0 9 * * *' };
    const a = new JobRunner(core.deps, [counting('probe', seen)], schedules);
    // a second instance: its own lock owner
    const { Locks } = await import('../../src/adapters/mongo/lock');
    const b = new JobRunner({ ...core.deps, locks: new Locks(db.models.locks) }, [counting('probe', seen)], schedules);
    const at = new Date('2026-12-01T09:00:30+08:00');
    await Promise.all([a.tick(at), b.tick(at), a.tick(at), b.tick(at)]);
    expect(seen.map((d) => d.toISOString())).toEqual(['2026-12-01T01:00:00.000Z']); // the 09:00 slot, once
    const runs = await db.models.jobRuns.find({ name: 'probe' }).lean();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'ok', trigger: 'schedule' });
  });

  test('a slot missed while no instance ran is caught up at start, once', async () => {
    const seen: Date[] = [];
    const r = new JobRunner(core.deps, [counting('late', seen)], { late: '0 9 * * *' });
    await r.tick(new Date('2026-12-02T15:00:00+08:00'));
    await r.tick(new Date('2026-12-02T15:01:00+08:00'));
    expect(seen.map((d) => d.toISOString())).toEqual(['2026-12-02T01:00:00.000Z']);
    expect((await db.models.jobRuns.findOne({ name: 'late' }).lean())!.trigger).toBe('catch-up');
  });

  test('every missed slot in the window is caught up, oldest first, each with its own moment', async () => {
    // monthly-summary's own when-check: the first workday of December 2026 is Tuesday the 1st
    const seen: Date[] = [];
    const real = core.runner.get('monthly-summary');
    const job: JobDef = { ...real, run: async ({ at }) => (seen.push(at), {}) };
    const r = new JobRunner(core.deps, [job], DEFAULT_SCHEDULES);
    await r.tick(new Date('2026-11-10T09:00:10+08:00')); // the last slot run before the outage
    // all instances down from 08:00 on 1 December until 10:00 on the 2nd
    await r.tick(new Date('2026-12-02T10:00:00+08:00'));
    await r.tick(new Date('2026-12-02T10:01:00+08:00'));
    expect(seen.map((d) => d.toISOString())).toEqual(['2026-12-01T01:00:00.000Z']); // the summary is sent
    const runs = await db.models.jobRuns.find({ name: 'monthly-summary' }).sort({ slot: 1 }).lean();
    expect(runs.map((x) => [x.slot.toISOString(), x.trigger, x.status])).toEqual([
      ['2026-11-10T01:00:00.000Z', 'schedule', 'skipped'],
      ['2026-12-01T01:00:00.000Z', 'catch-up', 'ok'],
      ['2026-12-02T01:00:00.000Z', 'catch-up', 'skipped'],
    ]);
  });

  test('2027, past the announced holiday data: the monthly summary skips 元旦 and runs on 01-04', async () => {
    const seen: string[] = [];
    const job: JobDef = { ...core.runner.get('monthly-summary'), run: async ({ today }) => (seen.push(today), {}) };
    const r = new JobRunner(core.deps, [job], DEFAULT_SCHEDULES);
    const newYear = await r.run('monthly-summary', new Date('2027-01-01T09:00:00+08:00'));
    expect(newYear.status).toBe('skipped');
    expect(String((newYear.result as { reason: string }).reason)).toContain('不是工作日');
    expect((await r.run('monthly-summary', new Date('2027-01-04T09:00:00+08:00'))).status).toBe('ok');
    expect(seen).toEqual(['2027-01-04']);
  });

  test('a JOB_SCHEDULES override drops the fixed-date part of a when-check, not the workday part', async () => {
    const seen: string[] = [];
    const jobs = ['weekly-digest', 'monthly-summary', 'meeting-reminder'].map((name): JobDef => ({ ...core.runner.get(name), run: async ({ today }) => (seen.push(`${name} ${today}`), {}) }));
    const override = { ...DEFAULT_SCHEDULES, 'weekly-digest': '0 9 * * 3', 'monthly-summary': '0 9 16 * *', 'meeting-reminder': '0 9 16 * *' };
    const byDefault = new JobRunner(core.deps, jobs, DEFAULT_SCHEDULES);
    const overridden = new JobRunner(core.deps, jobs, override);
    const wed = new Date('2026-12-16T09:00:00+08:00'); // a Wednesday workday, neither a week's nor a month's first
    for (const j of jobs) expect((await byDefault.run(j.name, wed)).status).toBe('skipped');
    for (const j of jobs) expect((await overridden.run(j.name, wed)).status).toBe('ok');
    const holiday = new Date('2026-10-07T09:00:00+08:00'); // a Wednesday in the National Day holiday
    for (const j of jobs) {
      const run = await overridden.run(j.name, holiday);
      expect(run.status).toBe('skipped');
      expect(String((run.result as { reason: string }).reason)).toContain('不是工作日');
    }
    expect(seen).toEqual(['weekly-digest 2026-12-16', 'monthly-summary 2026-12-16', 'meeting-reminder 2026-12-16']);
  });

  test('--at runs the job for that moment; a holiday is skipped unless forced', async () => {
    const seen: Date[] = [];
    const r = new JobRunner(core.deps, [counting('at', seen)], {});
    const ok = await r.run('at', new Date('2026-09-30T09:00:00+08:00'));
    expect(ok.status).toBe('ok');
    const holiday = await r.run('at', new Date('2026-10-02T09:00:00+08:00'));
    expect(holiday.status).toBe('skipped');
    expect(String((holiday.result as { reason: string }).reason)).toContain('不是工作日');
    const forced = await r.run('at', new Date('2026-10-02T09:00:00+08:00'), { force: true });
    expect(forced.status).toBe('ok');
    expect(seen.map((d) => d.toISOString())).toEqual(['2026-09-30T01:00:00.000Z', '2026-10-02T01:00:00.000Z']);
  });

  test('a failing job is recorded with its error; an unknown job is a clear error', async () => {
    const r = new JobRunner(core.deps, [{ name: 'boom', description: 'x', run: async () => { throw new Error('kaput'); } }], {});
    const run = await r.run('boom', clock.now());
    expect(run).toMatchObject({ status: 'error', error: 'kaput' });
    await expect(r.run('nope', clock.now())).rejects.toThrow(UnknownJob);
  });

  test('npm run job: bad arguments are refused with usage, exit code 2', () => {
    const root = path.resolve(__dirname, '../..');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/job.ts', 'reminders', '--at', 'tomorrow'], { cwd: root, encoding: 'utf8', env: { ...process.env } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--at: expected an ISO moment');
    const n = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/job.ts'], { cwd: root, encoding: 'utf8', env: { ...process.env } });
    expect(n.status).toBe(2);
    expect(n.stderr).toContain('usage: npm run job');
  });

  test('npm run job runs a real job against the database at --at, recorded in the audit log', async () => {
    const root = path.resolve(__dirname, '../..');
    const uri = `${process.env.MONGODB_URI!.replace(/\/$/, '')}/${db.dbName}`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/job.ts', 'reminders', '--at', '2026-10-03T09:00:00+08:00'], { cwd: root, encoding: 'utf8', env: { ...process.env, MONGODB_URI: uri } });
    expect(r.stdout).toContain('reminders @ 2026-10-03T01:00:00.000Z: skipped');
    expect(r.status).toBe(0);
    const forced = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/job.ts', 'weekly-digest', '--at', '2030-01-07T09:00:00+08:00', '--force'], { cwd: root, encoding: 'utf8', env: { ...process.env, MONGODB_URI: uri } });
    expect(forced.status).toBe(0);
    const audits = await db.models.audits.find({ entity: /^job:/, by: /^cli / }).sort({ _id: 1 }).lean();
    const by = `cli ${os.userInfo().username}`;
    expect(audits.map((a) => [a.entity, a.by, a.action, a.note, (a.after as { force: boolean }).force])).toEqual([
      ['job:reminders', by, 'run', 'run for 2026-10-03T01:00:00.000Z', false],
      ['job:weekly-digest', by, 'run', 'forced run for 2030-01-07T01:00:00.000Z', true],
    ]);
    const u = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/job.ts', 'no-such-job'], { cwd: root, encoding: 'utf8', env: { ...process.env, MONGODB_URI: uri } });
    expect(u.status).toBe(2);
    expect(u.stderr).toContain('unknown job "no-such-job"');
  }, 60_000);
});
