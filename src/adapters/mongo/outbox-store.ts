import type { Models } from './models';
import type { OutboxItem, OutboxRow, OutboxStatus } from './models/outbox';

/**
 * The outbox's rows. `put` is safe to repeat: a row's _id is the item's idempotency key, so the relay
 * may put the same owed item twice after a crash and still one message goes out.
 */
let lastSeq = 0;
/** Increasing numbers that order rows within a lane (wall-clock based, so roughly ordered across instances). */
export function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

export function laneOf(item: OutboxItem): string {
  if (item.lane) return item.lane;
  if (item.to) return `${item.to.type === 'chat_id' ? 'chat' : 'user'}:${item.to.id}`;
  if (item.kind === 'card_update') return `token:${item.cardToken}`;
  return `msg:${item.messageId}`;
}

export class OutboxStore {
  private listeners: (() => void)[] = [];

  constructor(private readonly models: Models) {}

  onPut(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Queues items to go out now (wall-clock time: the outbox never follows the business clock). */
  async put(items: OutboxItem[]): Promise<void> {
    const now = new Date();
    if (!items.length) return;
    const docs: OutboxRow[] = items.map((item) => ({
      ...item,
      _id: item.key,
      lane: laneOf(item),
      seq: nextSeq(),
      status: 'pending' as OutboxStatus,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    }));
    try {
      await this.models.outbox.collection.insertMany(docs as never[], { ordered: false });
    } catch (e) {
      const err = e as { code?: number; writeErrors?: { code?: number }[] };
      const onlyDuplicates = err.code === 11000 && (err.writeErrors ?? []).every((w) => w.code === 11000);
      if (!onlyDuplicates) throw e;
    }
    for (const fn of this.listeners) fn();
  }

  /** The oldest rows not yet final, in lane order (the worker keeps the first of each lane). */
  async pending(limit: number): Promise<OutboxRow[]> {
    return this.models.outbox.find({ status: 'pending' }).sort({ seq: 1 }).limit(limit).lean<OutboxRow[]>();
  }

  async get(id: string): Promise<OutboxRow | null> {
    return this.models.outbox.findById(id).lean<OutboxRow>();
  }

  async update(id: string, set: Partial<OutboxRow>): Promise<void> {
    await this.models.outbox.updateOne({ _id: id }, { $set: set });
  }

  async list(status: OutboxStatus | undefined, limit: number, offset: number): Promise<{ items: OutboxRow[]; total: number }> {
    const q = status ? { status } : {};
    const [items, total] = await Promise.all([
      this.models.outbox.find(q).sort({ createdAt: -1 }).skip(offset).limit(limit).lean<OutboxRow[]>(),
      this.models.outbox.countDocuments(q),
    ]);
    return { items, total };
  }

  /** Other pending updates of the same card: one send of the latest state covers them all. */
  async pendingPatchesOf(messageId: string, except: string): Promise<string[]> {
    const rows = await this.models.outbox.find({ messageId, status: 'pending' }, { _id: 1, kind: 1 }).lean<Pick<OutboxRow, '_id' | 'kind'>[]>();
    return rows.filter((r) => r._id !== except && r.kind === 'patch').map((r) => r._id);
  }
}
