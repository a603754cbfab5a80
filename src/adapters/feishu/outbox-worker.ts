import type { Logger } from 'pino';
import { FeishuError, type Messenger } from '../../app/ports';
import type { Locks } from '../mongo/lock';
import type { Models } from '../mongo/models';
import type { CardRender, OutboxRow } from '../mongo/models/outbox';
import type { OutboxStore } from '../mongo/outbox-store';
import { classify } from './messenger';
import { RateLimiter } from './rate-limit';

/**
 * Delivers the outbox (SPEC §9). Per lane (a chat or a person) rows go out one at a time in order; a row
 * is claimed with a lock before it is sent and sent with its key as Feishu's `uuid`, so a crash between
 * sending and marking it sent resends the same uuid and Feishu keeps one message. 429/5xx/timeouts are
 * retried with exponential backoff and jitter (honouring the rate-limit reset header); permanent errors
 * are recorded for admins. Card updates render the latest state when sent, so pending updates of one
 * card collapse into one.
 */
export interface CardRenderer {
  /** The card as it should look now; null when what it shows no longer exists. */
  render(r: CardRender): Promise<unknown | null>;
}

export interface OutboxWorkerOptions {
  models: Models;
  store: OutboxStore;
  locks: Locks;
  messenger: Messenger;
  renderer: CardRenderer;
  log: Logger;
  limiter?: RateLimiter;
  concurrency?: number;
  pollMs?: number;
  lockTtlMs?: number;
  maxAttempts?: number;
  editWindowMs?: number; // Feishu lets a message be edited for 14 days
  now?: () => number;
}

const EDIT_WINDOW_EXPIRED = new Set(['230031', '230011']);

export class OutboxWorker {
  private running = false;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private wakeRequested = false;
  private readonly inflight = new Set<Promise<void>>();
  private readonly limiter: RateLimiter;
  private readonly now: () => number;

  constructor(private readonly o: OutboxWorkerOptions) {
    this.limiter = o.limiter ?? new RateLimiter();
    this.now = o.now ?? Date.now;
    o.store.onPut(() => this.wake());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops taking rows and waits for the ones being sent. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await Promise.allSettled([...this.inflight]);
  }

