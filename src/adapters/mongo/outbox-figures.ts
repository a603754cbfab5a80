import type { OutboxFigures } from '../../app/ports/outbox-figures';
import type { Models } from './models';

export class MongoOutboxFigures implements OutboxFigures {
  constructor(private readonly models: Pick<Models, 'outbox'>) {}

  async counts(): Promise<{ failed: number; pending: number }> {
    const [failed, pending] = await Promise.all([this.models.outbox.countDocuments({ status: 'failed' }), this.models.outbox.countDocuments({ status: 'pending' })]);
    return { failed, pending };
  }

  async lastSentAt(): Promise<Date | null> {
    const newest = await this.models.outbox.find({ status: 'sent' }, { sentAt: 1 }).sort({ seq: -1 }).limit(1).lean<{ sentAt?: Date }[]>();
    return newest[0]?.sentAt ?? null;
  }
}
