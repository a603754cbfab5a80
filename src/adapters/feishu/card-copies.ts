import type { Logger } from 'pino';
import { FeishuError, type Messenger } from '../../app/ports';
import { CardRefs } from '../mongo/card-refs';
import { rememberCopy } from '../mongo/card-copy-store';
import type { Locks } from '../../app/ports/locks';
import type { Models } from '../mongo/models';
import { CARD_MESSAGE_SCHEMA_VERSION, type CardMessageDoc } from '../mongo/models/card-messages';
import type { OutboxRow } from '../../app/outbox-item';
import { classify } from './messenger';

/** Feishu's answers when a card can no longer be edited in place (230031: older than 14 days). */
const EDIT_WINDOW_EXPIRED = new Set(['230031', '230011']);

/**
 * The live copies of cards (card_messages) as the outbox sends and updates them: each sent card is
 * recorded so later changes reach it, and a copy past Feishu's edit window is replaced by a fresh one.
 */
export class CardCopies {
  private readonly refs: CardRefs;

  constructor(private readonly o: { models: Models; locks: Locks; messenger: Messenger; log: Logger; now: () => number; editNow?: () => number; editWindowMs?: number }) {
    this.refs = new CardRefs(o.models, o.locks);
  }

  /** The business clock the 14-day window is judged on (Feishu's clock is the real one; with CLOCK_START or the sandbox's clock control, this one). */
  private editNow(): number {
    return (this.o.editNow ?? this.o.now)();
  }

  /**
   * Feishu edits a message for 14 days only: after that a fresh card goes to the same place, replacing
   * the old copy, and later updates go to the fresh one. The fresh card quotes the old one (a reply),
   * so it shows under the card it replaces, linked to it. A patch queued before a replacement names an
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
    const expired = live && this.editNow() - new Date(live.sentAt).getTime() > (this.o.editWindowMs ?? 14 * 86_400_000 - 3_600_000);
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
    const r = await this.fresh(row, where, content);
    // recorded before the old copy points to it: a refresh in between then finds one of them, never neither
    await cardMessages.collection
      .insertOne({ _id: r.messageId, ref: where.ref, view: where.view, chatId: r.chatId ?? where.chatId, to: where.to, sentAt: new Date(this.editNow()), replaces: where._id, schemaVersion: CARD_MESSAGE_SCHEMA_VERSION } as never)
      .catch((e: { code?: number }) => {
        if (e?.code !== 11000) throw e;
      });
    rememberCopy(cardMessages, r.messageId, where);
    await this.refs.replace(where.ref, where._id, { messageId: r.messageId, view: where.view });
    await cardMessages.updateOne({ _id: where._id }, { $set: { replacedBy: r.messageId } });
    this.o.log.info({ old: where._id, fresh: r.messageId, ref: where.ref }, 'card past its edit window: a fresh copy replaces it');
    return r.messageId;
  }

  /**
   * The fresh copy as a reply quoting the old card (not in a thread: it must show in the chat itself;
   * a chat in topic mode threads it anyway). An old card that cannot be replied to (recalled, deleted)
   * gets a plain send to its chat instead. Each way keeps its own uuid, so a retry returns the same card.
   */
  private async fresh(row: OutboxRow, old: CardMessageDoc, content: unknown): Promise<{ messageId: string; chatId?: string }> {
    const uuid = `${row._id}`.slice(0, 40);
    try {
      return await this.o.messenger.reply(old._id, 'interactive', content, `${uuid}:fresh`);
    } catch (e) {
      const err = classify(e);
      if (!err.permanent) throw err; // rate limit, timeout: the outbox retries with the same uuid
      if (!old.to && !old.chatId) throw new FeishuError('no_target', 'card copy has no chat to resend to', true);
      this.o.log.warn({ old: old._id, code: err.code, err: err.message }, 'cannot reply to the old card: the fresh copy goes to its chat unlinked');
      return this.o.messenger.send(old.to ?? { type: 'chat_id', id: old.chatId! }, 'interactive', content, `${uuid}:fresh-send`);
    }
  }

  async record(messageId: string, row: OutboxRow, chatId?: string): Promise<void> {
    await this.refs.add(row.record!.ref, { messageId, view: row.record!.view });
    await this.o.models.cardMessages.collection
      .insertOne({ _id: messageId, ref: row.record!.ref, view: row.record!.view, chatId: chatId ?? (row.to?.type === 'chat_id' ? row.to.id : undefined), to: row.to, sentAt: new Date(this.editNow()), schemaVersion: CARD_MESSAGE_SCHEMA_VERSION } as never)
      .catch((e: { code?: number }) => {
        if (e?.code !== 11000) throw e; // the same uuid sent twice gives the same message: already recorded
      });
    rememberCopy(this.o.models.cardMessages, messageId, row.record!); // durable now: a click on it needs no read
  }
}
