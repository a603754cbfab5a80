import os from 'node:os';
import { Locks } from '../../src/adapters/mongo/lock';
import type { JobRunDoc } from '../../src/adapters/mongo/models/job-runs';
import type { OutboxRow } from '../../src/app/outbox-item';
import type { ReminderClaimDoc } from '../../src/adapters/mongo/models/reminder-claims';
import { FixedClock } from '../../src/clock';
import { claimKey } from '../../src/domain/reminders';
import { zonedInstant } from '../../src/domain/time';
import { remindersJob } from '../../src/features/reminders/job';
import { JobRunner, LeaseLost, type JobDef, type JobLease } from '../../src/jobs/runner';
import type { Core } from '../../src/main';
import { newTask } from '../support/factories';
import { digestItems, twoInstances } from './reminders-support';

/**
 * The job lease (docs/architecture.md#jobs) on FerretDB, with a lease of a second or two: renewed while
 * a job runs however long it takes, lost when another instance took the lock (the run stops before
 * queueing more), and a killed instance's run — its record `running`, its lock left to expire, its
 * reminders half claimed — taken over by another instance once the lease ran out.
 */
const TZ = 'Asia/Shanghai';
const at = (day: string, time = '09:00') => zonedInstant(day, time, TZ);
const clock = new FixedClock(at('2026-10-15', '09:00:30'));
const LEASE = 1200;
let a: Core;
let b: Core;
let close: () => Promise<void>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ({ a, b, close } = await twoInstances('job_lease', clock));
});
afterAll(() => close());

