import type { OutboxItem, OutboxRow, OutboxStatus } from '../outbox-item';

/** The outbox (docs/architecture.md#the-outbox-and-the-relay): what the bot owes people, sent by the worker. */
/** 'answer': an answer waits for the put; 'after': it follows one (a relay, a job), so answers' writes go first. */
export type PutUrgency = 'answer' | 'after';

export interface Outbox {
  /** Queues items once each (by key): putting one again changes nothing. */
  put(items: OutboxItem[], urgency?: PutUrgency): Promise<void>;
  get(id: string): Promise<OutboxRow | null>;
  update(id: string, set: Partial<OutboxRow>): Promise<void>;
  /** Newest first; `retrying`: pending rows that failed at least once. */
  list(status: OutboxStatus | 'retrying' | undefined, limit: number, offset: number): Promise<{ items: OutboxRow[]; total: number }>;
  depth(): Promise<{ counts: Record<OutboxStatus, number>; oldestPending: Date | null }>;
}
