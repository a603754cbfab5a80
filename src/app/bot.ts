import type { Logger } from 'pino';
import { mentionsBot, type Inbound } from './inbound';
import type { CardAnswer } from './card-handler';
import type { AppDeps } from './deps';
import type { OutboxItem } from './outbox-item';
import { machineNow } from '../clock';

/**
 * The one entry for everything Feishu delivers (webhook and WebSocket alike): dedupe by event id (and by
 * message id for messages) in MongoDB, then route. Answers within Feishu's 3-second limit: work that
 * runs longer finishes in the background after a holding answer. A card action's handler error is
 * answered with an error toast; an event's is answered with an error so Feishu delivers it again. Either,
 * once answered (a card's holding toast promised the update), is retried here (docs/architecture.md#the-hot-path).
 */
export interface Handlers {
  onMessage(m: Extract<Inbound, { type: 'message' }>): Promise<void>;
  onCard(a: Extract<Inbound, { type: 'card' }>): Promise<CardAnswer>;
  onOther?(e: Extract<Inbound, { type: 'other' }>): Promise<void>;
  /**
   * A message the bot answers from what it reads alone (a query: 帮助, 我的任务 …): the messages to send,
   * decided with no write; null for every other message (claimed, then `onMessage`).
   */
  query?(m: Extract<Inbound, { type: 'message' }>): Promise<OutboxItem[] | null>;
  /** The event types `onOther` acts on; any other is acknowledged untouched. Absent: every type goes to it. */
  otherTypes?: readonly string[];
}

/** Another live instance holds the claim and has not finished it: refused, so Feishu delivers it again. */
export class ClaimBusy extends Error {
  readonly status = 503;
  readonly code = 'event_in_progress';
  constructor(id: string) {
    super(`event ${id} is being taken in by another instance; deliver it again later`);
  }
}

/** A claim older than this while still 'processing' belongs to an instance that died. */
const STALE_CLAIM_MS = 2 * 60_000;

/** Retries of answered work that failed (a handler, a card's claim): from the first delay, doubling, up to the last. */
const RETRY_FIRST_MS = 1000;
const RETRY_LAST_MS = 512_000;

export type BotAnswer = CardAnswer | Record<string, never>;

export class Bot {
  constructor(
    private readonly deps: AppDeps,
    private readonly handlers: Handlers,
    private readonly budgetMs = 2500,
  ) {}

  /**
   * Ids this process is taking in: `claimed` settles when the claim is known (true: ours). Kept until the
   * claim is marked done in the database, so Feishu's redelivery of one we are still working on (or whose
   * `done` waits for the database) is answered from here.
   */
  private readonly active = new Map<string, { claimed: Promise<boolean> }>();

  /**
   * An event that needs nothing from the bot, recognised from the event alone: a group message that does
   * not @-mention the bot and is no reply (no parent, no root: nothing of ours can be quoted), and an
   * event type no handler acts on. Every message a handler could act on is let through: direct messages,
   * mentions, quotes and thread replies (docs/architecture.md#the-hot-path).
   */
  needsNothing(inb: Inbound): boolean {
    switch (inb.type) {
      case 'message':
        return !inb.parentId && !inb.rootId && !mentionsBot(inb, this.deps.botOpenId());
      case 'other':
        return !this.handlers.onOther || (this.handlers.otherTypes !== undefined && !this.handlers.otherTypes.includes(inb.eventType));
      default:
        return false;
    }
  }

  /**
   * Answered with no database round trip: an event that needs nothing, or a repeat of one this instance
   * knows is durably done (by its event id, or a message by its message id).
   */
  /** A repeat of an event this instance knows is durably done, told by its id alone (before it is read further). */
  knownDone(eventId: string): boolean {
    return this.deps.claims.knownDone(eventId);
  }

  answersFromMemory(inb: Inbound): boolean {
    if (this.needsNothing(inb) || this.knownDone(inb.eventId)) return true;
    return inb.type === 'message' && inb.dedupeKeys.some((k) => this.knownDone(k));
  }

