/**
 * What Feishu delivered, taken in once across restarts and instances (docs/architecture.md#ports-of-the-core): a
 * claim per event id (and per message id), 'processing' while it is handled, 'done' after
 * (docs/architecture.md#the-hot-path says how an instance of the previous release reads the same claims).
 */
export interface EventClaim {
  state: string; // processing | done
  at: Date;
  owner?: string; // the instance that claimed it (absent on claims from before owners were recorded)
  /** Withdrawn by the delivery that made it (it will not work on it): the next delivery takes it over. */
  withdrawn?: boolean;
}

export interface ClaimRequest {
  id: string;
  type: string;
}

export interface EventClaims {
  /**
   * Claims the ids for `owner`, durably, in one database batch (shared with other claims made at the same
   * moment): per id, true when this call claimed it, false when it was claimed before. Rejects when the
   * database did not confirm them (then a redelivery finds them ours or absent). `state` 'done': a claim
   * that only tells duplicates (a card action's, never delivered again), needing no done mark.
   */
  add(claims: readonly ClaimRequest[], owner: string, state?: 'processing' | 'done'): Promise<boolean[]>;
  get(id: string): Promise<EventClaim | null>;
  /** Marks the ids done (batched with other done marks); resolves once that is durable. */
  done(ids: readonly string[]): Promise<void>;
  /**
   * Remembers ids whose work is durable by other means (a query's reply queued under a key made from
   * its message id: docs/architecture.md#the-hot-path), so a repeat here is answered from memory like a
   * done claim's. Nothing is written: another instance asks again and finds the reply queued.
   */
  remember(ids: readonly string[]): void;
  /**
   * Withdraws claims this instance made and will not work on, so a redelivery takes them over. They stay
   * 'processing', marked withdrawn and dated long ago: the previous release reads that as a claim whose
   * instance died and takes it over under the lock `event:<id>` (a deleted claim it would read as done).
   */
  release(ids: readonly string[]): Promise<void>;
  /** Makes a withdrawn (or dead instance's) claim `owner`'s, dated now, after its `event:<id>` lock was won. */
  takeOver(id: string, owner: string): Promise<void>;
  /**
   * True when this instance knows the id's claim is durable and done (a bounded memory of the latest
   * ids): a repeat is then answered with no database round trip. False says nothing: ask `add`/`get`.
   */
  knownDone(id: string): boolean;
}
