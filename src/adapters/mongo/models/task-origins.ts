import { Schema } from 'mongoose';

/** task_origins: the step that created a task (preview:ID:i, form:…, meeting:…) → the code it took; makes creation idempotent. */
export const TASK_ORIGIN_SCHEMA_VERSION = 1;

export interface TaskOriginDoc {
  _id: string;
  code: string;
  schemaVersion?: number;
}
export const taskOriginSchema = new Schema(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    schemaVersion: { type: Number, default: TASK_ORIGIN_SCHEMA_VERSION },
  },
  { collection: 'task_origins', versionKey: false },
);
