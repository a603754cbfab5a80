import type { Meeting, MeetingFilter, MeetingItem, MeetingStore, MinutesForm } from '../../app/ports/meetings';
import type { Page } from '../../app/ports/owed-docs';
import { insertNew } from './insert-new';
import type { Models } from './models';
import { MEETING_SCHEMA_VERSION } from './models/meetings';

export class MongoMeetings implements MeetingStore {
  constructor(private readonly models: Pick<Models, 'meetings' | 'minutesForms'>) {}

  async get(id: string): Promise<Meeting | null> {
    return this.models.meetings.findById(id).lean<Meeting>();
  }

  async add(m: Meeting): Promise<void> {
    await this.models.meetings.collection.insertOne({ ...m, schemaVersion: m.schemaVersion ?? MEETING_SCHEMA_VERSION } as never); // the driver's types expect an ObjectId _id
  }

  async finish(id: string, items: MeetingItem[]): Promise<void> {
    await this.models.meetings.updateOne({ _id: id }, { $set: { items, state: 'done' } });
  }

  async heldIn(leader: string, month: string): Promise<boolean> {
    return Boolean(await this.models.meetings.exists({ leader, month }));
  }

  async list(f: MeetingFilter, limit: number, offset: number): Promise<Page<Meeting>> {
    const filter: Record<string, unknown> = {};
    if (f.leader) filter.leader = f.leader;
    if (f.month) filter.month = f.month;
    const [items, total] = await Promise.all([this.models.meetings.find(filter).sort({ date: -1, _id: 1 }).skip(offset).limit(limit).lean<Meeting[]>(), this.models.meetings.countDocuments(filter)]);
    return { items, total };
  }

  async form(id: string): Promise<MinutesForm | null> {
    return this.models.minutesForms.findById(id).lean<MinutesForm>();
  }

  async addForm(f: MinutesForm): Promise<void> {
    await insertNew(this.models.minutesForms, [f]);
  }
}
