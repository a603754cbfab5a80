import { CronExpressionParser } from 'cron-parser';
import cron, { type ScheduledTask } from 'node-cron';
import type { AppDeps } from '../app/deps';
import { JOB_LEASE_MS, LeaseLost, type JobContext, type JobDef, type JobLease } from '../app/job';
import type { JobRun } from '../app/ports/job-runs';
import { DEFAULT_SCHEDULES } from '../config';
import { localDate, localParts } from '../domain/time';
import { machineDate, machineNow } from '../clock';

/**
 * Scheduled jobs (docs/architecture.md#jobs). A job is `(ctx) => result` for one business moment `at`; the schedule, the
 * catch-up at start, `npm run job` and `POST /api/jobs/NAME/run` all call `run`. Each scheduled slot runs
 * once across instances: its run record's _id is `name@slot` (a unique insert), and a lock per job stops
 * two runs of one job overlapping. node-cron ticks every minute; slots come from each job's cron
 * expression evaluated on the business clock, so CLOCK_START and the sandbox's clock control apply.
 */
/** What a job is lives in the app (src/app/job.ts); re-exported for the jobs' imports. */
export type { JobContext, JobDef, JobLease };
export { JOB_LEASE_MS, LeaseLost };
export { workdaysOnly, workdayWhen } from '../app/job';

export type Trigger = JobRun['trigger'];

export class UnknownJob extends Error {}

