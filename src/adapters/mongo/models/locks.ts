import { Schema } from 'mongoose';

/** locks: a mutex per key, taken by inserting the key (the unique _id is the only atomic step FerretDB offers). */
export const LOCK_SCHEMA_VERSION = 1;

export interface LockDoc {
  _id: string;
  owner: string;
  until: Date;
  schemaVersion?: number;
}
export const lockSchema = new Schema(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    until: { type: Date, required: true },
    schemaVersion: { type: Number, default: LOCK_SCHEMA_VERSION },
  },
  { collection: 'locks', versionKey: false },
);
lockSchema.index({ until: 1 });
