import { Schema } from 'mongoose';
import type { AuditEntry } from '../../../domain/task';

/**
 * task_history: a task's older audit entries, moved out of the task document once it holds more than
 * LIMITS.historyEmbedded of them (task-store.ts `archiveLocked`). One document per entry, `_id` =
 * `${code}:${seq}`, so moving an entry twice (a crash between the copy and the trim) stores it once.
 */
export const TASK_HISTORY_SCHEMA_VERSION = 1;

export type TaskHistoryDoc = AuditEntry & { _id: string; code: string; schemaVersion?: number };

export const taskHistorySchema = new Schema(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    action: { type: String, required: true },
    note: String,
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
    schemaVersion: { type: Number, default: TASK_HISTORY_SCHEMA_VERSION },
  },
  { collection: 'task_history', versionKey: false, strict: false },
);
taskHistorySchema.index({ code: 1, seq: 1 });
