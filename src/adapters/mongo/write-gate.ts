import type { PutUrgency } from '../../app/ports/outbox';
import { perConnection } from './per-connection';

/**
 * One write at a time per database connection, the answer's writes first (docs/architecture.md#the-hot-path).
 *
 * FerretDB's SQLite handler lets one transaction write at a time; the others wait in SQLite's busy
 * handler, which polls with sleeps growing to 100 ms, so under a burst a write waits behind whoever
 * polls first, not behind whoever came first: measured, 40 concurrent 签收 left some task updates
 * waiting 400–600 ms for a write that takes 2. Queued here instead, writes go in order, and those an
 * answer waits for (claims, locks, a task's change) go before those that follow an answer (the relay,
 * releases, done marks, the outbox worker's marks). Reads are not gated.
 */
export type WriteUrgency = PutUrgency;

export class WriteGate {
  private running = 0;
  private readonly queues: Record<WriteUrgency, (() => void)[]> = { answer: [], after: [] };
  /** Answer writes queued or running, and when the last one ended (machine ms): the hot path's pulse. */
  private answering = 0;
  private lastAnswer = -Infinity;

  /**
   * `holdMs`: a write still running after this lets the next one start (the gate orders writes; it never
   * waits on a slow one): a database that stalls or is away (writes then wait seconds for it) gets them
   * side by side, as without the gate, not one after another.
   */
  constructor(
    private readonly width = 1,
    private readonly holdMs = 25,
  ) {}

  async run<T>(urgency: WriteUrgency, write: () => Promise<T>): Promise<T> {
    if (urgency === 'answer') this.answering++;
    try {
      return await this.take(urgency, write);
    } finally {
      if (urgency === 'answer') {
        this.answering--;
        this.lastAnswer = performance.now();
      }
    }
  }

  /**
   * Background work (a job's next batch) waits here while answers are being written: until no answer
   * write has been queued or running for `quietMs`, or `maxMs` at most, so a steady stream of events
   * slows a job down but never stops it.
   */
  async calm(quietMs = 50, maxMs = 2000): Promise<void> {
    const until = performance.now() + maxMs;
    for (;;) {
      const now = performance.now();
      const quietFor = this.answering ? 0 : now - this.lastAnswer;
      if (quietFor >= quietMs || now >= until) return;
      await new Promise((r) => setTimeout(r, Math.min(quietMs - quietFor, until - now)));
    }
  }

  private async take<T>(urgency: WriteUrgency, write: () => Promise<T>): Promise<T> {
    if (this.running < this.width) this.running++;
    else await new Promise<void>((r) => this.queues[urgency].push(r)); // the slot is handed over
    let handed = false;
    const handOn = () => {
      if (handed) return;
      handed = true;
      const next = this.queues.answer.shift() ?? this.queues.after.shift();
      if (next) next();
      else this.running--;
    };
    const timer = setTimeout(handOn, this.holdMs);
    try {
      return await write();
    } finally {
      clearTimeout(timer);
      handOn();
    }
  }
}

/** The gate of a model's connection, made on first use. */
export const writeGate = perConnection(() => new WriteGate());
