import { Schema } from 'mongoose';

/** processed_events: Feishu event ids (and message ids) already taken in; kept longer than FEISHU_MAX_EVENT_AGE. */
export const PROCESSED_EVENT_SCHEMA_VERSION = 1;

export interface ProcessedEventDoc {
  _id: string;
  type: string;
  at: Date;
  state: 'processing' | 'done';
  /** The instance that claimed it (locks.owner); a claim 'processing' for 2 minutes past `at` is its lease run out. */
  owner?: string;
  schemaVersion?: number;
}
export const processedEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    type: String,
    at: { type: Date, required: true },
    state: { type: String, default: 'processing' },
    owner: String,
    schemaVersion: { type: Number, default: PROCESSED_EVENT_SCHEMA_VERSION },
  },
  { collection: 'processed_events', versionKey: false },
);
processedEventSchema.index({ at: 1 });
