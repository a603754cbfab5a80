import type { Model } from 'mongoose';
import type { RecordFilter, Records } from '../../app/records';
import { insertNew } from './insert-new';
import type { Locks } from './lock';

/** `Records` over one collection (src/app/records.ts). */
export class MongoRecords<T extends { _id: string }> implements Records<T> {
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private readonly model: Model<any>,
    private readonly locks: Locks,
  ) {}

  get(id: string): Promise<T | null> {
    return this.model.findById(id, { owed: 0 }).lean<T>();
  }

  async insert(doc: T): Promise<boolean> {
    return (await insertNew(this.model, [doc])).size === 1;
  }

  async put(doc: T): Promise<void> {
    await this.model.collection.replaceOne({ _id: doc._id } as never, doc as never, { upsert: true });
  }

  async list(filter: RecordFilter, o: { sort: Record<string, 1 | -1>; limit: number; offset: number }): Promise<{ items: T[]; total: number }> {
    const [items, total] = await Promise.all([this.model.find(filter, { owed: 0, owedAt: 0 }).sort({ ...o.sort, _id: 1 }).skip(o.offset).limit(o.limit).lean<T[]>(), this.model.countDocuments(filter)]);
    return { items, total };
  }

  all(filter: RecordFilter): Promise<T[]> {
    return this.model.find(filter, { owed: 0, owedAt: 0 }).lean<T[]>();
  }

  count(filter: RecordFilter): Promise<number> {
    return this.model.countDocuments(filter);
  }

  async lastNumber(year: number): Promise<number> {
    const last = await this.model.findOne({ year }, { number: 1 }).sort({ number: -1 }).lean<{ number?: number }>();
    return last?.number ?? 0;
  }

  withLock<R>(key: string, fn: () => Promise<R>): Promise<R> {
    return this.locks.withLock(key, fn);
  }
}
