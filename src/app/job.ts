import type { AppDeps } from './deps';

/**
 * What a scheduled job is (docs/architecture.md#jobs): `run(ctx)` for one business moment `ctx.at`. The app's
 * contract; src/jobs/runner.ts schedules and records the runs, features and the core list the jobs.
 */
export interface JobContext {
  at: Date;
  today: string; // local date of `at`
  force: boolean;
  deps: AppDeps;
  /** JOB_SCHEDULES replaced this job's default schedule: its fixed-date check (e.g. "the 20th") is the operator's to choose, only the workday check stays. */
  scheduleOverridden?: boolean;
  /** The job's lease, when the runner holds its lock (absent when a test calls `run` directly). */
  lease?: JobLease;
}

/**
 * How long a job's lock lasts unless renewed (docs/architecture.md#jobs; JOB_LEASE overrides it). The
 * runner renews it every third of that while the job runs, so a run of any length keeps it, and a
 * killed instance's run is taken over by another about a lease later (at its next minute tick).
 */
export const JOB_LEASE_MS = 60_000;

/** The job's lock was lost (not renewed in time, or taken over): the run stops before queueing more. */
export class LeaseLost extends Error {}

export interface JobLease {
  /** The lease's length. */
  readonly ms: number;
  /** Aborted (with a LeaseLost) once the lock is lost. */
  readonly signal: AbortSignal;
  /** Throws LeaseLost once the lock is lost: a job calls it before each step that claims or queues. */
  check(): void;
}

export interface JobDef {
  name: string;
  description: string;
  /**
   * What a catch-up does with missed slots. `latest` (the default): the job reports the state of the
   * moment (reminders, the weekly digest, cleanup), so of the due slots only the newest that acts runs;
   * older ones, and any slot older than a completed run of the job, are recorded as superseded and send
   * nothing. `each`: every acting slot has its own message (a month's summary), so each runs.
   */
  catchUp?: 'latest' | 'each';
  /** Whether the moment is one this job acts on (e.g. workdays only); a reason in words when not. */
  when?(ctx: JobContext): string | null;
  run(ctx: JobContext): Promise<Record<string, unknown>>;
}

export const workdaysOnly = (ctx: JobContext): string | null =>
  ctx.deps.cal.isWorkday(ctx.today) ? null : `${ctx.today} 不是工作日，按计划不发送（可用 --force 强制运行）`;

/**
 * Workdays only, and of those the fixed day the default schedule means (`fixedDay` returns why today is
 * not it). Under a JOB_SCHEDULES override the operator chose the days: only the workday check stays.
 */
export const workdayWhen =
  (fixedDay: (ctx: JobContext) => string | null) =>
  (ctx: JobContext): string | null =>
    workdaysOnly(ctx) ?? (ctx.scheduleOverridden ? null : fixedDay(ctx));
