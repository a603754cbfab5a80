/** What the cleanup job removes (FerretDB has no TTL indexes); each answers how many went. */
export interface Housekeeping {
  /** Processed event ids seen before `before`. */
  pruneEvents(before: Date): Promise<number>;
  /** Outbox rows sent or superseded, created before `before`. */
  pruneOutbox(before: Date): Promise<number>;
  /** Locks expired before `before`. */
  pruneLocks(before: Date): Promise<number>;
  /** Previews nobody confirmed (pending or cancelled), made before `before`. */
  prunePreviews(before: Date): Promise<number>;
}
