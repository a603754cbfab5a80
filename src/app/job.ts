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
