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
}
