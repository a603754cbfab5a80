import { Schema } from 'mongoose';
import type { MinutesForm } from '../../../app/ports/meetings';

/** minutes_forms: the agenda a minutes form showed, by its id on the submit button: item i of the form is agenda[i]. */
export const MINUTES_FORM_SCHEMA_VERSION = 1;

export type MinutesFormDoc = MinutesForm;
export const minutesFormSchema = new Schema(
  {
    _id: { type: String, required: true },
    leader: { type: String, required: true },
    agenda: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    schemaVersion: { type: Number, default: MINUTES_FORM_SCHEMA_VERSION },
  },
  { collection: 'minutes_forms', versionKey: false },
);
minutesFormSchema.index({ createdAt: 1 });
