import { Schema } from 'mongoose';
import type { FileRef } from '../../../app/ports';

/**
 * outbox: every message the bot owes a person (docs/architecture.md#the-outbox-and-the-relay). Rows are keyed by the Feishu `uuid` they are
 * sent with, so putting the same item twice is a no-op. A lane is one chat or person: rows of a lane go
 * out in `seq` order, at most at the lane's rate.
 */
export const OUTBOX_SCHEMA_VERSION = 1;

/** 'refresh' is virtual: the relay expands it into one 'patch' per live copy of `ref`. */
export type OutboxKind = 'send' | 'reply' | 'patch' | 'urgent' | 'card_update' | 'refresh';
export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'superseded';

export interface CardRender {
  card: string; // renderer name, e.g. 'task'
  ref: string; // what it shows, e.g. 'task:DB-2026-0001'
  view: string; // whose copy, e.g. 'unit' | 'group'
}

/** What a change owes: stored on the changed document, then moved here by the relay. */
export interface OutboxItem {
  key: string; // idempotency key, ≤ 50 chars, sent as Feishu's uuid
  kind: OutboxKind;
  to?: { type: 'chat_id' | 'open_id'; id: string }; // send
  messageId?: string; // reply / patch / urgent target
  msgType: 'text' | 'interactive' | 'post' | 'file';
  content?: unknown; // fixed content (text or card JSON)
  render?: CardRender; // a card rendered when sent, so it always shows the latest state
  file?: FileRef; // msgType file: made and uploaded when sent (docs/architecture.md#files-out)
  record?: { ref: string; view: string }; // remember the sent message as a live copy of ref
  urgentTo?: string[]; // open_ids to buzz (加急) after sending
  cardToken?: string; // card_update: the callback's update token
  lane?: string; // ordering and rate-limit lane (a chat or person); derived from `to` when absent
  ref?: string; // refresh: whose copies to update, e.g. task:DB-2026-0001
}

export interface OutboxRow extends OutboxItem {
  _id: string;
  lane: string;
  seq: number;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  sentAt?: Date;
  sentMessageId?: string;
  fileKey?: string; // the uploaded file of a file row, kept so a retry does not upload it again
  lastError?: { code: string; message: string; permanent: boolean };
  schemaVersion?: number;
}

export const outboxSchema = new Schema(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    kind: { type: String, required: true },
    to: Schema.Types.Mixed,
    messageId: String,
    msgType: { type: String, required: true },
    content: Schema.Types.Mixed,
    render: Schema.Types.Mixed,
    file: Schema.Types.Mixed,
    record: Schema.Types.Mixed,
    urgentTo: [String],
    cardToken: String,
    lane: { type: String, required: true },
    seq: { type: Number, required: true },
    status: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    sentAt: Date,
    sentMessageId: String,
    fileKey: String,
    lastError: Schema.Types.Mixed,
    schemaVersion: { type: Number, default: OUTBOX_SCHEMA_VERSION },
  },
  { collection: 'outbox', versionKey: false, minimize: false },
);
outboxSchema.index({ status: 1, seq: 1 }); // the worker's scan
outboxSchema.index({ status: 1, createdAt: 1 }); // admin list, cleanup
outboxSchema.index({ lane: 1, seq: 1 });
outboxSchema.index({ messageId: 1, status: 1 }); // collapsing updates of one card
outboxSchema.index({ createdAt: -1 }); // admin list of every status