async function until(cond: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('Locks', () => {
  test('the owner names the host and the process; renew extends only an unexpired lock of its own', async () => {
    const mine = a.deps.locks;
    const other = new Locks(a.deps.models.locks);
    expect(mine.owner).toMatch(new RegExp(`^${os.hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${process.pid}:[0-9a-f]{8}$`));
    expect(other.owner).not.toBe(mine.owner);
    expect(await mine.tryAcquire('lease:probe', LEASE)).toBe(true);
    expect(await other.renew('lease:probe', LEASE)).toBe(false); // not its lock
    for (let i = 0; i < 4; i++) {
      await sleep(LEASE / 3);
      expect(await mine.renew('lease:probe', LEASE)).toBe(true);
    }
    expect(await other.tryAcquire('lease:probe', LEASE)).toBe(false); // held for 4/3 of a lease by renewing
    await until(async () => other.tryAcquire('lease:probe', LEASE)); // not renewed: taken over once expired
    expect(await mine.renew('lease:probe', LEASE)).toBe(false); // lost: the old holder learns it
    expect(await a.deps.models.locks.findById('lease:probe').lean()).toMatchObject({ owner: other.owner });
    await other.release('lease:probe');
    expect(await mine.renew('lease:probe', LEASE)).toBe(false); // released: nothing to renew
  });
});

describe('JobRunner lease', () => {
  const slow = (name: string, ms: number, seen: string[]): JobDef => ({
    name,
    description: 'test',
    async run(ctx) {
      const t0 = Date.now();
      while (Date.now() - t0 < ms) {
        ctx.lease?.check();
        await sleep(50);
      }
      seen.push(ctx.lease ? `lease ${ctx.lease.ms}` : 'no lease');
      return {};
    },
  });

  test('a run longer than several leases keeps its lock; another instance is refused meanwhile', async () => {
    const seen: string[] = [];
    const ra = new JobRunner(a.deps, [slow('long', LEASE * 4, seen)], {}, 36, LEASE);
    const rb = new JobRunner(b.deps, [slow('long', 10, seen)], {}, 36, LEASE);
    const first = ra.run('long', at('2026-10-15'));
    await until(async () => (await a.deps.models.locks.exists({ _id: 'job:long' })) !== null);
    const refused: JobRunDoc[] = [];
    for (let i = 0; i < 6; i++) {
      refused.push(await rb.run('long', at('2026-10-15')));
      await sleep(LEASE / 2);
    }
    expect((await first).status).toBe('ok');
    expect(refused.filter((r) => r.status === 'skipped' && (r.result as { reason: string }).reason === 'another run of this job is in progress').length).toBeGreaterThan(0);
    expect(seen[0]).toBe(`lease ${LEASE}`); // the long run finished first, with its lease, and none ran beside it
    expect(await a.deps.models.locks.exists({ _id: 'job:long' })).toBeNull(); // released at the end
  });

  test('a lease lost (the lock taken over) stops the run at its next step; its record is left to the new holder', async () => {
    const steps: string[] = [];
    let lease: JobLease | undefined;
    const job: JobDef = {
      name: 'lost',
      description: 'test',
      async run(ctx) {
        lease = ctx.lease;
        for (let i = 0; i < 200; i++) {
          ctx.lease!.check();
          steps.push(`step ${i}`);
          await sleep(50);
        }
        return {};
      },
    };
    const ra = new JobRunner(a.deps, [job], { lost: '0 9 * * *' }, 36, LEASE);
    const slot = at('2026-10-15');
    const running = ra.run('lost', slot, { trigger: 'schedule' });
    await until(() => steps.length >= 3);
    // another instance took the lock (as after a stall longer than the lease)
    await a.deps.models.locks.collection.updateOne({ _id: 'job:lost' } as never, { $set: { owner: 'elsewhere:1:00000000' } });
    const run = await running;
    expect(run.status).toBe('error');
    expect(run.error).toMatch(/lease was lost/);
    expect(lease!.signal.reason).toBeInstanceOf(LeaseLost);
    expect(steps.length).toBeLessThan(200);
    expect(await a.deps.models.jobRuns.findById(`lost@${slot.toISOString()}`).lean()).toMatchObject({ status: 'running' }); // not written by the loser
    expect(await a.deps.models.locks.findById('job:lost').lean()).toMatchObject({ owner: 'elsewhere:1:00000000' }); // not released by the loser
    await a.deps.models.locks.deleteOne({ _id: 'job:lost' });
  });
});

describe('a killed instance’s 09:00 reminders', () => {
  test('are taken over by the other instance once the lease runs out: its claims sent, the rest claimed and sent, each once', async () => {
    const slot = at('2026-10-15');
    const items = Array.from({ length: 6 }, (_, i) => ({ task: newTask({ leadUnit: ['MSZ', 'ZJJ', 'ZRZYJ'][i % 3], group: 'G1', coUnits: [], state: 'in_progress', deadline: '2026-10-13', priority: '一般', dispatchedAt: at('2026-09-14', '10:00') }), owed: () => [] }));
    const codes = (await a.deps.tasks.create(items, 2026)).map((t) => t.code);
    // instance A, killed mid-run: its run record `running`, its lease until a moment from now, its reminders run `started` with two claims
    const dead = 'host-a:4242:deadbeef';
    await a.deps.models.jobRuns.collection.insertOne({ _id: `reminders@${slot.toISOString()}`, name: 'reminders', slot, trigger: 'schedule', owner: dead, startedAt: new Date(), status: 'running' } as never);
    await a.deps.models.locks.collection.insertOne({ _id: 'job:reminders', owner: dead, until: new Date(Date.now() + LEASE) } as never);
    await a.deps.models.reminderRuns.collection.insertOne({ _id: '2026-10-15:dead', day: '2026-10-15', at: slot, startedAt: new Date(), state: 'started', owner: dead } as never);
    const claim = (code: string): ReminderClaimDoc => ({ _id: claimKey(code, 'overdue', '2026-10-15'), kind: 'overdue', code, unit: 'MSZ', group: 'G1', day: '2026-10-15', once: false, run: '2026-10-15:dead', createdAt: new Date() });
    await a.deps.models.reminderClaims.collection.insertMany([claim(codes[0]), claim(codes[3])] as never[]);

    const rb = new JobRunner(b.deps, [remindersJob({ leaseMs: LEASE })], { reminders: '0 9 * * *' }, 36, LEASE);
    expect((await rb.plan(clock.now())).map((p) => [p.job, p.slot.toISOString(), p.action])).toEqual([['reminders', slot.toISOString(), 'run']]); // still `running`: due again
    await rb.tick(clock.now()); // A's lease still holds: nothing happens
    expect(await a.deps.models.outbox.countDocuments()).toBe(0);
    await until(async () => {
      await rb.tick(clock.now()); // the minute ticks, compressed
      return (await a.deps.models.jobRuns.findById(`reminders@${slot.toISOString()}`).lean<JobRunDoc>())!.status !== 'running';
    });
    const record = (await a.deps.models.jobRuns.findById(`reminders@${slot.toISOString()}`).lean<JobRunDoc>())!;
    expect(record).toMatchObject({ status: 'ok', owner: b.deps.locks.owner, result: { recovered: 1, overdue: 6 } });
    expect(await a.deps.models.reminderRuns.findById('2026-10-15:dead').lean()).toMatchObject({ state: 'recovered' });
    const rows = await a.deps.models.outbox.find({ 'to.id': { $in: ['oc_msz', 'oc_zjj', 'oc_zrzyj'] } }).lean<OutboxRow[]>();
    const lines = rows.flatMap((r) => digestItems(r.content).map((i) => `${r.to!.id} ${i.code}`)).sort();
    expect(lines).toHaveLength(6);
    expect(new Set(lines.map((l) => l.split(' ')[1]))).toEqual(new Set(codes)); // every task once, the dead run's two among them
    await rb.tick(clock.now());
    expect(await a.deps.models.outbox.countDocuments({ 'to.id': { $in: ['oc_msz', 'oc_zjj', 'oc_zrzyj'] } })).toBe(rows.length); // done: not again
  });
});
