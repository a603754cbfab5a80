import { Schema } from 'mongoose';

/**
 * outbox: every message the bot owes a person (docs/architecture.md#the-outbox-and-the-relay). Rows are keyed by the Feishu `uuid` they are
 * sent with, so putting the same item twice is a no-op. A lane is one chat or person: rows of a lane go
 * out in `seq` order, at most at the lane's rate.
 */
export const OUTBOX_SCHEMA_VERSION = 1;

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
