import type { Logger } from 'pino';
import type { Inbound } from '../adapters/feishu/envelope';
import { PROCESSED_EVENT_SCHEMA_VERSION } from '../adapters/mongo/models/processed-events';
import type { CardAnswer } from './card-handler';
import type { AppDeps } from './deps';

/**
 * The one entry for everything Feishu delivers (webhook and WebSocket alike): dedupe by event id (and by
 * message id for messages) in MongoDB, then route. Answers within Feishu's 3-second limit: work that
 * runs longer finishes in the background after a holding answer. Handler errors are logged and answered
 * with an error toast (cards) or nothing (events), never with a status that makes Feishu resend.
 */
export interface Handlers {
  onMessage(m: Extract<Inbound, { type: 'message' }>): Promise<void>;
  onCard(a: Extract<Inbound, { type: 'card' }>): Promise<CardAnswer>;
  onOther?(e: Extract<Inbound, { type: 'other' }>): Promise<void>;
}

/** A claim older than this while still 'processing' belongs to an instance that died. */
const STALE_CLAIM_MS = 2 * 60_000;

export type BotAnswer = CardAnswer | Record<string, never>;

export class Bot {
  constructor(
    private readonly deps: AppDeps,
    private readonly handlers: Handlers,
    private readonly budgetMs = 2500,
  ) {}

  /**
   * Takes an id once across restarts and instances; false if it was taken before. A claim left
   * 'processing' by an instance that died mid-way is taken over after a while, so Feishu's retry of
   * that event is applied instead of being lost.
   */
  private async claim(id: string, type: string): Promise<boolean> {
    const models = this.deps.models;
    try {
      await models.processedEvents.collection.insertOne({ _id: id, type, at: new Date(), state: 'processing', schemaVersion: PROCESSED_EVENT_SCHEMA_VERSION } as never);
      return true;
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e;
    }
    const existing = await models.processedEvents.findById(id).lean<{ state: string; at: Date }>();
    if (existing?.state !== 'processing' || Date.now() - new Date(existing.at).getTime() < STALE_CLAIM_MS) return false;
    return this.deps.locks.tryAcquire(`event:${id}`, STALE_CLAIM_MS);
  }

  /** Not awaited: it only matters to a later takeover, and Feishu is waiting for our answer. */
  private done(id: string): void {
    void this.deps.models.processedEvents.updateOne({ _id: id }, { $set: { state: 'done' } }).catch(() => undefined);
  }

  /**
   * The budget counts from the moment the delivery arrives, so the database claims spend it too: a slow
   * claim (a busy database) gets the holding answer at the budget like slow work does, and the claim and
   * the work go on in the background and are applied once. An event (not a card action) whose claim is
   * not done at the budget is answered with an error, so Feishu delivers it again: if the claim then
   * succeeds the redelivery is a duplicate, if it fails the redelivery is applied — nothing is lost to a
   * sick database. A card action has no redelivery: it gets the holding toast, and a claim that fails
   * after that is logged (the official presses again). A claim that fails inside the budget throws.
   */
  async receive(inb: Inbound): Promise<BotAnswer> {
    const log = this.deps.log.child({ event: inb.eventId, kind: inb.type });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), this.budgetMs)));
    const state = { claimed: false };
    const work = this.claimAndRun(inb, log, state);
    let first: BotAnswer | 'late';
    try {
      first = await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
    if (first !== 'late') return first;
    work.catch((err) => log.error({ err }, 'claiming the delivery failed after it was answered'));
    if (!state.claimed && inb.type !== 'card') throw new Error(`event not claimed within ${this.budgetMs} ms: answered with an error so Feishu delivers it again`);
    log.warn({ budgetMs: this.budgetMs }, 'answered before the work finished (Feishu waits 3 s at most)');
    return inb.type === 'card' ? { toast: { type: 'info', content: '正在处理，卡片稍后更新' } } : {};
  }

  /** Claims, then runs the handler; rejects only when a claim fails (handler errors become answers). */
  private async claimAndRun(inb: Inbound, log: Logger, state: { claimed: boolean }): Promise<BotAnswer> {
    if (!(await this.claim(inb.eventId, inb.type))) {
      log.info('duplicate delivery acknowledged');
      return {};
    }
    state.claimed = true;
    if (inb.type === 'message' && inb.messageId && !(await this.claim(`msg:${inb.messageId}`, 'message'))) {
      log.info('message already taken in under another event id');
      this.done(inb.eventId);
      return {};
    }
    return (async (): Promise<BotAnswer> => {
      switch (inb.type) {
        case 'message':
          await this.handlers.onMessage(inb);
          return {};
        case 'card':
          return this.handlers.onCard(inb);
        default:
          await this.handlers.onOther?.(inb);
          return {};
      }
    })()
      .catch((err): BotAnswer => {
        log.error({ err }, 'handler failed');
        return inb.type === 'card' ? { toast: { type: 'error', content: '处理失败，请稍后重试；如仍失败请联系管理员。' } } : {};
      })
      .finally(() => this.done(inb.eventId));
  }
}
