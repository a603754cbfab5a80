import { Schema } from 'mongoose';
import type { DraftTask } from '../../../domain/dispatch';
import type { TaskSource } from '../../../domain/task';

/** previews: a parsed dispatch order waiting for 确认派发 / 取消. Nothing becomes a task before it is confirmed. */
export const PREVIEW_SCHEMA_VERSION = 1;

export interface PreviewDoc {
  _id: string;
  dispatcher: string; // person code
  group: string;
  chatId: string;
  sourceMessageId: string;
  drafts: (DraftTask & { group: string })[];
  source: TaskSource;
  state: 'pending' | 'confirmed' | 'cancelled';
  codes: string[];
  createdAt: Date;
  decidedAt?: Date;
  decidedBy?: string;
  schemaVersion?: number;
}

export const previewSchema = new Schema(
  {
    _id: { type: String, required: true },
    dispatcher: { type: String, required: true },
    group: { type: String, required: true },
    chatId: String,
    sourceMessageId: String,
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