  /**
   * Takes an event once across restarts and instances: its id and its message ids (`dedupeKeys`) are
   * claimed in one database batch; the answer is the ids to mark done once handled, or null for a
   * duplicate. Any id already claimed is read back (`settle`). What this delivery claimed but will not
   * work on is withdrawn (another instance is between its own claims) or marked done (a duplicate), so
   * nothing is left 'processing' for nobody (docs/architecture.md#the-hot-path).
   */
  private async claimAll(inb: Inbound): Promise<string[] | null> {
    const { claims } = this.deps;
    const keys = inb.type === 'message' ? inb.dedupeKeys : [];
    // a card action's claim is written done: Feishu does not deliver a callback again (a press that fails is
    // pressed again, under a new event id), so its claim only tells a duplicate; a done mark would cost a write per click
    const doneAtOnce = inb.type === 'card';
    const fresh = await claims.add([{ id: inb.eventId, type: inb.type }, ...keys.map((id) => ({ id, type: 'message' }))], this.deps.locks.owner, doneAtOnce ? 'done' : 'processing');
    const newKeys = keys.filter((_, i) => fresh[i + 1]);
    const withdrawn = (ids: string[]) => async (e: unknown) => {
      if (e instanceof ClaimBusy) await claims.release(ids).catch(() => undefined);
      throw e;
    };
    const tookOver = !fresh[0];
    if (tookOver && (await this.settle(inb.eventId, 'event').catch(withdrawn(newKeys))) === 'taken') {
      this.done(inb.eventId, newKeys);
      return null;
    }
    for (const [i, key] of keys.entries()) {
      if (fresh[i + 1]) continue;
      const verdict = await this.settle(key, tookOver ? 'key of a taken-over event' : 'key').catch(withdrawn(tookOver ? [] : [inb.eventId, ...newKeys]));
      if (verdict === 'ours') continue;
      this.done(inb.eventId, [inb.eventId, ...newKeys]); // the message was taken in under another event id
      return null;
    }
    return doneAtOnce && !tookOver ? [] : [inb.eventId, ...keys];
  }

  /**
   * An id found claimed: 'taken' when it is done (or claimed before owners were recorded), 'ours' when
   * this delivery may apply it. A 'processing' event claim of this very process that it is not working on
   * is one whose insert reached the database while its answer was lost (an outage): the delivery was
   * refused, so the redelivery takes it over at once. Another live instance's unfinished claim is not
   * acknowledged (ClaimBusy: Feishu delivers it again later), since that instance may have lost its answer
   * the same way; one left 'processing' past its lease (STALE_CLAIM_MS after `at`) by an instance that died
   * is taken over under the lock `event:<id>` (the lock the previous release takes too), so Feishu's retry
   * is applied instead of lost. A message id: ours with the event taken over; otherwise 'processing' means
   * another event id of the same message is being handled (ClaimBusy) or was, past the lease (the previous
   * release never marked message ids done): taken, and that event's own redelivery finishes it.
   */
  private async settle(id: string, kind: 'event' | 'key' | 'key of a taken-over event', again = true): Promise<'ours' | 'taken'> {
    const existing = await this.deps.claims.get(id);
    if (!existing) return this.claimVanished(id, kind, again);
    if (existing.state !== 'processing') return 'taken';
    if (existing.withdrawn) return this.takeWithdrawn(id);
    if (kind === 'key of a taken-over event') return 'ours';
    const owner = this.deps.locks.owner;
    const stale = machineNow() - new Date(existing.at).getTime() >= STALE_CLAIM_MS;
    if (kind === 'event' && owner !== undefined && existing.owner === owner) return 'ours'; // the caller checked `active`
    if (!stale) {
      if (existing.owner === undefined) return 'taken'; // a claim from before owners were recorded
      throw new ClaimBusy(id);
    }
    if (kind === 'key') return 'taken';
    return (await this.deps.locks.tryAcquire(`event:${id}`, STALE_CLAIM_MS)) ? 'ours' : 'taken';
  }

  /**
   * A claim found taken that is gone when read back: another delivery withdrew it (it gave up on its
   * event while another instance was between claims), so nobody holds it. Claimed again: ours if that
   * insert wins; read once more if another delivery won it meanwhile; refused (ClaimBusy, Feishu delivers
   * again) should it vanish twice.
   */
  private async claimVanished(id: string, kind: 'event' | 'key' | 'key of a taken-over event', again: boolean): Promise<'ours' | 'taken'> {
    if (!again) throw new ClaimBusy(id);
    const [fresh] = await this.deps.claims.add([{ id, type: kind === 'event' ? 'event' : 'message' }], this.deps.locks.owner);
    return fresh ? 'ours' : this.settle(id, kind, false);
  }

  /**
   * A claim its delivery withdrew: taken over under the lock `event:<id>` (the lock the previous release
   * takes for a claim it reads as left by a dead instance), and made ours. Lost to another delivery: that
   * one applies it, so this one is a duplicate.
   */
  private async takeWithdrawn(id: string): Promise<'ours' | 'taken'> {
    if (!(await this.deps.locks.tryAcquire(`event:${id}`, STALE_CLAIM_MS))) return 'taken';
    await this.deps.claims.takeOver(id, this.deps.locks.owner);
    return 'ours';
  }