  wake(): void {
    if (!this.running) return;
    if (this.ticking) this.wakeRequested = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .then(() => undefined)
        .catch((e) => this.o.log.error({ err: e }, 'outbox tick failed'))
        .finally(() => {
          this.ticking = undefined;
          if (!this.running) return;
          const again = this.wakeRequested;
          this.wakeRequested = false;
          this.schedule(again ? 0 : (this.o.pollMs ?? 250));
        });
    }, ms);
    this.timer.unref?.();
  }

  /** Sends everything that is due, lane by lane, until nothing due is left (for tests and scripts). */
  async drain(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (await this.tick()) continue;
      if (!(await this.o.store.pending(1)).length) return;
      await new Promise((r) => setTimeout(r, 20)); // rows wait for their retry time
    }
    throw new Error('outbox did not drain in time');
  }

  /** One pass: the first row of each lane, if due, sent concurrently across lanes. Returns whether anything was attempted. */
  async tick(): Promise<boolean> {
    const rows = await this.o.store.pending(500);
    const heads = new Map<string, OutboxRow>();
    for (const r of rows) if (!heads.has(r.lane)) heads.set(r.lane, r);
    const now = this.now();
    const due = [...heads.values()].filter((r) => new Date(r.nextAttemptAt).getTime() <= now);
    if (!due.length) return false;
    const limit = this.o.concurrency ?? 8;
    let i = 0;
    const runOne = async (): Promise<void> => {
      while (i < due.length) {
        const row = due[i++];
        const p = this.process(row).catch((e) => this.o.log.error({ err: e, row: row._id }, 'outbox row failed'));
        this.inflight.add(p);
        await p;
        this.inflight.delete(p);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, due.length) }, runOne));
    return true;
  }

  private async process(head: OutboxRow): Promise<void> {
    const key = `outbox:${head._id}`;
    if (!(await this.o.locks.tryAcquire(key, this.o.lockTtlMs ?? 20_000))) return;
    try {
      const row = await this.o.store.get(head._id);
      if (!row || row.status !== 'pending' || new Date(row.nextAttemptAt).getTime() > this.now()) return;
      await this.deliver(row);
    } finally {
      await this.o.locks.release(key);
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { messenger, store } = this.o;
    try {
      if (row.kind === 'patch' && row.messageId) {
        for (const id of await store.pendingPatchesOf(row.messageId, row._id)) await store.update(id, { status: 'superseded' });
      }
      const content = row.render ? await this.o.renderer.render(row.render) : row.content;
      if (content === null || content === undefined) {
        await store.update(row._id, { status: 'superseded', lastError: { code: 'gone', message: 'nothing left to show', permanent: true } });
        return;
      }
      await this.limiter.acquire(row.lane);
      let sentMessageId: string | undefined;
      switch (row.kind) {
        case 'send': {
          const r = await messenger.send(row.to!, row.msgType, content, row._id);
          sentMessageId = r.messageId;
          if (row.record) await this.recordCard(r.messageId, row, r.chatId);
          break;
        }
        case 'reply': {
          const r = await messenger.reply(row.messageId!, row.msgType, content, row._id);
          sentMessageId = r.messageId;
          if (row.record) await this.recordCard(r.messageId, row, r.chatId);
          break;
        }
        case 'patch':
          sentMessageId = await this.patchOrResend(row, content);
          break;
        case 'urgent':
          await messenger.urgent(row.messageId!, row.urgentTo ?? []);
          break;
        case 'card_update':
          await messenger.updateCard(row.cardToken!, content);
          break;
      }
      if (row.urgentTo?.length && row.kind !== 'urgent' && sentMessageId) {
        // 加急 needs its own scope; without it the card has been delivered anyway
        await messenger.urgent(sentMessageId, row.urgentTo).catch((e) => this.o.log.warn({ code: classify(e).code, row: row._id }, 'urgent (加急) not sent; normal card delivered'));
      }
      await store.update(row._id, { status: 'sent', sentAt: new Date(this.now()), sentMessageId, attempts: row.attempts + 1 });
    } catch (e) {
      await this.failed(row, classify(e));
    }
  }

  /** Feishu edits a message for 14 days only: after that a fresh card goes to the same place, replacing the old copy. */
  private async patchOrResend(row: OutboxRow, content: unknown): Promise<string | undefined> {
    const copy = await this.o.models.cardMessages.findById(row.messageId).lean();
    const target = copy?.replacedBy ?? row.messageId!;
    const expired = copy && this.now() - new Date(copy.sentAt).getTime() > (this.o.editWindowMs ?? 14 * 86_400_000 - 3_600_000);
    if (!expired) {
      try {
        await this.o.messenger.patch(target, content);
        return target;
      } catch (e) {
        const err = classify(e);
        if (!EDIT_WINDOW_EXPIRED.has(err.code) || !copy) throw err;
      }
    }
    if (!copy?.to && !copy?.chatId) throw new FeishuError('no_target', 'card copy has no chat to resend to', true);
    const to = copy.to ?? { type: 'chat_id' as const, id: copy.chatId! };
    const r = await this.o.messenger.send(to, 'interactive', content, `${row._id}`.slice(0, 44) + ':fresh');
    await this.o.models.cardMessages.updateOne({ _id: copy._id }, { $set: { replacedBy: r.messageId } });
    await this.o.models.cardMessages.collection
      .insertOne({ _id: r.messageId, ref: copy.ref, view: copy.view, chatId: r.chatId ?? copy.chatId, to: copy.to, sentAt: new Date(this.now()), replaces: copy._id } as never)
      .catch(() => undefined);
    return r.messageId;
  }

  private async recordCard(messageId: string, row: OutboxRow, chatId?: string): Promise<void> {
    await this.o.models.cardMessages.collection
      .insertOne({ _id: messageId, ref: row.record!.ref, view: row.record!.view, chatId: chatId ?? (row.to?.type === 'chat_id' ? row.to.id : undefined), to: row.to, sentAt: new Date(this.now()) } as never)
      .catch((e: { code?: number }) => {
        if (e?.code !== 11000) throw e; // the same uuid sent twice gives the same message: already recorded
      });
  }

  private async failed(row: OutboxRow, err: FeishuError): Promise<void> {
    const attempts = row.attempts + 1;
    const max = this.o.maxAttempts ?? 12;
    const lastError = { code: err.code, message: err.message.slice(0, 300), permanent: err.permanent };
    if (err.permanent || attempts >= max) {
      this.o.log.warn({ row: row._id, lane: row.lane, code: err.code, attempts }, 'outbox message failed permanently');
      await this.o.store.update(row._id, { status: 'failed', attempts, lastError });
      return;
    }
    const backoff = Math.min(2 ** (attempts - 1) * 500, 10 * 60_000);
    const wait = Math.max(err.retryAfterMs ?? 0, backoff * (0.75 + Math.random() * 0.5));
    if (err.retryAfterMs) {
      if (err.code === '230020') this.limiter.lane(row.lane).pause(err.retryAfterMs);
      else this.limiter.app.pause(err.retryAfterMs);
    }
    this.o.log.info({ row: row._id, code: err.code, attempts, waitMs: Math.round(wait) }, 'outbox retry scheduled');
    await this.o.store.update(row._id, { attempts, lastError, nextAttemptAt: new Date(this.now() + wait) });
  }
}
