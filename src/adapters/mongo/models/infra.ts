import { Schema } from 'mongoose';

/** Small collections that make the service safe to run twice: locks, processed events, job runs, card copies. */

/** locks: a mutex per key, taken by inserting the key (the unique _id is the only atomic step FerretDB offers). */
export interface LockDoc {
  _id: string;
  owner: string;
  until: Date;
}
export const lockSchema = new Schema(
  { _id: { type: String, required: true }, owner: { type: String, required: true }, until: { type: Date, required: true } },
  { collection: 'locks', versionKey: false },
);
lockSchema.index({ until: 1 });

/** processed_events: Feishu event ids (and message ids) already taken in; kept longer than FEISHU_MAX_EVENT_AGE. */
export interface ProcessedEventDoc {
  _id: string;
  type: string;
  at: Date;
  state: 'processing' | 'done';
}
export const processedEventSchema = new Schema(
  { _id: { type: String, required: true }, type: String, at: { type: Date, required: true }, state: { type: String, default: 'processing' } },
  { collection: 'processed_events', versionKey: false },
);
processedEventSchema.index({ at: 1 });

/** job_runs: one row per job slot; its _id (name@slot) makes each slot run once across instances. */
export interface JobRunDoc {
  _id: string;
  name: string;
  slot: Date; // the business moment the run is for
  trigger: 'schedule' | 'catch-up' | 'manual';
  owner: string;
  startedAt: Date;
  endedAt?: Date;
  status: 'running' | 'ok' | 'skipped' | 'error';
  result?: unknown;
  error?: string;
}
export const jobRunSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    slot: { type: Date, required: true },
    trigger: { type: String, required: true },
    owner: String,
    startedAt: { type: Date, required: true },
    endedAt: Date,
    status: { type: String, required: true },
    result: Schema.Types.Mixed,
    error: String,
  },
  { collection: 'job_runs', versionKey: false, minimize: false },
);
jobRunSchema.index({ name: 1, slot: -1 });
jobRunSchema.index({ startedAt: -1 });

/** card_messages: every live copy of a card (task, roll-up, escalation), so each can be updated in place. */
export interface CardMessageDoc {
  _id: string; // message id
  ref: string; // e.g. task:DB-2026-0001, order:PREVIEW_ID
  view: string; // unit | group | official | leader | rollup
  chatId?: string;
  to?: { type: 'chat_id' | 'open_id'; id: string };
  sentAt: Date;
  replacedBy?: string; // a fresh copy sent after Feishu's 14-day edit limit
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
  },
  { collection: 'card_messages', versionKey: false },
);
cardMessageSchema.index({ ref: 1 });

/** audits: the append-only log of changes that are not a task's own (org imports, meetings, appeals …). */
export interface AuditDoc {
  entity: string;
  at: Date;
  by: string;
  action: string;
  note?: string;
  before?: unknown;
  after?: unknown;
}
export const auditSchema = new Schema(
  {
    entity: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    action: { type: String, required: true },
    note: String,
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
  },
  { collection: 'audits', versionKey: false },
);
auditSchema.index({ entity: 1, at: 1 });
auditSchema.index({ at: 1 });

/** card_refs: per card ref (task:…, order:…), its live copies; see card-refs.ts. */
export interface CardRefDoc {
  _id: string;
  copies: { messageId: string; view: string }[];
}
export const cardRefSchema = new Schema(
  { _id: { type: String, required: true }, copies: { type: [Schema.Types.Mixed], default: [] } },
  { collection: 'card_refs', versionKey: false },
);

/** counters: the last number taken per series (task codes of a year), read and written by _id under the series' lock. */
export interface CounterDoc {
  _id: string;
  seq: number;
}
export const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { collection: 'counters', versionKey: false });

/** task_origins: the step that created a task (preview:ID:i, form:…, meeting:…) → the code it took; makes creation idempotent. */
export interface TaskOriginDoc {
  _id: string;
  code: string;
}
export const taskOriginSchema = new Schema({ _id: { type: String, required: true }, code: { type: String, required: true } }, { collection: 'task_origins', versionKey: false });
