import type { ClaimRequest, EventClaim, EventClaims } from '../../app/ports/event-claims';
import type { Models } from './models';
import { PROCESSED_EVENT_SCHEMA_VERSION } from './models/processed-events';
import { machineDate } from '../../clock';
import { GroupCommit, insertOutcomes } from './group-commit';
import { RecentIds } from './recent-ids';
import { writeGate } from './write-gate';

export interface EventClaimsOptions {
  /** How many done ids to remember (answered with no round trip). */
  remember?: number;
  /** How long a claim waits for others to share its insert (ms). */
  claimWindowMs?: number;
  /** How long a done mark waits for others (ms): off the answer's path, so longer. */
  doneWindowMs?: number;
}

type ClaimDoc = { _id: string; type: string; at: Date; state: 'processing' | 'done'; owner: string; schemaVersion: number };

/**
 * processed_events: one document per event id (and `msg:` message id) taken in, its unique _id the claim.
 * Claims made at the same moment share one unordered `insertMany`, done marks one unordered `bulkWrite`
 * of updates by `_id` (docs/architecture.md#the-hot-path). Every read and write is by `_id` equality.
 */
export class MongoEventClaims implements EventClaims {
  /** Ids whose claim this instance has seen done in the database (marked by it, or read back). */
  private readonly settled: RecentIds;
  private readonly inserts: GroupCommit<ClaimDoc, boolean>;
  private readonly marks: GroupCommit<string, true>;

  constructor(
    private readonly models: Pick<Models, 'processedEvents'>,
    opts: EventClaimsOptions = {},
  ) {
    this.settled = new RecentIds(opts.remember ?? 100_000);
    this.inserts = new GroupCommit((docs) => this.insertAll(docs), { windowMs: opts.claimWindowMs ?? 1, max: 500 });
    this.marks = new GroupCommit((ids) => this.markAll(ids), { windowMs: opts.doneWindowMs ?? 5, max: 500 });
  }

  private async insertAll(docs: ClaimDoc[]): Promise<(boolean | Error)[]> {
    try {
      await writeGate(this.models.processedEvents).run('answer', () => this.models.processedEvents.collection.insertMany(docs as never[], { ordered: false }));
      return docs.map(() => true);
    } catch (e) {
      return insertOutcomes(docs.length, e);
    }
  }

  private async markAll(ids: string[]): Promise<true[]> {
    const unique = [...new Set(ids)];
    await writeGate(this.models.processedEvents).run('after', () => this.models.processedEvents.collection.bulkWrite(
      unique.map((id) => ({ updateOne: { filter: { _id: id }, update: { $set: { state: 'done' } } } })) as never[],
      { ordered: false },
    ));
    for (const id of unique) this.settled.add(id);
    return ids.map(() => true as const);
  }

  knownDone(id: string): boolean {
    return this.settled.has(id);
  }

  add(claims: readonly ClaimRequest[], owner: string, state: 'processing' | 'done' = 'processing'): Promise<boolean[]> {
    const at = machineDate();
    return this.inserts.submit(claims.map((c) => ({ _id: c.id, type: c.type, at, state, owner, schemaVersion: PROCESSED_EVENT_SCHEMA_VERSION })));
  }

  remember(ids: readonly string[]): void {
    for (const id of ids) this.settled.add(id);
  }

  async get(id: string): Promise<EventClaim | null> {
    const claim = await this.models.processedEvents.findById(id).lean<EventClaim>();
    if (claim?.state === 'done') this.settled.add(id);
    return claim;
  }

  async done(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.marks.submit(ids);
  }

  async release(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    const set = { at: new Date(0), withdrawn: true };
    await this.models.processedEvents.collection.bulkWrite(ids.map((id) => ({ updateOne: { filter: { _id: id }, update: { $set: set } } })) as never, { ordered: false });
  }

  async takeOver(id: string, owner: string): Promise<void> {
    await this.models.processedEvents.collection.updateOne({ _id: id } as never, { $set: { owner, at: machineDate(), withdrawn: false } });
  }
}
