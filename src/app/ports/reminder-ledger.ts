/**
 * What the `reminders` job keeps (docs/rules.md#reminders-and-letters): its runs, and each reminder
 * claimed once by its key before anything is sent.
 */
export type ReminderRunState = 'started' | 'done' | 'recovered';

export interface ReminderRun {
  _id: string; // day:random
  day: string;
  at: Date; // the business moment it ran for
  startedAt: Date; // machine time
  endedAt?: Date;
  state: ReminderRunState;
  owner: string;
  recoveredBy?: string;
  schemaVersion?: number;
}

export interface ReminderClaim {
  _id: string;
  kind: string;
  code: string;
  unit: string;
  group: string;
  day: string; // the day it was claimed (local date)
  once: boolean; // per deadline (kept), not per day (removed by the cleanup job after a while)
  run: string;
  createdAt: Date;
  schemaVersion?: number;
}

export interface ReminderLedger {
  startRun(run: ReminderRun): Promise<void>;
  /** Runs still `started`, this one aside. */
  unfinished(except: string): Promise<Pick<ReminderRun, '_id' | 'day' | 'startedAt'>[]>;
  /** The last day up to `upTo` a run went through everything. */
  lastDoneDay(upTo: string): Promise<string | undefined>;
  /** Whether a run went through everything on the day. */
  doneOn(day: string): Promise<boolean>;
  finishRun(id: string, endedAt: Date): Promise<void>;
  /** Runs that stopped half-way, now finished by `by`. */
  recovered(ids: string[], by: string): Promise<void>;
  /** Runs ended before `before` (started ones stay). */
  pruneRuns(before: Date): Promise<void>;
  /** Claims reminders; answers the keys this call claimed (the others were taken). */
  claim(claims: ReminderClaim[]): Promise<Set<string>>;
  /** What the named runs had claimed. */
  claimsOfRuns(runs: string[]): Promise<Pick<ReminderClaim, '_id' | 'run'>[]>;
  /** The keys of the day's daily claims. */
  dailyClaimsOf(day: string): Promise<string[]>;
  /** Removes daily claims made before `before`; the per-deadline ones stay. Answers how many. */
  pruneDailyClaims(before: Date): Promise<number>;
}
