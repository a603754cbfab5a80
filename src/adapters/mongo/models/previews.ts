import { Schema } from 'mongoose';
import type { Preview } from '../../../app/ports/previews';

/** previews: a parsed dispatch order waiting for 确认派发 / 取消. Nothing becomes a task before it is confirmed. */
export const PREVIEW_SCHEMA_VERSION = 1;

/** The app's Preview (src/app/ports/previews.ts), as stored. */
export type PreviewDoc = Preview;

export const previewSchema = new Schema(
  {
    _id: { type: String, required: true },
    dispatcher: { type: String, required: true },
    group: { type: String, required: true },
    chatId: String,
    sourceMessageId: String,
    sourceFile: Schema.Types.Mixed,
    drafts: { type: [Schema.Types.Mixed], default: [] },
    source: String,
    state: { type: String, required: true },
    codes: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    decidedAt: Date,
    decidedBy: String,
    schemaVersion: { type: Number, default: PREVIEW_SCHEMA_VERSION },
  },
  { collection: 'previews', versionKey: false, minimize: false },
);
previewSchema.index({ createdAt: 1 });
