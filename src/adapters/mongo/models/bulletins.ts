import { Schema } from 'mongoose';
import type { Bulletin } from '../../../app/ports/bulletins';

/** bulletins: 表扬 / 批评 published by a group; created by a unique insert, recorded in `audits`. */
export const BULLETIN_SCHEMA_VERSION = 1;

export type BulletinDoc = Bulletin;
export const bulletinSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    items: { type: [Schema.Types.Mixed], default: [] },
    publisher: { type: String, required: true },
    by: { type: String, required: true },
    targets: { type: [Schema.Types.Mixed], default: [] },
    date: { type: String, required: true },
    createdAt: { type: Date, required: true },
    schemaVersion: { type: Number, default: BULLETIN_SCHEMA_VERSION },
  },
  { collection: 'bulletins', versionKey: false, minimize: false },
);
bulletinSchema.index({ createdAt: -1 });

