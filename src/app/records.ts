/**
 * A small collection of records a feature keeps (meetings, reports, 亮点, grades): the port its folder
 * uses and the mongo adapter's records.ts implements. Lists filter on plain fields (equality, `$in`),
 * so the same call works on MongoDB and FerretDB.
 */
export type RecordFilter = Record<string, string | number | boolean | { $in: (string | number)[] }>;

export interface Records<T extends { _id: string }> {
  get(id: string): Promise<T | null>;
  /** Inserts once by `_id`; false when it was already there. */
  insert(doc: T): Promise<boolean>;
  /** Replaces (or creates) the document whole. */
  put(doc: T): Promise<void>;
  list(filter: RecordFilter, o: { sort: Record<string, 1 | -1>; limit: number; offset: number }): Promise<{ items: T[]; total: number }>;
  all(filter: RecordFilter): Promise<T[]>;
  count(filter: RecordFilter): Promise<number>;
  /** The highest `number` among the year's records (0 when none), for gapless numbering under `withLock`. */
  lastNumber(year: number): Promise<number>;
  withLock<R>(key: string, fn: () => Promise<R>): Promise<R>;
}
