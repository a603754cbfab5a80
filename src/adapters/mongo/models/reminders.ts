import { Schema } from 'mongoose';

/**
 * What the `reminders` job writes. On FerretDB an update costs a scan of the collection (measured: 0.15 s
 * per updateOne in a 20,000-document collection on SQLite), so the job never updates its claims or
 * letters: they are inserted once, and whether a run got its messages into the outbox is recorded on
 * that run's own document in the small `reminder_runs` collection.
 */

/**
 * reminder_claims: a reminder owed to a task is claimed by inserting its key (task:kind:day for daily
 * kinds, task:kind:deadline for the leader report), so it goes out once however often and on however
 * many instances the job runs. `run` names the run that claimed it: when that run did not finish, the
 * next one sends what it had claimed, under the same message keys.
 */
export interface ReminderClaimDoc {
  _id: string;
  kind: string;
  code: string;
  unit: string;
  group: string;
  day: string; // the day it was claimed (local date)
  once: boolean; // per deadline (kept), not per day (removed by the cleanup job after a while)
  run: string;
  createdAt: Date;
}
export const reminderClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    code: { type: String, required: true },
    unit: { type: String, required: true },
    group: { type: String, required: true },
    day: { type: String, required: true },
    once: { type: Boolean, default: false },
    run: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'reminder_claims', versionKey: false },
);
reminderClaimSchema.index({ run: 1 }); // what an unfinished run had claimed
reminderClaimSchema.index({ once: 1, createdAt: 1 }); // cleanup of old daily claims
reminderClaimSchema.index({ day: 1, once: 1 }); // today's claims, when the job runs again the same day
reminderClaimSchema.index({ code: 1 });

/** reminder_runs: one document per run of the job; `started` until its messages are in the outbox. */
export type ReminderRunState = 'started' | 'done' | 'recovered';
export interface ReminderRunDoc {
  _id: string; // day:random
  day: string;
  at: Date; // the business moment it ran for
  startedAt: Date; // machine time
  endedAt?: Date;
  state: ReminderRunState;
  owner: string;
  recoveredBy?: string;
}
export const reminderRunSchema = new Schema(
  {
    _id: { type: String, required: true },
    day: { type: String, required: true },
    at: { type: Date, required: true },
    startedAt: { type: Date, required: true },
    endedAt: Date,
    state: { type: String, required: true },
    owner: { type: String, required: true },
    recoveredBy: String,
  },
  { collection: 'reminder_runs', versionKey: false },
);
reminderRunSchema.index({ state: 1, startedAt: 1 }); // runs that stopped half-way
reminderRunSchema.index({ state: 1, day: 1 }); // the last day a run finished

/**
 * letters: 督导提示函, numbered 〔YYYY〕第N号 without gaps per year (taken under the year's lock), one per
 * task per deadline in force. The letter is the formal record: it keeps the title and deadline it was
 * written about, so it can be sent again exactly as issued.
 */
export interface LetterDoc {
  _id: string; // YYYY-N
  year: number;
  number: number;
  code: string;
  title?: string; // the task's title when issued (older letters lack it)
  deadline: string;
  unit: string;
  group: string;
  issuedOn: string;
  overdueWorkdays: number;
  run?: string; // the reminders run that issued it
  /** @deprecated written by earlier versions; whether a letter went out is now its run's state. */
  sent?: boolean;
  appeal?: { state: 'pending' | 'upheld' | 'revoked'; reason: string; by: string; at: Date; decidedBy?: string; decidedAt?: Date; opinion?: string };
  createdAt: Date;
}
export const letterSchema = new Schema(
  {
    _id: { type: String, required: true },
    year: { type: Number, required: true },
    number: { type: Number, required: true },
    code: { type: String, required: true },
    title: { type: String, default: '' },
    deadline: { type: String, required: true },
    unit: { type: String, required: true },
    group: { type: String, required: true },
    issuedOn: { type: String, required: true },
    overdueWorkdays: { type: Number, required: true },
    run: { type: String, default: '' },
    appeal: Schema.Types.Mixed,
    createdAt: { type: Date, required: true },
  },
  { collection: 'letters', versionKey: false },
);
letterSchema.index({ year: 1, number: 1 }, { unique: true });
letterSchema.index({ code: 1, deadline: 1 }, { unique: true });
letterSchema.index({ run: 1 });
letterSchema.index({ unit: 1, issuedOn: 1 });
letterSchema.index({ issuedOn: 1 });
