import type { Logger } from 'pino';
import type { FileMakers } from '../../app/files-out';
import { FeishuError, type Messenger } from '../../app/ports';
import type { CardRenderer } from '../../app/ports/card-renderer';
import type { Locks } from '../../app/ports/locks';
import type { Models } from '../mongo/models';
import type { OutboxRow } from '../../app/outbox-item';
import type { OutboxHead, OutboxStore } from '../mongo/outbox-store';
import { CardCopies } from './card-copies';
import { classify } from './messenger';
import { OutboxLanes } from './outbox-lanes';
import { RateLimiter } from './rate-limit';
import { machineNow } from '../../clock';

/**
 * Delivers the outbox (docs/architecture.md#the-outbox-and-the-relay). Per lane (a chat or a person) rows go out one at a time in order; a row
 * is claimed with a lock before it is sent and sent with its key as Feishu's `uuid`, so a crash between
 * sending and marking it sent resends the same uuid and Feishu keeps one message. 429/5xx/timeouts are
 * retried with exponential backoff and jitter (honouring the rate-limit reset header), capped at 10
 * minutes and never given up: nothing a person is owed is lost to an outage, however long (the row stays
 * pending with its attempts and lastError, listed by `GET /api/outbox?status=retrying`). Only permanent
 * errors (bot not in the chat, user out of scope…, see messenger.ts `classify`) end a row as failed,
 * recorded for admins. Card updates render the latest state when sent, so pending updates of one
 * card collapse into one.
 *
 * Lanes run independently: a lane waiting for a hung call, a backoff or its rate never holds up the
 * others (a pass does not wait for the rows it started). What is pending is kept in memory (see
 * outbox-lanes.ts for why), so sending a row costs the database only reads and writes by `_id`.
 */
export type { CardRenderer };

export interface OutboxWorkerOptions {
  models: Models;
  store: OutboxStore;
  locks: Locks;
  messenger: Messenger;
  renderer: CardRenderer;
  /** Makers of file rows' files (docs/architecture.md#files-out); without them a file row fails for good. */
  files?: FileMakers;
  log: Logger;
  limiter?: RateLimiter;
  /** Lanes in flight at once (each mostly waits for its rate). */
  concurrency?: number;
  /** The shortest pause between passes while known rows wait (a lane busy, a claim held elsewhere); default 250 ms. */
  pollMs?: number;
  /**
   * How often to look in the database for rows other processes put (a whole-collection read on
   * FerretDB), default 5 s (`OUTBOX_SCAN`). Each look that finds nothing new doubles the wait, up to
   * `scanMaxMs` (default six times `scanMs`); one that finds rows brings it back to `scanMs`. This
   * process's own rows never wait for a look: `put` wakes the worker at once.
   */
  scanMs?: number;
  scanMaxMs?: number;
  /** How long a claimed row stays claimed if this process dies; longer than a call's timeout. */
  lockTtlMs?: number;
  /** Transient failures of one row after which each further retry is logged as a warning (it is still retried). */
  warnAfterAttempts?: number;
  /** Backoff of transient failures: `base` doubled per attempt, at most `max` (default 500 ms, 10 min). */
  backoffMs?: { base?: number; max?: number };
  editWindowMs?: number; // Feishu lets a message be edited for 14 days
  /** The business clock, on which a card's age for the edit window is counted (defaults to `now`). */
  editNow?: () => number;
  /** Machine time (never the business clock): retries, sentAt and the edit window. */
  now?: () => number;
}

