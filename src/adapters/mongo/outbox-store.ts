import type { Models } from './models';
import { writeGate, type WriteUrgency } from './write-gate';
import type { OutboxItem, OutboxRow, OutboxStatus } from '../../app/outbox-item';
import type { Outbox } from '../../app/ports/outbox';
import { OUTBOX_SCHEMA_VERSION } from './models/outbox';
import { machineDate, machineNow } from '../../clock';
import { insertOutcomes } from './group-commit';
import { GroupCommit } from './group-commit';

/**
 * The outbox's rows. `put` is safe to repeat: a row's _id is the item's idempotency key, so the relay
 * may put the same owed item twice after a crash and still one message goes out.
 *
 * On FerretDB only a filter that is exactly `{_id}` avoids reading the whole collection (measured:
 * `{status:'pending'}` and even `{_id, status}` read every row, and sent rows are kept for a month), so
 * the worker is told of new rows by `onPut` and scans for pending ones only now and then.
 */
let lastSeq = 0;
/** Increasing numbers that order rows within a lane (wall-clock based, so roughly ordered across instances). */
export function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, machineNow() * 1000);
  return lastSeq;
}

export function laneOf(item: OutboxItem): string {
  if (item.lane) return item.lane;
  if (item.to) return `${item.to.type === 'chat_id' ? 'chat' : 'user'}:${item.to.id}`;
  if (item.kind === 'card_update') return `token:${item.cardToken}`;
  return `msg:${item.messageId}`;
}

/** What the worker needs to pick a lane's next row; the row itself is read after it is claimed. */
export type OutboxHead = Pick<OutboxRow, '_id' | 'lane' | 'seq' | 'nextAttemptAt' | 'kind' | 'messageId'>;
const HEAD_FIELDS = { _id: 1, lane: 1, seq: 1, nextAttemptAt: 1, kind: 1, messageId: 1 } as const;

const KINDS = new Set(['send', 'reply', 'patch', 'urgent', 'card_update']);
const MSG_TYPES = new Set(['text', 'interactive', 'post', 'file']);
const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** What is wrong with an item, or null. Feishu's uuid is at most 50 characters. */
export function itemProblem(item: OutboxItem): string | null {
  if (!item || typeof item !== 'object') return 'not an object';
  if (!str(item.key) || item.key.length > 50) return `key must be 1–50 characters (Feishu's uuid), got ${JSON.stringify(item.key)}`;
  if (!KINDS.has(item.kind)) return `kind ${JSON.stringify(item.kind)} cannot be sent (send, reply, patch, urgent, card_update; a refresh is expanded before it is put)`;
  if (!MSG_TYPES.has(item.msgType)) return `msgType ${JSON.stringify(item.msgType)} is not text, interactive, post or file`;
  if (item.msgType === 'file') {
    if (item.kind !== 'send' && item.kind !== 'reply') return `a file goes out as a send or a reply, not a ${item.kind}`;
    if (!(item.file && str(item.file.kind) && item.file.args && typeof item.file.args === 'object')) return 'a file needs file: {kind, args} (what makes it when it is sent)';
    if (item.render || item.content !== undefined) return 'a file is made from its file reference; it takes no content or render';
  } else if (item.file) return `file is for msgType file, not ${item.msgType}`;
  if (item.kind === 'send' && !(item.to && (item.to.type === 'chat_id' || item.to.type === 'open_id') && str(item.to.id))) return 'a send needs to: {type: chat_id|open_id, id}';
  if ((item.kind === 'reply' || item.kind === 'patch' || item.kind === 'urgent') && !str(item.messageId)) return `a ${item.kind} needs the messageId it acts on`;
  if (item.kind === 'card_update' && !str(item.cardToken)) return 'a card_update needs the callback’s cardToken';
  if (item.kind === 'urgent' && !(Array.isArray(item.urgentTo) && item.urgentTo.length)) return 'an urgent needs urgentTo open_ids';
  if (item.kind !== 'urgent' && item.content === undefined && !item.render && !item.file) return `a ${item.kind} needs content or a render`;
  return null;
}

export class OutboxStore implements Outbox {
  private listeners: ((rows: OutboxHead[]) => void)[] = [];
  /**
   * Puts made within 1 ms of each other (a morning's requests) go to the database as one insert: those an
   * answer waits for (a query's reply) apart from those that follow one (a relay's), which go after them.
   */
  private readonly inserts: Record<WriteUrgency, GroupCommit<OutboxRow, boolean>> = {
    answer: new GroupCommit((docs) => this.insertAll(docs, 'answer'), { windowMs: 1, max: 500 }),
    after: new GroupCommit((docs) => this.insertAll(docs, 'after'), { windowMs: 1, max: 500 }),
  };

  constructor(private readonly models: Models) {}

  /** Called with the rows that became pending in this process (new ones, and failed ones retried). */
  onPut(fn: (rows: OutboxHead[]) => void): void {
    this.listeners.push(fn);
  }

  /**
   * Queues items to go out now (wall-clock time: the outbox never follows the business clock). A bad
   * item refuses the whole put, naming the item and what is wrong, and nothing of it is queued. Puts made
   * at the same moment share one insert (docs/architecture.md#the-hot-path); a put's items stay together.
   * `urgency` 'after': a put that follows an answer (the relay), sent after the writes answers wait for.
   */
  async put(items: OutboxItem[], urgency: WriteUrgency = 'answer'): Promise<void> {
    if (!items.length) return;
    items.forEach((item, i) => {
      const problem = itemProblem(item);
      if (problem) throw new Error(`outbox item ${i + 1} of ${items.length} (${String(item?.key)}): ${problem}; nothing was queued`);
    });
    const now = machineDate();
    const docs: OutboxRow[] = items.map((item) => ({
      ...item,
      _id: item.key,
      lane: laneOf(item),
      seq: nextSeq(),
      status: 'pending' as OutboxStatus,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      schemaVersion: OUTBOX_SCHEMA_VERSION,
    }));
    await this.inserts[urgency].submit(docs);
  }

