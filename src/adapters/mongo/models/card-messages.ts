import { Schema } from 'mongoose';

/** card_messages: every live copy of a card (task, roll-up, escalation), so each can be updated in place. */
export const CARD_MESSAGE_SCHEMA_VERSION = 1;

export interface CardMessageDoc {
  _id: string; // message id
  ref: string; // e.g. task:DB-2026-0001, order:PREVIEW_ID
  view: string; // unit | group | official | leader | rollup
  chatId?: string;
  to?: { type: 'chat_id' | 'open_id'; id: string };
  sentAt: Date;
  replacedBy?: string; // a fresh copy sent after Feishu's 14-day edit limit
  schemaVersion?: number;
}
export const cardMessageSchema = new Schema(
  {
    _id: { type: String, required: true },
    ref: { type: String, required: true },
    view: { type: String, required: true },
    chatId: String,
    to: Schema.Types.Mixed,
    sentAt: { type: Date, required: true },
    replacedBy: String,
    schemaVersion: { type: Number, default: CARD_MESSAGE_SCHEMA_VERSION },
  },
  { collection: 'card_messages', versionKey: false },
);
cardMessageSchema.index({ ref: 1 });
