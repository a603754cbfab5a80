import type { OutboxItem } from '../outbox-item';

/**
 * Documents of the leaders' side (escalations, appeals) kept the way tasks are: created once by _id,
 * changed under their lock with the messages a change owes written in the same document write, then
 * relayed to the outbox (docs/rules.md#reliability-rules: no multi-document transactions). A 'refresh'
 * item becomes one patch per live copy of its card when relayed. Every change with an audit note is
 * put on the record with the task it concerns.
 */
export interface AuditNote {
  action: string;
  by: string;
  note?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export interface DocChange<T, R> {
  doc?: T; // the new version (a coded store sets its rev); absent = nothing changes
  owed?: OutboxItem[];
  audit?: AuditNote;
  result: R;
}

export interface OwedDocStore<T extends { _id: string; rev: number }> {
  get(id: string): Promise<T | null>;
  /** Creates the document once (by _id); returns whether this call created it. */
  create(doc: T, owed: OutboxItem[], audit?: AuditNote): Promise<boolean>;
  /** Reads, decides and writes one document under its lock; null when there is none. */
  change<R>(id: string, fn: (doc: T) => DocChange<T, R> | Promise<DocChange<T, R>>): Promise<R | null>;
  /** Sends on what the document owes. */
  relay(id: string): Promise<void>;
  /** Relays whatever a crash left owed; answers how many documents owed something. */
  relayAll(): Promise<number>;
}

/** A list page. */
export interface Page<T> {
  items: T[];
  total: number;
}