/** The app's own credentials refused: a configuration fault for all rows, not one message's fate. */
const APP_AUTH = new Set(['10003', '10014']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What became of a row: done (sent, failed for good, superseded, or not ours to send) or due again at a time. */
type Outcome = { done: true } | { done: false; retryAt?: Date };

/** What one `sendDue` pass did (rows this worker handled while it ran). */
export interface SendDueResult {
  sent: number;
  failed: number;
  /** transient failures, each scheduled again with backoff */
  retrying: number;
  /** pending rows this worker knows of, left for their retry time */
  waiting: number;
  timedOut?: boolean;
}

export class OutboxWorker {
  private running = false;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<unknown>;
  private wakeRequested = false;
  /** lane → the row being delivered in it (one per lane, so a lane keeps its order). */
  private readonly busy = new Map<string, Promise<void>>();
  private readonly lanes = new OutboxLanes();
  private lastScan = 0;
  private scanSoon = true;
  /** The wait before the next look for other processes' rows (grows while the looks find nothing). */
  private scanEvery: number;
  private readonly limiter: RateLimiter;
  private readonly now: () => number;
  private readonly copies: CardCopies;
  private readonly counts = { sent: 0, failed: 0, retrying: 0 };
  /** Passes in a row that failed (the database away): the next one waits longer, up to 30 s. */
  private failures = 0;
  private rowFailures = 0;

  constructor(private readonly o: OutboxWorkerOptions) {
    this.limiter = o.limiter ?? new RateLimiter();
    this.now = o.now ?? machineNow;
    this.scanEvery = o.scanMs ?? 5000;
    this.copies = new CardCopies({ models: o.models, locks: o.locks, messenger: o.messenger, log: o.log, now: this.now, editNow: o.editNow, editWindowMs: o.editWindowMs });
    o.store.onPut((rows) => {
      this.lanes.add(rows);
      this.wake();
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.scanSoon = true;
    this.schedule(0);
  }

  /** Stops taking rows and waits for the ones being sent. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await Promise.allSettled([...this.busy.values()]);
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
        .then(
          () => (this.failures = 0),
          (e) => {
            // logged on the first failure and then every 10th: an outage does not flood the log
            if (this.failures++ % 10 === 0) this.o.log.error({ err: e, failures: this.failures }, 'outbox tick failed; backing off');
            this.scanSoon = true; // what was put meanwhile by others is found when it passes again
          },
        )
        .finally(() => {
          this.ticking = undefined;
          if (!this.running) return;
          const again = this.wakeRequested && !this.failures;
          this.wakeRequested = false;
          const backoff = Math.min((this.o.pollMs ?? 250) * 2 ** Math.min(this.failures, 10), 30_000);
          this.schedule(again ? 0 : this.failures ? backoff : this.idleWait());
        });
    }, ms);
    this.timer.unref?.();
  }

  /**
   * How long to sleep when nothing woke the worker: until the next known row comes due (at least
   * `pollMs`, so a row whose claim is held elsewhere is not asked for in a loop) or the next look for
   * other processes' rows, whichever is first. Idle, that is one look every few seconds and nothing else.
   */
  private idleWait(): number {
    const now = machineNow();
    const toScan = Math.max(0, this.lastScan + this.scanEvery - now);
    const due = this.lanes.nextDue();
    if (due === undefined) return toScan;
    return Math.min(toScan, Math.max(this.o.pollMs ?? 250, due - this.now()));
  }

  /** Sends everything pending, retries included, until the database holds nothing pending (for tests and scripts). */
  async drain(timeoutMs = 60_000): Promise<void> {
    const until = machineNow() + timeoutMs;
    await this.scan();
    while (machineNow() < until) {
      await this.tick();
      if (this.busy.size) {
        await Promise.race([...this.busy.values(), sleep(20)]);
        continue;
      }
      if (!this.lanes.size) {
        await this.scan(); // what this process does not know of: other processes' rows
        if (!this.lanes.size) return;
        continue;
      }
      await sleep(Math.min(50, Math.max(5, (this.lanes.nextDue() ?? 0) - this.now()))); // rows wait for their retry time
    }
    throw new Error('outbox did not drain in time');
  }

  /**
   * One pass for the `outbox` job (`POST /api/jobs/outbox/run`, `npm run job -- outbox`): reads what is
   * pending, sends every row that is due now (a lane's next row follows as soon as its head is out) and
   * returns what became of them. Unlike `drain` it does not wait for rows whose retry time is later: during
   * an outage it answers promptly, and those rows go when the running worker reaches their time.
   */
  async sendDue(timeoutMs = 60_000): Promise<SendDueResult> {
    const before = { ...this.counts };
    const until = machineNow() + timeoutMs;
    await this.scan();
    let timedOut = true;
    while (machineNow() < until) {
      const started = await this.tick();
      if (this.busy.size) {
        await Promise.race([...this.busy.values(), sleep(20)]);
        continue;
      }
      if (!started) {
        timedOut = false;
        break;
      }
    }
    return {
      sent: this.counts.sent - before.sent,
      failed: this.counts.failed - before.failed,
      retrying: this.counts.retrying - before.retrying,
      waiting: this.lanes.size,
      ...(timedOut && { timedOut }),
    };
  }

  /** Reads the pending rows from the database into the lanes. */
  private async scan(): Promise<void> {
    this.lastScan = machineNow();
    this.scanSoon = false;
    const { rows, truncated } = await this.o.store.scanPending();
    const known = this.lanes.size;
    this.lanes.add(rows);
    // nothing new (only rows this worker knew of): look less often; rows someone else put: look again soon
    const base = this.o.scanMs ?? 5000;
    this.scanEvery = this.lanes.size > known ? base : Math.min(this.scanEvery * 2, this.o.scanMaxMs ?? base * 6);
    // rows beyond the scan's page show up when the lanes run low
    if (truncated) this.scanSoon = this.lanes.size < 100;
  }

  /** One pass: starts the due head of every lane not already in flight. Returns whether it started any. */
  async tick(): Promise<boolean> {
    if (this.scanSoon || machineNow() - this.lastScan >= this.scanEvery) await this.scan();
    const limit = (this.o.concurrency ?? 32) - this.busy.size;
    if (limit <= 0) return false;
    // synchronous from here: two passes at once cannot start the same lane twice
    const heads = this.lanes.takeDue(this.now(), (lane) => this.busy.has(lane), limit);
    for (const head of heads) {
      const p = this.process(head)
        .then((out) => {
          if (out.done) this.lanes.remove(head._id);
          else if (out.retryAt) this.lanes.retryAt(head._id, out.retryAt);
        })
        .then(
          () => void (this.rowFailures = 0),
          (e) => {
            // the database failed us (the row could not even be marked): look again in a second, longer
            // while it stays away (at most 30 s); logged on the first failure and then every 50th
            if (this.rowFailures++ % 50 === 0) this.o.log.error({ err: e, row: head._id, failures: this.rowFailures }, 'outbox row failed; retried with backoff');
            this.lanes.retryAt(head._id, new Date(this.now() + Math.min(1000 * 2 ** Math.min(Math.floor(this.rowFailures / 10), 5), 30_000)));
          },
        )
        .finally(() => {
          this.busy.delete(head.lane);
          this.wake();
        });
      this.busy.set(head.lane, p);
    }
    return heads.length > 0;
  }

  private async process(head: OutboxHead): Promise<Outcome> {
    // wait for the rate before claiming, so a long wait never outlives the claim
    await this.limiter.ready(head.lane);
    const key = `outbox:${head._id}`;
    if (!(await this.o.locks.tryAcquire(key, this.o.lockTtlMs ?? 20_000))) {
      await sleep(50); // another worker has it (or had it and died: its claim runs out); ask again later
      return { done: false };
    }
    try {
      const row = await this.o.store.get(head._id);
      if (!row || row.status !== 'pending') return { done: true };
      const at = new Date(row.nextAttemptAt);
      if (at.getTime() > this.now()) return { done: false, retryAt: at };
      return await this.deliver(row);
    } finally {
      await this.o.locks.release(key);
    }
  }

  private async deliver(row: OutboxRow): Promise<Outcome> {
    const { messenger, store } = this.o;
    try {
      if (row.kind === 'patch' && row.messageId) {
        // later updates of this card: rendering now shows their state too (rows this process knows of)
        for (const id of this.lanes.patchesOf(row.messageId, row._id)) {
          await store.update(id, { status: 'superseded' });
          this.lanes.remove(id);
        }
      }
      const content = row.file ? await this.fileContent(row) : row.render ? await this.o.renderer.render(row.render) : row.content;
      if (content === null || content === undefined) {
        await store.update(row._id, { status: 'superseded', lastError: { code: 'gone', message: 'nothing left to show', permanent: true } });
        return { done: true };
      }
      await this.limiter.acquire(row.lane);
      let sentMessageId: string | undefined;
      switch (row.kind) {
        case 'send': {
          const r = await messenger.send(row.to!, row.msgType, content, row._id);
          sentMessageId = r.messageId;
          if (row.record) await this.copies.record(r.messageId, row, r.chatId);
          break;
        }
        case 'reply': {
          const r = await messenger.reply(row.messageId!, row.msgType, content, row._id);
          sentMessageId = r.messageId;
          if (row.record) await this.copies.record(r.messageId, row, r.chatId);
          break;
        }
        case 'patch':
          sentMessageId = await this.copies.patchOrResend(row, content);
          break;
        case 'urgent':
          await messenger.urgent(row.messageId!, row.urgentTo ?? []);
          break;
        case 'card_update':
          await messenger.updateCard(row.cardToken!, content);
          break;
        default:
          throw new FeishuError('bad_row', `outbox row of kind ${String(row.kind)} cannot be sent`, true);
      }
      if (row.urgentTo?.length && row.kind !== 'urgent' && sentMessageId) {
        // 加急 needs its own scope; without it the card has been delivered anyway
        await messenger.urgent(sentMessageId, row.urgentTo).catch((e) => this.o.log.warn({ code: classify(e).code, row: row._id }, 'urgent (加急) not sent; normal card delivered'));
      }
      await store.update(row._id, { status: 'sent', sentAt: new Date(this.now()), sentMessageId, attempts: row.attempts + 1 });
      this.counts.sent++;
      return { done: true };
    } catch (e) {
      return this.failed(row, classify(e));
    }
  }

  /**
   * A file row's content: the file made now from its reference and uploaded, `{file_key}`; null when the
   * maker says it is gone. The key is kept on the row, so a retry after a failed send (or a crash) sends
   * the same upload; a crash before the key is kept uploads once more, which sends no second message.
   */
  private async fileContent(row: OutboxRow): Promise<{ file_key: string } | null> {
    if (row.fileKey) return { file_key: row.fileKey };
    const made = await this.o.files?.make(row.file!);
    if (made === undefined) throw new FeishuError('no_maker', `no maker for files of kind ${row.file!.kind}`, true);
    if (made === null) return null;
    const fileKey = await this.o.messenger.uploadFile(made.name, made.bytes, made.fileType);
    await this.o.store.update(row._id, { fileKey });
    return { file_key: fileKey };
  }

  private async failed(row: OutboxRow, err: FeishuError): Promise<Outcome> {
    const attempts = row.attempts + 1;
    const permanent = err.permanent && !APP_AUTH.has(err.code);
    const lastError = { code: err.code, message: err.message.slice(0, 300), permanent };
    if (APP_AUTH.has(err.code)) this.o.log.error({ code: err.code }, 'Feishu refuses the app credentials (FEISHU_APP_ID / FEISHU_APP_SECRET): messages wait');
    if (permanent) {
      // only what retrying cannot fix ends a row; transient errors are retried however many attempts it takes
      this.o.log.warn({ row: row._id, lane: row.lane, code: err.code, attempts }, 'outbox message failed permanently');
      await this.o.store.update(row._id, { status: 'failed', attempts, lastError });
      this.counts.failed++;
      return { done: true };
    }
    const max = this.o.backoffMs?.max ?? 10 * 60_000;
    const backoff = Math.min(2 ** Math.min(attempts - 1, 40) * (this.o.backoffMs?.base ?? 500), max);
    const wait = Math.max(err.retryAfterMs ?? 0, Math.min(backoff * (0.75 + Math.random() * 0.5), max));
    if (err.retryAfterMs) {
      if (err.code === '230020') this.limiter.lane(row.lane).pause(err.retryAfterMs);
      else this.limiter.app.pause(err.retryAfterMs);
    }
    const stuck = attempts >= (this.o.warnAfterAttempts ?? 12);
    this.o.log[stuck ? 'warn' : 'info']({ row: row._id, lane: row.lane, code: err.code, attempts, waitMs: Math.round(wait) }, stuck ? 'outbox message still not delivered; retry scheduled' : 'outbox retry scheduled');
    const retryAt = new Date(this.now() + wait);
    await this.o.store.update(row._id, { attempts, lastError, nextAttemptAt: retryAt });
    this.counts.retrying++;
    return { done: false, retryAt };
  }
}
