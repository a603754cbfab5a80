import type { Locks } from '../../app/ports/locks';
import type { Models } from './models';

/**
 * The live copies of each card by what it shows (`task:DB-2026-0001`, `order:…`, `escalation:…`):
 * one document per ref, read by `_id` — refreshing a task's copies must not scan every card ever sent
 * (FerretDB reads the whole collection for any filter but `_id`). Changed under the ref's lock.
 */
export interface CardCopyRef {
  messageId: string;
  view: string;
}

export class CardRefs {
  constructor(
    private readonly models: Models,
    private readonly locks: Locks,
  ) {}

  async copies(ref: string): Promise<CardCopyRef[]> {
    return (await this.models.cardRefs.findById(ref).lean<{ copies: CardCopyRef[] }>())?.copies ?? [];
  }

  async add(ref: string, copy: CardCopyRef): Promise<void> {
    await this.edit(ref, (list) => (list.some((c) => c.messageId === copy.messageId) ? null : [...list, copy]));
  }

  /** A fresh copy took the place of an old one (Feishu's 14-day edit limit). */
  async replace(ref: string, oldId: string, fresh: CardCopyRef): Promise<void> {
    await this.edit(ref, (list) => [...list.filter((c) => c.messageId !== oldId && c.messageId !== fresh.messageId), fresh]);
  }

  private async edit(ref: string, fn: (list: CardCopyRef[]) => CardCopyRef[] | null): Promise<void> {
    await this.locks.withLock(`cards:${ref}`, async () => {
      const next = fn(await this.copies(ref));
      if (next) await this.models.cardRefs.updateOne({ _id: ref }, { $set: { copies: next } }, { upsert: true });
    });
  }
}
