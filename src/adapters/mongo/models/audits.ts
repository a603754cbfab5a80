import { Schema } from 'mongoose';

/** audits: the append-only log of changes that are not a task's own (org imports, meetings, appeals …). */
export const AUDIT_SCHEMA_VERSION = 1;

export interface AuditDoc {
  entity: string;
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
    entity: { type: String, required: true },
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
