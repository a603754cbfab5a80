import { Schema, Types } from 'mongoose';

/**
 * audits: the append-only log of changes that are not a task's own document change (org imports,
 * meetings, appeals, escalations, and the reminders and 督导提示函 the `reminders` job sends). Those about
 * a task carry its code in `task`. Entries written once per step carry a string `_id` naming the step
 * (`reminder:<claim key>`, `letter:2026-3`), so writing them again (a re-run, the backfill) adds nothing.
 */
export const AUDIT_SCHEMA_VERSION = 1;

export interface AuditDoc {
  _id?: unknown;
  entity: string;
  task?: string;
  at: Date;
  by: string;
  action: string;
  note?: string;
  before?: unknown;
  after?: unknown;
  schemaVersion?: number;
}
export const auditSchema = new Schema(
  {
    _id: { type: Schema.Types.Mixed, default: () => new Types.ObjectId() },
    entity: { type: String, required: true },
    task: String,
    at: { type: Date, required: true },
    by: { type: String, required: true },
    action: { type: String, required: true },
    note: String,
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
    schemaVersion: { type: Number, default: AUDIT_SCHEMA_VERSION },
  },
  { collection: 'audits', versionKey: false },
);
auditSchema.index({ entity: 1, at: 1 });
auditSchema.index({ at: 1 });
auditSchema.index({ task: 1, at: 1 });
auditSchema.index({ by: 1, at: 1 });