/** `2026-12-29 09:00` in the service's time zone. */
export function localMoment(at: Date, tz: string): string {
  const p = localParts(at, tz);
  return `${p.date} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** What a tick will do with a job's due slot: run it, record it skipped (its when-check's reason), or superseded by a newer moment. */
export interface PlannedSlot {
  job: string;
  slot: Date;
  action: 'run' | 'skip' | 'superseded';
  reason?: string;
  supersededBy?: Date;
}

export class JobRunner {
  private task?: ScheduledTask;
  private running = new Set<Promise<unknown>>();
  private stopped = false;
  private lastTickFailure = 0;
  /**
   * Scheduled slots known to be over (ok, skipped, error: a record that is not `running` never changes
   * again), so a minute's tick asks the database only about slots it does not know the end of: idle,
   * a tick sends no query at all. Runs of this instance are known as they end; other instances' runs
   * are read at the ticks until they end. Forgotten once out of the catch-up window.
   */
  private readonly over = new Map<string, { slot: number; status: JobRun['status'] }>();

  constructor(
    private readonly deps: AppDeps,
    private readonly jobs: JobDef[],
    private readonly schedules: Record<string, string>,
    private readonly catchUpHours = 36,
    private readonly leaseMs = JOB_LEASE_MS,
  ) {
    if (!Number.isInteger(leaseMs) || leaseMs < 1000) throw new RangeError(`job lease must be a whole number of milliseconds, 1000 or more, got ${leaseMs}`);
  }

  names(): string[] {
    return this.jobs.map((j) => j.name);
  }

  get(name: string): JobDef {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new UnknownJob(`unknown job "${name}"; jobs: ${this.names().join(', ')}`);
    return job;
  }

  /**
   * Runs a job for the moment `at`. A scheduled slot that already ran is not run again. A manual run
   * (any moment, future included: an admin's tool) is first written to the audit log with `by`, who
   * asked (`admin-api 10.0.0.7`, `cli alice`, `sandbox`).
   */
  async run(name: string, at: Date, opts: { trigger?: Trigger; force?: boolean; supersededBy?: Date; by?: string } = {}): Promise<JobRun> {
    const job = this.get(name);
    const trigger = opts.trigger ?? 'manual';
    const { jobRuns, locks, settings, log } = this.deps;
    const id = trigger === 'manual' ? `${name}@${at.toISOString()}#${machineNow().toString(36)}` : `${name}@${at.toISOString()}`;
    if (trigger === 'manual') await this.auditManual(id, name, at, Boolean(opts.force), opts.by);
    const lockKey = `job:${name}`;
    if (!(await locks.tryAcquire(lockKey, this.leaseMs))) {
      return { _id: id, name, slot: at, trigger, owner: locks.owner, startedAt: machineDate(), status: 'skipped', result: { reason: 'another run of this job is in progress' } };
    }
    const lease = this.hold(lockKey, name);
    const p = (async () => {
      const existing = await jobRuns.get(id);
      if (existing && existing.status !== 'running') return existing; // this slot ran already
      const ctx = { ...this.context(name, at, Boolean(opts.force)), lease: lease.lease };
      // over a run abandoned by a crashed instance, if any
      const doc = await jobRuns.start({ _id: id, name, slot: at, trigger, owner: locks.owner, startedAt: machineDate(), status: 'running' }, Boolean(existing));
      const superseded = opts.supersededBy && `已被 ${localMoment(opts.supersededBy, settings.tz)} 的运行取代：补跑只发最新一次`;
      const skip = opts.force ? null : (job.when?.(ctx) ?? superseded ?? null);
      let done: Partial<JobRun>;
      if (skip) done = { status: 'skipped', result: { reason: skip } };
      else {
        try {
          done = { status: 'ok', result: await job.run(ctx) };
        } catch (e) {
          log.error({ err: e, job: name }, 'job failed');
          done = { status: 'error', error: (e as Error).message };
        }
      }
      done.endedAt = machineDate();
      this.deps.metrics?.jobRun(name, done.status ?? 'unknown', (done.endedAt.getTime() - doc.startedAt.getTime()) / 1000);
      // the record is the lease holder's: once lost, the instance that took over writes it
      if (lease.lease.signal.aborted) {
        const lost: JobRun = { ...doc, status: 'error', error: (lease.lease.signal.reason as Error).message, endedAt: done.endedAt };
        return lost;
      }
      await jobRuns.finish(id, done);
      if (trigger !== 'manual' && done.status) this.over.set(id, { slot: at.getTime(), status: done.status });
      log.info({ job: name, at: at.toISOString(), trigger, status: done.status }, 'job run');
      const run: JobRun = { ...doc, ...done };
      return run;
    })();
    this.running.add(p);
    try {
      return await p;
    } finally {
      this.running.delete(p);
      await lease.stop();
      if (!lease.lease.signal.aborted) await locks.release(lockKey);
    }
  }

  /**
   * Keeps the job's lock while it runs: renewed every third of the lease. A renewal refused (the lock
   * expired or was taken over) aborts the lease at once; one that fails (the database away) is retried
   * every second, and once the lease's time is nearly out without a renewal it is aborted too, before
   * another instance may take the lock.
   */
  private hold(key: string, job: string): { lease: JobLease; stop(): Promise<void> } {
    const { locks, log } = this.deps;
    const ms = this.leaseMs;
    const controller = new AbortController();
    let until = machineNow() + ms;
    let timer: NodeJS.Timeout | undefined;
    let renewing: Promise<void> = Promise.resolve();
    let stopped = false;
    const lose = (why: string) => {
      if (controller.signal.aborted) return;
      log.error({ job, lock: key, owner: locks.owner }, `job lease lost: ${why}; the run stops`);
      controller.abort(new LeaseLost(`the job's lease was lost (${why}): another instance may run it`));
    };
    const schedule = (delay: number) => {
      if (stopped || controller.signal.aborted) return;
      timer = setTimeout(() => {
        renewing = renew();
      }, delay);
    };
    const renew = async () => {
      const t = machineNow();
      if (t >= until - ms / 10) return lose('not renewed in time');
      try {
        if (!(await locks.renew(key, ms))) return lose('the lock expired or was taken over');
        until = t + ms;
        schedule(ms / 3);
      } catch (e) {
        log.warn({ job, err: (e as Error).message }, 'job lease: renewal failed, retrying');
        schedule(Math.min(1000, ms / 10));
      }
    };
    schedule(ms / 3);
    const lease: JobLease = {
      ms,
      signal: controller.signal,
      check() {
        if (controller.signal.aborted) throw controller.signal.reason;
        if (machineNow() >= until - ms / 10) lose('not renewed in time'); // the timer itself may be late on a busy event loop
        if (controller.signal.aborted) throw controller.signal.reason;
      },
    };
    return {
      lease,
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await renewing;
      },
    };
  }

  private context(name: string, at: Date, force: boolean): JobContext {
    return { at, today: localDate(at, this.deps.settings.tz), force, deps: this.deps, scheduleOverridden: this.overridden(name) };
  }

  private async auditManual(runId: string, name: string, at: Date, force: boolean, by = 'unknown'): Promise<void> {
    const note = `${force ? 'forced ' : ''}run for ${at.toISOString()}`;
    await this.deps.audit.append({ entity: `job:${name}`, at: this.deps.clock.now(), by, action: 'run', note, after: { runId, at, force } });
  }

  /** Whether JOB_SCHEDULES replaced the job's default schedule (config.ts DEFAULT_SCHEDULES). */
  overridden(name: string): boolean {
    const expr = this.schedules[name];
    return expr !== undefined && name in DEFAULT_SCHEDULES && expr !== DEFAULT_SCHEDULES[name];
  }

  /** The latest slot of a job at or before `now` (business time). */
  latestSlot(name: string, now: Date): Date | null {
    const expr = this.schedules[name];
    if (!expr) return null;
    const it = CronExpressionParser.parse(expr, { tz: this.deps.settings.tz, currentDate: new Date(now.getTime() + 1) });
    return it.prev().toDate();
  }

  /** A job's slots in (from, now], oldest first (business time). */
  slots(name: string, from: Date, now: Date): Date[] {
    const expr = this.schedules[name];
    if (!expr) return [];
    const it = CronExpressionParser.parse(expr, { tz: this.deps.settings.tz, currentDate: new Date(now.getTime() + 1) });
    const out: Date[] = [];
    for (let d = it.prev().toDate(); d.getTime() > from.getTime(); d = it.prev().toDate()) out.unshift(d);
    return out;
  }

  /**
   * The slots a tick at `now` will run, oldest first: every slot of each job within the catch-up window
   * that has no run record and comes after the job's newest recorded slot, and that slot itself while its
   * record is still `running` (taken over once its lease runs out) — so a run missed while all
   * instances were down is caught up with its own slot as `at` (the job's when-check sees that day). A
   * job that never ran on this database starts with its latest slot only. For a `latest` job, a due slot
   * older than the newest due slot that acts, or than a completed run at a later moment (a manual one
   * too), is superseded.
   */
  async plan(now = this.deps.clock.now()): Promise<PlannedSlot[]> {
    const out: PlannedSlot[] = [];
    for (const job of this.jobs) out.push(...(await this.planJob(job, now)));
    return out;
  }

  private async planJob(job: JobDef, now: Date): Promise<PlannedSlot[]> {
    const { jobRuns } = this.deps;
    const slots = this.slots(job.name, new Date(now.getTime() - this.catchUpHours * 3_600_000), now);
    if (!slots.length) return [];
    const ids = slots.map((s) => `${job.name}@${s.toISOString()}`);
    // one read by _id per slot (a few in the window): FerretDB on SQLite filters nothing else in the database.
    // The newest recorded slot still `running` is due again: either its run is alive and holds the job's
    // lease (run() then skips it, unrecorded) or its instance died and it is taken over once the lease runs out.
    const found = await this.statuses(ids, slots, now);
    const newest = found.findLastIndex((r) => r !== null);
    let due = slots.slice(newest >= 0 && found[newest] === 'running' ? newest : newest + 1);
    if (newest < 0 && due.length > 1 && !(await jobRuns.everScheduled(job.name))) due = due.slice(-1);
    if (!due.length) return [];
    const reasons = due.map((slot) => job.when?.(this.context(job.name, slot, false)) ?? null);
    const planned = due.map((slot, i): PlannedSlot => (reasons[i] ? { job: job.name, slot, action: 'skip', reason: reasons[i] } : { job: job.name, slot, action: 'run' }));
    if (job.catchUp === 'each') return planned;
    const acting = due.filter((_, i) => !reasons[i]);
    const done = await jobRuns.lastOkSlot(job.name, due[0], now);
    const latest = [acting.at(-1), done ?? undefined].filter((d): d is Date => d !== undefined).sort((a, b) => a.getTime() - b.getTime()).at(-1);
    return planned.map((p) => (latest && p.action === 'run' && p.slot < latest ? { ...p, action: 'superseded', supersededBy: latest } : p));
  }

  /**
   * The record status of each slot id (oldest first), as far as `planJob` needs it: the slots after the
   * newest one known to be over are read by `_id`; that one comes from memory, and older ones do not
   * matter (reported as unknown).
   */
  private async statuses(ids: string[], slots: Date[], now: Date): Promise<(JobRun['status'] | null)[]> {
    const horizon = now.getTime() - this.catchUpHours * 3_600_000;
    for (const [id, o] of this.over) if (o.slot <= horizon) this.over.delete(id);
    const from = ids.findLastIndex((id) => this.over.has(id)) + 1;
    const read = from < ids.length ? await this.deps.jobRuns.statuses(ids.slice(from)) : [];
    read.forEach((status, i) => {
      if (status && status !== 'running') this.over.set(ids[from + i], { slot: slots[from + i].getTime(), status });
    });
    return ids.map((id, i) => (i < from - 1 ? null : i === from - 1 ? this.over.get(id)!.status : (read[i - from] ?? null)));
  }

  /** Runs what `plan` says; a superseded slot is recorded (skipped, with the newer moment) so it is not offered again. */
  async tick(now = this.deps.clock.now()): Promise<void> {
    for (const job of this.jobs) {
      if (this.stopped) return;
      for (const p of await this.planJob(job, now)) {
        if (this.stopped) return;
        const trigger: Trigger = now.getTime() - p.slot.getTime() > 5 * 60_000 ? 'catch-up' : 'schedule';
        await this.run(job.name, p.slot, { trigger, supersededBy: p.supersededBy }).catch((e) => this.deps.log.error({ err: e, job: job.name }, 'scheduled run failed'));
      }
    }
  }

  /**
   * Ticks every minute. A tick never rejects into the void: while the database is away (`ready` false,
   * or an operation fails) it is skipped with a warning and the next minute catches up what it missed.
   */
  start(ready: () => boolean = () => true): void {
    this.stopped = false;
    this.task = cron.schedule('* * * * *', () => this.safeTick(ready), { timezone: this.deps.settings.tz, noOverlap: true });
    void this.safeTick(ready); // catch up what was missed while no instance ran
  }

  /** One tick when the database is up; failures logged (at most every 10 minutes while they last). */
  async safeTick(ready: () => boolean = () => true): Promise<void> {
    if (!ready()) return;
    try {
      await this.tick();
      this.lastTickFailure = 0;
    } catch (e) {
      if (machineNow() - this.lastTickFailure >= 10 * 60_000) this.deps.log.warn({ err: (e as Error).message }, 'scheduled jobs: this minute’s tick failed (database away?); the next minute catches up');
      this.lastTickFailure = machineNow();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.task?.stop();
    await Promise.allSettled([...this.running]);
  }
}
