import { Schema } from 'mongoose';
import { APPEAL_STATES, type Appeal } from '../../../app/ports/appeals';
import type { OwedFields } from '../owed-docs';

/** appeals (申诉): a unit contesting a task's deductions; created by a unique insert, changed under its lock, recorded in `audits`. */
export const APPEAL_SCHEMA_VERSION = 1;

export type AppealDoc = Appeal & OwedFields;
export const appealSchema = new Schema(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    unit: { type: String, required: true },
    group: { type: String, required: true },
    reason: { type: String, required: true },
    items: { type: Schema.Types.Mixed, required: true },
    state: { type: String, enum: APPEAL_STATES, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
    decidedBy: String,
    decidedAt: Date,
    opinion: String,
    rev: { type: Number, default: 1 },
    owed: { type: [Schema.Types.Mixed], default: [] },
    owedAt: { type: Date, default: null },
    schemaVersion: { type: Number, default: APPEAL_SCHEMA_VERSION },
  },
  { collection: 'appeals', versionKey: false, minimize: false },
);
appealSchema.index({ state: 1, at: 1 });
appealSchema.index({ code: 1 });
appealSchema.index({ owedAt: 1 });
appealSchema.index({ at: -1, _id: 1 }); // /api/appeals unfiltered
