import type { Page } from './owed-docs';

/** A job's run records (docs/architecture.md#jobs): `name@slot` for a scheduled slot, so each runs once across instances. */
export interface JobRun {
  _id: string;
  name: string;
  slot: Date; // the business moment the run is for
  trigger: 'schedule' | 'catch-up' | 'manual';
  owner: string;
  startedAt: Date;
  endedAt?: Date;
  status: 'running' | 'ok' | 'skipped' | 'error';
  result?: unknown;
  error?: string;
  schemaVersion?: number;
}

export type JobRunSummary = Pick<JobRun, '_id' | 'name' | 'slot' | 'trigger' | 'status' | 'startedAt' | 'endedAt' | 'error'>;

export interface JobRunStore {
  get(id: string): Promise<JobRun | null>;
  /** Writes a run as started (over one a crashed instance abandoned when `replace`); answers it as stored. */
  start(run: JobRun, replace: boolean): Promise<JobRun>;
  /** Its outcome. */
  finish(id: string, done: Partial<JobRun>): Promise<void>;
  /** The status of each of these runs, null where there is no record. */
  statuses(ids: string[]): Promise<(JobRun['status'] | null)[]>;
  /** Whether the job ever ran other than by hand. */
  everScheduled(name: string): Promise<boolean>;
  /** The latest slot in (after, upTo] of a run of the job that completed. */
  lastOkSlot(name: string, after: Date, upTo: Date): Promise<Date | null>;
  /** Newest started first. */
  list(name: string | undefined, limit: number, offset: number): Promise<Page<JobRun>>;
  /** The job's newest run, briefly. */
  last(name: string): Promise<JobRunSummary | null>;
  /** Removes runs started before `before`; answers how many. */
  prune(before: Date): Promise<number>;
}
