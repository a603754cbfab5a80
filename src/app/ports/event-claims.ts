/**
 * What Feishu delivered, taken in once across restarts and instances (docs/architecture.md#ports-of-the-core): a
 * claim per event id (and per message id), 'processing' while it is handled, 'done' after.
 */
export interface EventClaim {
  state: string; // processing | done
  at: Date;
  owner?: string; // the instance that claimed it (absent on claims from before owners were recorded)
}

export interface EventClaims {
  /** Claims the id for `owner`; false when it was claimed before. */
  add(id: string, type: string, owner: string): Promise<boolean>;
  get(id: string): Promise<EventClaim | null>;
  done(id: string): Promise<void>;
  /**
   * True when this instance knows the id's claim is durable and done (a bounded memory of the latest
   * ids): a repeat is then answered with no database round trip. False says nothing: ask `add`/`get`.
   */
  knownDone(id: string): boolean;
}
