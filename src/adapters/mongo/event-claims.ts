import type { EventClaim, EventClaims } from '../../app/ports/event-claims';
import type { Models } from './models';
import { PROCESSED_EVENT_SCHEMA_VERSION } from './models/processed-events';
import { machineDate } from '../../clock';
import { RecentIds } from './recent-ids';

/** processed_events: one document per event id (and `msg:` message id) taken in, its unique _id the claim. */
export class MongoEventClaims implements EventClaims {
  /** Ids whose claim this instance has seen done in the database (marked by it, or read back). */
  private readonly settled: RecentIds;

  constructor(
    private readonly models: Pick<Models, 'processedEvents'>,
    opts: { remember?: number } = {},
  ) {
    this.settled = new RecentIds(opts.remember ?? 100_000);
  }

  knownDone(id: string): boolean {
    return this.settled.has(id);
  }

  async add(id: string, type: string, owner: string): Promise<boolean> {
    try {
      await this.models.processedEvents.collection.insertOne({ _id: id, type, at: machineDate(), state: 'processing', owner, schemaVersion: PROCESSED_EVENT_SCHEMA_VERSION } as never);
      return true;
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e;
      return false;
    }
  }

  async get(id: string): Promise<EventClaim | null> {
    const claim = await this.models.processedEvents.findById(id).lean<EventClaim>();
    if (claim?.state === 'done') this.settled.add(id);
    return claim;
  }

  async done(id: string): Promise<void> {
    await this.models.processedEvents.updateOne({ _id: id }, { $set: { state: 'done' } });
    this.settled.add(id);
  }
}
