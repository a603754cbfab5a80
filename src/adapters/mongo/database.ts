import mongoose, { type Connection, type mongo } from 'mongoose';
import type { Logger } from 'pino';
import { dbNameOf, ping } from './connection';
import { machineNow } from '../../clock';

/** mongoose's types for the wiring (main.ts, the sandbox, metrics, the org import): only src/adapters/mongo imports mongoose (docs/architecture.md#import-rules). */
export type { Connection, Model, mongo } from 'mongoose';

/**
 * The service's database, watched (docs/…: README "When the database is away"). The service never
 * waits for it to start: `start()` connects in the background, retrying with backoff for as long as it
 * takes, then runs the start-up steps (indexes, migrations) — retried too — and only then calls it up.
 * A probe pings it every few seconds; the driver's own disconnect event marks it down at once. Callers
 * ask `ready` (answer 503 at once when false) and race their work against `onDown()`.
 *
 * What bounds a wait: a refused connection fails within `timeoutMs` (server selection); a silent one
 * (packets swallowed) is found by the driver's heartbeat within heartbeat + connect timeout, which then
 * interrupts the operations in flight; an HTTP request does not wait for that, it is answered 503 as soon
 * as the probe fails (see http/db-gate.ts).
 */
export type DbStatus = 'connecting' | 'starting' | 'up' | 'down' | 'closed';

export class DatabaseUnavailable extends Error {
  readonly status = 503;
  readonly code = 'database_unavailable';
  constructor(reason: string) {
    super(`the database is not available (${reason}); try again shortly`);
  }
}

export interface DatabaseOptions {
  uri: string;
  dbName?: string;
  log: Logger;
  /** How long one operation or probe waits for an unanswering database (config DB_TIMEOUT). */
  timeoutMs?: number;
  /** Time between probes while it is up. */
  probeMs?: number;
  /** Longest wait between two connection attempts while it is away. */
  maxBackoffMs?: number;
}

/** Errors that say the database could not be reached (as opposed to a refused or bad operation). */
export function isDbUnavailable(e: unknown): boolean {
  if (e instanceof DatabaseUnavailable) return true;
  const err = e as { name?: string; message?: string; errorLabels?: string[]; errorLabelSet?: Set<string> } | undefined;
  if (!err || typeof err !== 'object') return false;
  if (/^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|PoolCleared|TopologyClosed)Error$/.test(err.name ?? '')) return true;
  if (err.errorLabelSet?.has('ResetPool')) return true;
  if (/^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH)$/.test(String((err as { code?: unknown }).code ?? ''))) return true;
  if (err !== (err as { cause?: unknown }).cause && (err as { cause?: unknown }).cause && isDbUnavailable((err as { cause?: unknown }).cause)) return true;
  return /buffering timed out after|Client must be connected|connection .* (closed|timed out)|\b(ECONNRESET|ECONNREFUSED|EPIPE)\b/i.test(err.message ?? '');
}

export class Database {
  readonly conn: Connection;
  private state = 'connecting' as DbStatus;
  private why = 'connecting';
  private readonly timeoutMs: number;
  private readonly steps: { name: string; run: () => Promise<unknown> }[] = [];
  private readonly clientWatchers: ((client: mongo.MongoClient) => void)[] = [];
  private readyWaiters: (() => void)[] = [];
  private readonly downWatchers = new Set<() => void>();
  private timer?: NodeJS.Timeout;
  private lastLog = 0;

  constructor(private readonly o: DatabaseOptions) {
    this.timeoutMs = o.timeoutMs ?? 3000;
    this.conn = mongoose.createConnection(); // opened by start(); models may be defined on it at once
    this.conn.set('bufferTimeoutMS', this.timeoutMs); // an operation issued while disconnected waits this long
    this.conn.on('error', (err) => this.warn('database connection error', err)); // never an uncaught 'error' event
    this.conn.on('disconnected', () => this.markDown('the database connection was lost'));
    this.conn.on('reconnected', () => this.probeSoon());
  }

  get status(): DbStatus {
    return this.state;
  }

  private get closed(): boolean {
    return this.state === 'closed';
  }

  get ready(): boolean {
    return this.state === 'up';
  }

  /** Why it is not up (for /readyz and the 503 answers). */
  get reason(): string {
    return this.why;
  }

  /** Called with the driver's client once connected (command monitoring for metrics). */
  onClient(cb: (client: mongo.MongoClient) => void): void {
    this.clientWatchers.push(cb);
  }

