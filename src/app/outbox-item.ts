import type { FileRef } from './ports';

/**
 * The outbox's item: every message the bot owes a person (docs/architecture.md#the-outbox-and-the-relay).
 * The app's type; the mongo adapter stores it (its outbox model) and the Feishu adapter sends it.
 */

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
