import type { AuditEntry } from '../../domain/task';

/**
 * The record, read as one log (docs/architecture.md#ports-of-the-core): tasks' own histories (embedded, and the
 * older entries moved out of long tasks) and the `audits` entries beside them; and the steps the
 * reminders job puts on it, each once by its key.
 */
export interface AuditFilter {
  task?: string;
  actor?: string;
  action?: string;
  from?: Date;
  to?: Date; // exclusive
  limit: number;
  offset: number;
}

export interface AuditRow {
  at: Date;
  by: string;
  action: string;
  entity: string; // task:DB-2026-0001, appeal:AP-…, org, meeting:…, letter:2026-3, reminder:…
  task?: string;
  note?: string;
  before?: unknown;
  after?: unknown;
}

/** A step put on the record by its key (`reminder:<claim key>`, `letter:2026-3`). */
export interface AuditStep {
  _id: string;
  entity: string;
  task?: string;
  at: Date;
  by: string;
  action: string;
  note: string;
  after?: Record<string, unknown>;
}

/** Some of the matching entries, newest first, and how many match in all. */
export interface Slice<T> {
  rows: T[];
  total: number;
}

/** A reminder claim still kept, as the backfill reads it. */
export interface ReminderSent {
  _id: string;
  kind: string;
  code: string;
  unit: string;
  group: string;
  day: string;
  createdAt: Date;
}

export interface AuditRecord {
  /** History entries embedded in the tasks matching the filter's actor, action and time (not its task): the newest `upTo`. */
  taskEntries(f: AuditFilter, upTo: number): Promise<Slice<{ code: string; entry: AuditEntry }>>;
  /** Entries moved out of long tasks, matching actor, action and time: the newest `upTo`. */
  movedEntries(f: AuditFilter, upTo: number): Promise<Slice<{ code: string; entry: AuditEntry }>>;
  /** `audits` entries matching the whole filter: the newest `upTo`. */
  logEntries(f: AuditFilter, upTo: number): Promise<Slice<AuditRow>>;
  /** One task's `audits` entries, oldest first. */
  ofTask(code: string): Promise<AuditRow[]>;
  /** Writes the steps not yet on the record; answers how many were new. */
  addSteps(steps: AuditStep[]): Promise<number>;
  has(id: string): Promise<boolean>;
  /** The reminder claims kept (letters aside), for the backfill. */
  remindersSent(): AsyncIterable<ReminderSent>;
}