  /** A step run once the database answers, before it is called up (indexes, migrations); retried until it succeeds. */
  onStart(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  /** Resolves when the database is up (at once if it is). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  /** Calls `cb` when the database is next found down (at once if it is not up); returns the unsubscribe. */
  onDown(cb: () => void): () => void {
    if (!this.ready) {
      cb();
      return () => {};
    }
    const once = () => {
      this.downWatchers.delete(once);
      cb();
    };
    this.downWatchers.add(once);
    return () => this.downWatchers.delete(once);
  }

  /** Marks it for a probe now: an operation just failed in a way that says the database may be away. */
  suspect(): void {
    this.probeSoon();
  }

  /** One ping within the timeout (for /readyz). */
  ping(): Promise<void> {
    return ping(this.conn, this.timeoutMs);
  }

  /** Throws the 503 error when the database is not up. */
  assertReady(): void {
    if (!this.ready) throw new DatabaseUnavailable(this.why);
  }

  /** Connects and prepares in the background; never rejects. */
  start(): void {
    void this.connectLoop();
  }

  async close(): Promise<void> {
    this.state = 'closed';
    if (this.timer) clearTimeout(this.timer);
    await this.conn.close();
  }

  private async connectLoop(): Promise<void> {
    let delay = 500;
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.conn.openUri(this.o.uri, {
          dbName: this.o.dbName ?? dbNameOf(this.o.uri),
          autoIndex: false, // indexes are created by the start-up steps
          autoCreate: true,
          maxPoolSize: 20,
          serverSelectionTimeoutMS: this.timeoutMs,
          connectTimeoutMS: Math.max(this.timeoutMs, 2000), // also the heartbeat's timeout: a silent server is found by it
          heartbeatFrequencyMS: 2000,
          monitorCommands: true, // round-trip times for metrics (src/metrics.ts); events cost nothing unheard
        });
        for (const cb of this.clientWatchers) cb(this.conn.getClient());
        break;
      } catch (e) {
        if (this.closed) return;
        this.why = `cannot connect: ${(e as Error).message}`;
        this.warn(`database not reachable (attempt ${attempt}); retrying in ${Math.round(delay / 1000)} s`, e);
        await sleep(delay);
        delay = Math.min(delay * 2, this.o.maxBackoffMs ?? 15_000);
      }
    }
    await this.runSteps();
    this.probe();
  }

  private async runSteps(): Promise<void> {
    this.state = 'starting';
    let delay = 500;
    for (const step of this.steps) {
      for (;;) {
        if (this.closed) return;
        this.why = `starting: ${step.name}`;
        try {
          await step.run();
          break;
        } catch (e) {
          this.warn(`start-up step "${step.name}" failed; retrying in ${Math.round(delay / 1000)} s`, e);
          await sleep(delay);
          delay = Math.min(delay * 2, this.o.maxBackoffMs ?? 15_000);
        }
      }
    }
  }

  private async probe(): Promise<void> {
    if (this.closed) return;
    try {
      await ping(this.conn, this.timeoutMs);
      this.markUp();
    } catch (e) {
      this.markDown(`no answer to a ping: ${(e as Error).message}`);
    }
    if (this.closed) return;
    this.timer = setTimeout(() => void this.probe(), this.ready ? (this.o.probeMs ?? 2000) : 1000);
    this.timer.unref();
  }

  private probeSoon(): void {
    if (this.closed || this.state === 'connecting' || this.state === 'starting') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.probe(), 0);
    this.timer.unref();
  }

  private markUp(): void {
    if (this.state === 'up') return;
    const was = this.state;
    this.state = 'up';
    this.why = 'up';
    this.o.log.info({ was }, 'database up');
    for (const w of this.readyWaiters.splice(0)) w();
  }

  private markDown(reason: string): void {
    if (this.state !== 'up' && this.state !== 'down') return; // connecting and starting have their own reason
    this.why = reason;
    if (this.state === 'up') {
      this.state = 'down';
      this.lastLog = 0;
      this.warn('database down: requests are answered 503, background work waits', reason);
      for (const w of [...this.downWatchers]) w();
    }
  }

  /** Warnings at most every 30 s while the database stays away. */
  private warn(msg: string, err: unknown): void {
    const now = machineNow();
    if (now - this.lastLog < 30_000) return;
    this.lastLog = now;
    this.o.log.warn({ err: err instanceof Error ? err.message : err, status: this.state }, msg);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
