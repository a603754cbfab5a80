import { Schema } from 'mongoose';
import type { Person } from '../../../domain/org';

/** people (with their roles): upserted by code from the organisation file, deactivated (never deleted). */
export const PERSON_SCHEMA_VERSION = 1;

export type PersonDoc = Person & { schemaVersion: number; updatedAt?: Date };
export const personSchema = new Schema(
  {
    code: { type: String, required: true },
    name: { type: String, required: true },
    openId: String,
    mobile: String,
    email: String,
    roles: { type: [Schema.Types.Mixed], default: [] },
    active: { type: Boolean, default: true },
    schemaVersion: { type: Number, default: PERSON_SCHEMA_VERSION },
  },
  { collection: 'people', versionKey: false, timestamps: true },
);
personSchema.index({ code: 1 }, { unique: true });