  /**
   * One unordered insertMany for every put of the batch. Per row: inserted, a duplicate (E11000: a row
   * already queued or sent with that key, or the same key twice in this batch: skipped, the put still
   * succeeds) or an error, which fails its own put only. The rows of that put that did insert stay queued,
   * as they did when each put was its own unordered insertMany. A batch that fails as a whole fails
   * every put in it (insertOutcomes throws).
   */
  private async insertAll(docs: OutboxRow[], urgency: WriteUrgency): Promise<(boolean | Error)[]> {
    let outcomes: (boolean | Error)[];
    try {
      await writeGate(this.models.outbox).run(urgency, () => this.models.outbox.collection.insertMany(docs as never[], { ordered: false }));
      outcomes = docs.map(() => true);
    } catch (e) {
      outcomes = insertOutcomes(docs.length, e).map((o, i) => (o instanceof Error ? new Error(`outbox row ${docs[i]._id} was not queued: ${o.message}`) : o));
    }
    // duplicates are rows already queued (or sent): the worker must not see them as new
    const fresh = docs.filter((_, i) => outcomes[i] === true).map(headOf);
    if (fresh.length) this.notify(fresh);
    return outcomes;
  }

  /** The oldest rows not yet final, in lane order (a whole-collection read on FerretDB: not for hot paths). */
  async pending(limit: number): Promise<OutboxRow[]> {
    return this.models.outbox.find({ status: 'pending' }).sort({ seq: 1 }).limit(limit).lean<OutboxRow[]>();
  }

  /**
   * Pending rows, light (no content), oldest first: up to `limit` of them, then the first row of each lane
   * not yet seen (asking again without the lanes already found), so a backlog of thousands of rows to
   * one chat never hides the other chats. `truncated` says some lanes' later rows were left out.
   */
  async scanPending(limit = 5000): Promise<{ rows: OutboxHead[]; truncated: boolean }> {
    const rows = await this.models.outbox.find({ status: 'pending' }, HEAD_FIELDS).sort({ seq: 1 }).limit(limit).lean<OutboxHead[]>();
    if (rows.length < limit) return { rows, truncated: false };
    const lanes = new Set(rows.map((r) => r.lane));
    for (let page = 0; page < 10; page++) {
      const more = await this.models.outbox.find({ status: 'pending' as const, lane: { $nin: [...lanes] } }, HEAD_FIELDS).sort({ seq: 1 }).limit(500).lean<OutboxHead[]>();
      for (const r of more) {
        if (lanes.has(r.lane)) continue;
        lanes.add(r.lane);
        rows.push(r);
      }
      if (more.length < 500) break;
    }
    return { rows, truncated: true };
  }

  async get(id: string): Promise<OutboxRow | null> {
    return this.models.outbox.findById(id).lean<OutboxRow>();
  }

  /** Changes one row by its _id (the one filter FerretDB answers without a full read). */
  async update(id: string, set: Partial<OutboxRow>): Promise<void> {
    await writeGate(this.models.outbox).run('after', () => this.models.outbox.updateOne({ _id: id }, { $set: set }));
    if (set.status === 'pending') {
      // a failed row retried (admin API): the worker learns of it now, not at its next scan
      const row = await this.get(id);
      if (row?.status === 'pending') this.notify([headOf(row)]);
    }
  }

  /**
   * Rows newest first. `retrying` is not a stored status: it lists the pending rows that have failed at
   * least once (transient errors, retried with backoff for as long as it takes), with attempts and lastError.
   */
  async list(status: OutboxStatus | 'retrying' | undefined, limit: number, offset: number): Promise<{ items: OutboxRow[]; total: number }> {
    const q = status === 'retrying' ? { status: 'pending' as const, attempts: { $gt: 0 } } : status ? { status } : {};
    const [items, total] = await Promise.all([
      this.models.outbox.find(q).sort({ createdAt: -1 }).skip(offset).limit(limit).lean<OutboxRow[]>(),
      this.models.outbox.countDocuments(q),
    ]);
    return { items, total };
  }

  /** Rows per status and the oldest still to send, for metrics: counts and one row, on the status indexes. */
  async depth(): Promise<{ counts: Record<OutboxStatus, number>; oldestPending: Date | null }> {
    const statuses: OutboxStatus[] = ['pending', 'sent', 'failed', 'superseded'];
    const [counts, oldest] = await Promise.all([
      Promise.all(statuses.map((s) => this.models.outbox.countDocuments({ status: s }))),
      this.models.outbox.find({ status: 'pending' }, { createdAt: 1 }).sort({ createdAt: 1 }).limit(1).lean<Pick<OutboxRow, 'createdAt'>[]>(),
    ]);
    return { counts: Object.fromEntries(statuses.map((s, i) => [s, counts[i]])) as Record<OutboxStatus, number>, oldestPending: oldest[0]?.createdAt ?? null };
  }

  private notify(rows: OutboxHead[]): void {
    for (const fn of this.listeners) fn(rows);
  }
}

function headOf(r: OutboxRow): OutboxHead {
  return { _id: r._id, lane: r.lane, seq: r.seq, nextAttemptAt: r.nextAttemptAt, kind: r.kind, messageId: r.messageId };
}
