import { Schema } from 'mongoose';
import { GROUP_KINDS, UNIT_KINDS, type Group, type Person, type Unit } from '../../../domain/org';

/** units, groups, people: upserted by code from the organisation file, deactivated (never deleted). */
export const SCHEMA_VERSION = 1;

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
    schemaVersion: { type: Number, default: SCHEMA_VERSION },
  },
  { collection: 'units', versionKey: false, timestamps: true },
);
unitSchema.index({ code: 1 }, { unique: true });

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
    schemaVersion: { type: Number, default: SCHEMA_VERSION },
  },
  { collection: 'groups', versionKey: false, timestamps: true },
);
groupSchema.index({ code: 1 }, { unique: true });

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
    schemaVersion: { type: Number, default: SCHEMA_VERSION },
  },
  { collection: 'people', versionKey: false, timestamps: true },
);
personSchema.index({ code: 1 }, { unique: true });
