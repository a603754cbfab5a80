import type { Logger } from 'pino';
import { FeishuError, type Messenger } from '../../app/ports';
import { CardRefs } from '../mongo/card-refs';
import type { Locks } from '../mongo/lock';
import type { Models } from '../mongo/models';
import type { CardMessageDoc } from '../mongo/models/infra';
import type { OutboxRow } from '../mongo/models/outbox';
import { classify } from './messenger';

/** Feishu's answers when a card can no longer be edited in place (230031: older than 14 days). */
const EDIT_WINDOW_EXPIRED = new Set(['230031', '230011']);

/**
 * The live copies of cards (card_messages) as the outbox sends and updates them: each sent card is
 * recorded so later changes reach it, and a copy past Feishu's edit window is replaced by a fresh one.
 */
export class CardCopies {
  private readonly refs: CardRefs;

  constructor(private readonly o: { models: Models; locks: Locks; messenger: Messenger; log: Logger; now: () => number; editWindowMs?: number }) {
    this.refs = new CardRefs(o.models, o.locks);
  }

  /**
   * Feishu edits a message for 14 days only: after that a fresh card goes to the same place, replacing
   * the old copy, and later updates go to the fresh one. A patch queued before a replacement names an
   * older copy, so the chain of replacements is followed to the live copy first.
   */
  async patchOrResend(row: OutboxRow, content: unknown): Promise<string | undefined> {
    const { cardMessages } = this.o.models;
    const first = await cardMessages.findById(row.messageId).lean<CardMessageDoc>();
    let live = first;
    let target = row.messageId!;
    for (let hops = 0; live?.replacedBy && hops < 50; hops++) {
      target = live.replacedBy;
      live = await cardMessages.findById(target).lean<CardMessageDoc>();
    }
    const expired = live && this.o.now() - new Date(live.sentAt).getTime() > (this.o.editWindowMs ?? 14 * 86_400_000 - 3_600_000);
    if (!expired) {
      try {
        await this.o.messenger.patch(target, content);
        return target;
      } catch (e) {
        const err = classify(e);
        if (!EDIT_WINDOW_EXPIRED.has(err.code) || !first) throw err;
      }
    }
    const where = live ?? first!;
    if (!where.to && !where.chatId) throw new FeishuError('no_target', 'card copy has no chat to resend to', true);
    const to = where.to ?? { type: 'chat_id' as const, id: where.chatId! };
    // the same uuid on a retry: Feishu hands back the fresh card already sent
    const r = await this.o.messenger.send(to, 'interactive', content, `${row._id}`.slice(0, 44) + ':fresh');
    // recorded before the old copy points to it: a refresh in between then finds one of them, never neither
    await cardMessages.collection
      .insertOne({ _id: r.messageId, ref: where.ref, view: where.view, chatId: r.chatId ?? where.chatId, to: where.to, sentAt: new Date(this.o.now()), replaces: where._id } as never)
      .catch((e: { code?: number }) => {
        if (e?.code !== 11000) throw e;
      });
    await this.refs.replace(where.ref, where._id, { messageId: r.messageId, view: where.view });
    await cardMessages.updateOne({ _id: where._id }, { $set: { replacedBy: r.messageId } });
    this.o.log.info({ old: where._id, fresh: r.messageId, ref: where.ref }, 'card past its edit window: a fresh copy replaces it');
    return r.messageId;
  }

  async record(messageId: string, row: OutboxRow, chatId?: string): Promise<void> {
    await this.refs.add(row.record!.ref, { messageId, view: row.record!.view });
    await this.o.models.cardMessages.collection
      .insertOne({ _id: messageId, ref: row.record!.ref, view: row.record!.view, chatId: chatId ?? (row.to?.type === 'chat_id' ? row.to.id : undefined), to: row.to, sentAt: new Date(this.o.now()) } as never)
      .catch((e: { code?: number }) => {
        if (e?.code !== 11000) throw e; // the same uuid sent twice gives the same message: already recorded
      });
  }
}
