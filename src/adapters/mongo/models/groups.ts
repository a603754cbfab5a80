import { Schema } from 'mongoose';
import { GROUP_KINDS, type Group } from '../../../domain/org';

/** groups: upserted by code from the organisation file, deactivated (never deleted). */
export const GROUP_SCHEMA_VERSION = 1;

export type GroupDoc = Group & { schemaVersion: number; updatedAt?: Date };
export const groupSchema = new Schema(
  {
    code: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, enum: GROUP_KINDS, required: true },
    cityLeader: { type: String, required: true },
    units: { type: [String], default: [] },
    chatId: String,
    active: { type: Boolean, default: true },
    schemaVersion: { type: Number, default: GROUP_SCHEMA_VERSION },
  },
  { collection: 'groups', versionKey: false, timestamps: true },
);
groupSchema.index({ code: 1 }, { unique: true });
