import { Schema } from 'mongoose';
import type { ReminderRun } from '../../../app/ports/reminder-ledger';

/** reminder_runs: one document per run of the job; `started` until its messages are in the outbox. */
export const REMINDER_RUN_SCHEMA_VERSION = 1;

export type ReminderRunDoc = ReminderRun;
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
    schemaVersion: { type: Number, default: REMINDER_RUN_SCHEMA_VERSION },
  },
  { collection: 'reminder_runs', versionKey: false },
);
reminderRunSchema.index({ state: 1, startedAt: 1 }); // runs that stopped half-way
reminderRunSchema.index({ state: 1, day: 1 }); // the last day a run finished
