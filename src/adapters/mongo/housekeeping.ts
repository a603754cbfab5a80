import type { Housekeeping } from '../../app/ports/housekeeping';
import type { Models } from './models';

export class MongoHousekeeping implements Housekeeping {
  constructor(private readonly models: Pick<Models, 'processedEvents' | 'outbox' | 'locks' | 'previews'>) {}

  async pruneEvents(before: Date): Promise<number> {
    return (await this.models.processedEvents.deleteMany({ at: { $lt: before } })).deletedCount;
  }

  async pruneOutbox(before: Date): Promise<number> {
    return (await this.models.outbox.deleteMany({ status: { $in: ['sent', 'superseded'] }, createdAt: { $lt: before } })).deletedCount;
  }

  async pruneLocks(before: Date): Promise<number> {
    return (await this.models.locks.deleteMany({ until: { $lt: before } })).deletedCount;
  }

  async prunePreviews(before: Date): Promise<number> {
    return (await this.models.previews.deleteMany({ state: { $in: ['pending', 'cancelled'] }, createdAt: { $lt: before } })).deletedCount;
  }
}
