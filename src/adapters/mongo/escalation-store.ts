import type { Model } from 'mongoose';
import { AGENDA_STATES, type Escalation, type EscalationFilter, type EscalationStore } from '../../app/ports/escalations';
import type { Page } from '../../app/ports/owed-docs';
import { MongoOwedDocs, type OwedFields } from './owed-docs';

export class MongoEscalations extends MongoOwedDocs<Escalation> implements EscalationStore {
  constructor(model: Model<Escalation & OwedFields>, o: ConstructorParameters<typeof MongoOwedDocs<Escalation>>[2]) {
    super(model, 'escalation', o);
  }

  async agenda(leader?: string): Promise<Escalation[]> {
    const filter: Record<string, unknown> = { state: { $in: [...AGENDA_STATES] } };
    if (leader) filter.leader = leader;
    return this.model.find(filter, { owed: 0 }).sort({ acceptedAt: 1, _id: 1 }).lean<Escalation[]>();
  }

  async byIds(ids: string[]): Promise<Escalation[]> {
    return this.model.find({ _id: { $in: ids } }, { owed: 0 }).lean<Escalation[]>();
  }

  async list(f: EscalationFilter, limit: number, offset: number): Promise<Page<Escalation>> {
    const filter: Record<string, unknown> = {};
    if (f.state) filter.state = f.state;
    if (f.leader) filter.leader = f.leader;
    if (f.group) filter.group = f.group;
    if (f.code) filter.code = f.code;
    const [items, total] = await Promise.all([this.model.find(filter, { owed: 0, owedAt: 0 }).sort({ acceptedAt: -1, _id: 1 }).skip(offset).limit(limit).lean<Escalation[]>(), this.model.countDocuments(filter)]);
    return { items, total };
  }
}
