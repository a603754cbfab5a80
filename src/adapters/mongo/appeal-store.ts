import type { Model } from 'mongoose';
import type { Appeal, AppealFilter, AppealState, AppealStore } from '../../app/ports/appeals';
import type { Page } from '../../app/ports/owed-docs';
import { MongoOwedDocs, type OwedFields } from './owed-docs';

export class MongoAppeals extends MongoOwedDocs<Appeal> implements AppealStore {
  constructor(model: Model<Appeal & OwedFields>, o: ConstructorParameters<typeof MongoOwedDocs<Appeal>>[2]) {
    super(model, 'appeal', o);
  }

  async statesOf(code: string): Promise<AppealState[]> {
    return (await this.model.find({ code }, { state: 1 }).lean<Pick<Appeal, 'state'>[]>()).map((a) => a.state);
  }

  async upheld(): Promise<Pick<Appeal, 'code' | 'items'>[]> {
    return this.model.find({ state: 'upheld' }, { code: 1, items: 1 }).lean<Pick<Appeal, 'code' | 'items'>[]>();
  }

  async list(f: AppealFilter, limit: number, offset: number): Promise<Page<Appeal>> {
    const filter: Record<string, unknown> = {};
    if (f.state) filter.state = f.state;
    if (f.code) filter.code = f.code;
    const [items, total] = await Promise.all([this.model.find(filter, { owed: 0, owedAt: 0 }).sort({ at: -1, _id: 1 }).skip(offset).limit(limit).lean<Appeal[]>(), this.model.countDocuments(filter)]);
    return { items, total };
  }
}
