import type { Connection } from 'mongoose';
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent, MongoClient } from 'mongodb';

/**
 * Records the commands a connection sends, through the driver's command monitoring (the connection is
 * opened with `monitorCommands: true`, see src/adapters/mongo/connection.ts): which command, on which
 * collection, with which filters, and in which round trip. A command's round trip is one more than the
 * deepest of those that had finished when it started: commands in flight together share one, and a
 * chain of commands each waiting for the one before counts each (the longest such chain is what a
 * request waited for). The driver's own traffic (ping, hello, sessions) is left out.
 */
export interface RecordedCommand {
  name: string;
  collection?: string;
  /** Every filter the command carries (a find's, each update's and delete's `q`, an aggregate's `$match`). */
  filters: unknown[];
  /** Its depth: 1 + the deepest round trip finished when it started (since `start()`). */
  round: number;
  startedAt: number;
  endedAt?: number;
}

const DRIVER = new Set(['ping', 'hello', 'ismaster', 'isMaster', 'endSessions', 'buildInfo', 'getParameter', 'saslStart', 'saslContinue']);

function filtersOf(name: string, cmd: Record<string, unknown>): unknown[] {
  switch (name) {
    case 'find':
    case 'count':
    case 'distinct':
      return [name === 'find' ? (cmd.filter ?? {}) : (cmd.query ?? {})];
    case 'findAndModify':
      return [cmd.query ?? {}];
    case 'update':
      return ((cmd.updates as { q: unknown }[]) ?? []).map((u) => u.q);
    case 'delete':
      return ((cmd.deletes as { q: unknown }[]) ?? []).map((d) => d.q);
    case 'aggregate':
      // an aggregation is never a lookup by `_id`: reported whole, so the check names it
      return [{ aggregate: cmd.pipeline }];
    default:
      return [];
  }
}

/** A filter that is exactly `{_id: value}` (a plain value: no `$in`, no operator, no other field). */
export function isIdEquality(filter: unknown): boolean {
  if (!filter || typeof filter !== 'object') return false;
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return false;
  const v = (filter as { _id: unknown })._id;
  return v === null || typeof v !== 'object' || '_bsontype' in (v as object);
}

export class CommandMonitor {
  private recording = false;
  private deepestDone = 0;
  private list: RecordedCommand[] = [];
  private readonly inFlight = new Map<number, RecordedCommand>();

  /** Commands not recorded: the service's own background reads (the organisation's version stamp, every 3 s). */
  ignore: (collection: string | undefined, filters: unknown[]) => boolean = () => false;

  private readonly started = (e: CommandStartedEvent) => {
    if (!this.recording || DRIVER.has(e.commandName)) return;
    const cmd = e.command as Record<string, unknown>;
    const collection = typeof cmd[e.commandName] === 'string' ? (cmd[e.commandName] as string) : undefined;
    if (this.ignore(collection, filtersOf(e.commandName, cmd))) return;
    const rec: RecordedCommand = { name: e.commandName, collection, filters: filtersOf(e.commandName, cmd), round: this.deepestDone + 1, startedAt: performance.now() };
    this.list.push(rec);
    this.inFlight.set(e.requestId, rec);
  };

  private readonly ended = (e: CommandSucceededEvent | CommandFailedEvent) => {
    const rec = this.inFlight.get(e.requestId);
    if (!rec) return;
    rec.endedAt = performance.now();
    this.deepestDone = Math.max(this.deepestDone, rec.round);
    this.inFlight.delete(e.requestId);
  };

  constructor(private readonly client: MongoClient) {
    client.on('commandStarted', this.started);
    client.on('commandSucceeded', this.ended);
    client.on('commandFailed', this.ended);
  }

  static of(conn: Connection): CommandMonitor {
    return new CommandMonitor(conn.getClient());
  }

  /** Forgets what was recorded and records from now on. */
  start(): void {
    this.list = [];
    this.deepestDone = 0;
    this.inFlight.clear();
    this.recording = true;
  }

  stop(): RecordedCommand[] {
    this.recording = false;
    return this.list;
  }

  get commands(): readonly RecordedCommand[] {
    return this.list;
  }

  /**
   * The round trips an answer waited for: the longest chain among the commands finished by `at` (a
   * `performance.now()` reading taken when the answer was ready). Commands still running then (work
   * after the answer) are not counted; one that finished before it is, waited for or not.
   */
  roundTripsBefore(at: number): number {
    return Math.max(0, ...this.list.filter((c) => c.endedAt !== undefined && c.endedAt <= at).map((c) => c.round));
  }

  /** The longest chain of commands recorded (each started after the one before had finished). */
  roundTrips(): number {
    return Math.max(0, ...this.list.map((c) => c.round));
  }

  /** The commands whose filters are not all `_id` equality, one line each (empty: all are). */
  scans(): string[] {
    return this.list.filter((c) => c.filters.some((f) => !isIdEquality(f))).map((c) => `${c.name} ${c.collection ?? ''} ${JSON.stringify(c.filters)}`);
  }

  /** One line per command, for a failing test's message: `round name collection filters`. */
  describe(): string {
    return this.list.map((c) => `${c.round} ${c.name} ${c.collection ?? ''} ${JSON.stringify(c.filters)}`).join('\n');
  }

  detach(): void {
    this.client.off('commandStarted', this.started);
    this.client.off('commandSucceeded', this.ended);
    this.client.off('commandFailed', this.ended);
  }
}
