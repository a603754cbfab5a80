import { Schema } from 'mongoose';
import { UNIT_KINDS, type Unit } from '../../../domain/org';

/** units: upserted by code from the organisation file, deactivated (never deleted). */
export const UNIT_SCHEMA_VERSION = 1;

export type UnitDoc = Unit & { schemaVersion: number; updatedAt?: Date };
export const unitSchema = new Schema(
  {
    code: { type: String, required: true },
    name: { type: String, required: true },
    fullName: String,
    aliases: { type: [String], default: [] },
    kind: { type: String, enum: UNIT_KINDS, required: true },
    area: String,
    chatId: String,
    active: { type: Boolean, default: true },
    schemaVersion: { type: Number, default: UNIT_SCHEMA_VERSION },
  },
  { collection: 'units', versionKey: false, timestamps: true },
);
unitSchema.index({ code: 1 }, { unique: true });
