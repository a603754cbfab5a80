import type { OutboxItem } from './outbox-item';
import type { AuditNote, DocChange } from './ports/owed-docs';

/**
 * A port for a feature's numbered documents (projects `XM-…`, visits `XC-…`): created once by origin
 * with the next code of the year (gapless), read by `_id` (the code), changed one at a time under the
 * document's lock with the messages the change owes kept on the document in the same write, then
 * relayed to the outbox (docs/rules.md#reliability-rules). Every change goes on the record (audits).
 */
export type { AuditNote, DocChange } from './ports/owed-docs';

export interface CodedStore<T extends { code: string; rev: number }> {
  /** The document of `origin`, made with the next code of `year` unless that origin made one already. */
  create(year: number, origin: string, build: (code: string) => T, owed: (doc: T) => OutboxItem[], audit: (doc: T) => AuditNote): Promise<{ doc: T; created: boolean }>;
  get(code: string): Promise<T | null>;
  /** Newest first; `where` is an equality filter on top-level fields (scans on FerretDB's SQLite: admin lists only). */
  list(where: Record<string, string>, limit: number, offset: number): Promise<{ items: T[]; total: number }>;
  change<R>(code: string, fn: (doc: T) => DocChange<T, R> | Promise<DocChange<T, R>>): Promise<R | null>;
  /** Sends on what a crash left owed. */
  relayAll(): Promise<number>;
}
