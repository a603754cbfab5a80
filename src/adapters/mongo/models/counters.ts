import { Schema } from 'mongoose';

/** counters: the last number taken per series (task codes of a year), read and written by _id under the series' lock. */
export const COUNTER_SCHEMA_VERSION = 1;

export interface CounterDoc {
  _id: string;
  seq: number;
  schemaVersion?: number;
}
export const counterSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    schemaVersion: { type: Number, default: COUNTER_SCHEMA_VERSION },
  },
  { collection: 'counters', versionKey: false },
);
