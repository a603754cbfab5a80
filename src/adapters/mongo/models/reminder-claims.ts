import { Schema } from 'mongoose';
import type { ReminderClaim } from '../../../app/ports/reminder-ledger';

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
export const REMINDER_CLAIM_SCHEMA_VERSION = 1;

export type ReminderClaimDoc = ReminderClaim;
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
    schemaVersion: { type: Number, default: REMINDER_CLAIM_SCHEMA_VERSION },
  },
  { collection: 'reminder_claims', versionKey: false },
);
reminderClaimSchema.index({ run: 1 }); // what an unfinished run had claimed
reminderClaimSchema.index({ once: 1, createdAt: 1 }); // cleanup of old daily claims
reminderClaimSchema.index({ day: 1, once: 1 }); // today's claims, when the job runs again the same day
reminderClaimSchema.index({ code: 1 });
