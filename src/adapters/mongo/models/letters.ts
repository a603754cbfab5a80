import { Schema } from 'mongoose';
import type { Letter } from '../../../app/ports/letters';

/**
 * letters: 督导提示函, numbered 〔YYYY〕第N号 without gaps per year (taken under the year's lock), one per
 * task per deadline in force. The letter is the formal record: it keeps the title and deadline it was
 * written about, so it can be sent again exactly as issued.
 */
export const LETTER_SCHEMA_VERSION = 1;

export type LetterDoc = Letter;
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
    schemaVersion: { type: Number, default: LETTER_SCHEMA_VERSION },
  },
  { collection: 'letters', versionKey: false },
);
letterSchema.index({ year: 1, number: 1 }, { unique: true });
letterSchema.index({ code: 1, deadline: 1 }, { unique: true });
letterSchema.index({ run: 1 });
letterSchema.index({ unit: 1, issuedOn: 1 });
letterSchema.index({ issuedOn: 1 });