  /** Marks the claims done (batched), retried while the database is away; the event stays active until then. */
  private done(eventId: string, ids: string[]): void {
    const attempt = (delay: number): void => {
      (ids.length ? this.deps.claims.done(ids) : Promise.resolve()).then(
        () => void this.active.delete(eventId),
        () => {
          if (delay > 3_600_000) return void this.active.delete(eventId); // an hour: past Feishu's retries of it
          setTimeout(() => attempt(delay * 2), delay).unref?.();
        },
      );
    };
    attempt(1000);
  }

  /**
   * The budget counts from the moment the delivery arrives, so the database claims spend it too: a slow
   * claim (a busy database) gets the holding answer at the budget like slow work does, and the claim and
   * the work go on in the background and are applied once. An event (not a card action) whose claim is
   * not done at the budget is answered with an error, so Feishu delivers it again: if the claim then
   * succeeds the redelivery is a duplicate, if it fails the redelivery is applied — nothing is lost to a
   * sick database. A card action has no redelivery: it gets the holding toast, and a claim that fails
   * after that is retried here (`retryClaim`), kept active so a repeat is acknowledged. A claim that fails
   * inside the budget throws.
   */
  async receive(inb: Inbound): Promise<BotAnswer> {
    if (this.answersFromMemory(inb)) return {};
    if (inb.type === 'message' && this.handlers.query && !this.active.has(inb.eventId)) {
      const answered = await this.answerQuery(inb);
      if (answered) return answered;
    }
    const log = this.deps.log.child({ event: inb.eventId, kind: inb.type });
    let timer: NodeJS.Timeout | undefined;
    const state = { claimed: false, late: false };
    // set in the timer itself: a handler failing after this sees the event answered (microtasks run first)
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => ((state.late = true), r('late')), this.budgetMs)));
    const twin = this.active.get(inb.eventId);
    if (twin) {
      // a delivery of an id this process is taking in: acknowledged once that claim is known to be ours
      try {
        const first = await Promise.race([twin.claimed.catch(() => false), late]);
        if (first === true) {
          log.info('duplicate delivery acknowledged');
          return {};
        }
      } finally {
        clearTimeout(timer);
      }
      throw new Error('the same event is being taken in and its claim is not yet known: answered with an error so Feishu delivers it again');
    }
    let settle!: (v: boolean) => void;
    this.active.set(inb.eventId, { claimed: new Promise<boolean>((r) => (settle = r)) });
    const work = this.claimAndRun(inb, log, state);
    work.then(
      () => settle(true), // ours (done is marked when the handler ends) or a duplicate
      (err) => {
        if (state.late && inb.type === 'card') {
          settle(true); // the holding toast promised it: still this process's to apply, so a repeat is acknowledged
          void this.retryClaim(inb, log, state, err);
          return;
        }
        settle(false); // not taken in: a redelivery starts again (and takes over a claim that did land)
        this.active.delete(inb.eventId);
      },
    );
    let first: BotAnswer | 'late';
    try {
      first = await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
    if (first !== 'late') return first;
    if (inb.type !== 'card') work.catch((err) => log.error({ err }, 'claiming the delivery failed after it was answered'));
    if (!state.claimed && inb.type !== 'card') throw new Error(`event not claimed within ${this.budgetMs} ms: answered with an error so Feishu delivers it again`);
    log.warn({ budgetMs: this.budgetMs }, 'answered before the work finished (Feishu waits 3 s at most)');
    return inb.type === 'card' ? { toast: { type: 'info', content: '正在处理，卡片稍后更新' } } : {};
  }

  /**
   * A query in one write (docs/architecture.md#the-hot-path): its answer is decided first, with no write;
   * then its reply is queued, in an insert shared with the requests of the moment, and it is acknowledged
   * once that is durable. The queued reply is its claim: its key comes from the message id, so a repeat,
   * a second event id of the same message or the previous release's full path queues nothing new. No
   * 'processing' claim, no done mark; this instance remembers the ids, so a replay here costs nothing.
   * Not durable within the budget: answered with an error, so Feishu delivers it again and it is asked
   * again. Null: not a query (the full path).
   */
  private async answerQuery(inb: Extract<Inbound, { type: 'message' }>): Promise<BotAnswer | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), this.budgetMs)));
    const work = (async () => {
      const items = await this.handlers.query!(inb);
      if (!items) return null;
      await this.deps.outbox.put(items);
      this.deps.claims.remember([inb.eventId, ...inb.dedupeKeys]);
      return {};
    })();
    try {
      const first = await Promise.race([work, late]);
      if (first !== 'late') return first;
    } finally {
      clearTimeout(timer);
    }
    work.catch((err) => this.deps.log.warn({ err, event: inb.eventId }, 'a query answered late failed; its redelivery asks again'));
    throw new Error(`query not answered within ${this.budgetMs} ms: answered with an error so Feishu delivers it again`);
  }

  /**
   * Claims, then runs the handler. Rejects when a claim fails, and when an event's handler fails before
   * its answer went out: the claims stay 'processing' under this process, so the answer is an error and
   * Feishu's redelivery takes them over and runs the handler again. An event whose handler fails after
   * it was answered (past the budget) is retried here, with backoff, while it stays active. A card
   * action's failure inside the budget is its answer: an error toast (the official presses again); past
   * the budget the official was told the card would update, so it is retried like an event. Only a thrown
   * error is: a handler that answers a refusal (an error or warning toast) has decided, and is done.
   */
  private async claimAndRun(inb: Inbound, log: Logger, state: { claimed: boolean; late: boolean }): Promise<BotAnswer> {
    const ids = await this.claimAll(inb);
    if (!ids) {
      log.info('duplicate delivery acknowledged');
      return {};
    }
    state.claimed = true;
    try {
      const answer = await this.run(inb);
      if (!ids.length) this.deps.claims.remember([inb.eventId]); // claimed done: nothing to mark
      this.done(inb.eventId, ids);
      return answer;
    } catch (err) {
      if (state.late) {
        log.error({ err }, 'handler failed after the event was answered: retried here');
        void this.retryHandler(inb, ids, log);
        return {};
      }
      if (inb.type === 'card') {
        log.error({ err }, 'handler failed');
        this.done(inb.eventId, ids);
        return { toast: { type: 'error', content: '处理失败，请稍后重试；如仍失败请联系管理员。' } };
      }
      log.error({ err }, 'handler failed: answered with an error so Feishu delivers it again');
      throw err;
    }
  }

  private async run(inb: Inbound): Promise<BotAnswer> {
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
  }

  /**
   * Answered work that failed, run again here after 1 s, 2 s, 4 s … (about 17 minutes in all, longer
   * than the outages the database is expected to have) while the event stays active, so redeliveries are
   * acknowledged. True once `attempt` succeeds; false when every attempt failed.
   */
  private async retry(log: Logger, what: string, attempt: () => Promise<unknown>): Promise<boolean> {
    for (let delay = RETRY_FIRST_MS; delay <= RETRY_LAST_MS; delay *= 2) {
      await new Promise((r) => setTimeout(r, delay).unref?.());
      try {
        await attempt();
        log.info(`${what} succeeded on retry`);
        return true;
      } catch (err) {
        log.warn({ err, retryInMs: delay * 2 }, `${what} failed again`);
      }
    }
    return false;
  }

  /**
   * An answered event (or a card action answered with the holding toast) whose handler failed: Feishu
   * will not deliver it again, so it runs again here and is marked done when it succeeds. Running a card
   * handler again is safe: a task button's change is decided by the domain from the task as read under
   * its lock (`TaskService.press` → `TaskStore.changeNow`), so a change the failed run did write makes
   * the repeat a refusal (签收 of a task already 办理中, a request already decided, a state the card no
   * longer shows), not a second change, and every task command from a card carries the event id as its
   * `source`, kept on its history entry, so it is refused even when the task came back to a state that
   * allows it; what a feature creates from a press takes the event id into its origin (现场处置's task).
   * Should all attempts fail, its claims are withdrawn (a card action's, written done,
   * stays: the official presses again, a new event) and the loss is logged.
   */
  private async retryHandler(inb: Inbound, ids: string[], log: Logger): Promise<void> {
    if (await this.retry(log, 'handler', () => this.run(inb))) {
      if (!ids.length) this.deps.claims.remember([inb.eventId]); // a card action's claim, written done
      return this.done(inb.eventId, ids);
    }
    log.error({ ids, ...operator(inb) }, 'handler kept failing: event given up (its claims withdrawn)');
    await this.deps.claims.release(ids).catch(() => undefined);
    this.active.delete(inb.eventId);
  }

  /**
   * A card action answered with the holding toast whose claim then failed (the database away): Feishu
   * does not deliver a card callback again, so the claim and the handler are tried again here
   * (`claimAndRun` marks it done, or retries a failing handler itself). Should every claim fail, the
   * loss is logged; nothing is released, since no claim of it is known to be ours.
   */
  private async retryClaim(inb: Inbound, log: Logger, state: { claimed: boolean; late: boolean }, err: unknown): Promise<void> {
    log.error({ err }, 'claiming the card action failed after the holding answer: retried here');
    if (await this.retry(log, 'claim', () => this.claimAndRun(inb, log, state))) return;
    log.error(operator(inb), 'claiming the card action kept failing: given up, not applied');
    this.active.delete(inb.eventId);
  }
}

/** Who pressed, for the log of a card action lost: the open_id only (the event id is in the logger). */
function operator(inb: Inbound): { operator?: string } {
  return inb.type === 'card' ? { operator: inb.operatorOpenId } : {};
}
