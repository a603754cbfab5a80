import type { OutboxHead } from '../mongo/outbox-store';

/**
 * The outbox worker's picture of what is pending, lane by lane in `seq` order. On FerretDB a query on
 * anything but `_id` reads the whole collection (the outbox keeps sent rows for a month), so the worker
 * learns of new rows from `put` in this process and from an occasional scan (rows other processes put),
 * and only touches rows by `_id`. The picture may be stale; every row is re-read under its claim before
 * it is sent, so staleness costs a wasted read, never a double send.
 */
export class OutboxLanes {
  /** lane → rows by seq; Map order is the order lanes get their turn (a served lane moves to the end). */
  private readonly lanes = new Map<string, OutboxHead[]>();
  private readonly byId = new Map<string, OutboxHead>();

  get size(): number {
    return this.byId.size;
  }

  /** Adds rows, or refreshes the retry time of rows already known (the database is the authority). */
  add(rows: OutboxHead[]): void {
    for (const r of rows) {
      const known = this.byId.get(r._id);
      if (known) {
        known.nextAttemptAt = r.nextAttemptAt;
        continue;
      }
      const row = { ...r };
      this.byId.set(row._id, row);
      const lane = this.lanes.get(row.lane);
      if (!lane) {
        this.lanes.set(row.lane, [row]);
        continue;
      }
      let i = lane.length;
      while (i > 0 && lane[i - 1].seq > row.seq) i--;
      lane.splice(i, 0, row);
    }
  }

  remove(id: string): void {
    const row = this.byId.get(id);
    if (!row) return;
    this.byId.delete(id);
    const lane = this.lanes.get(row.lane);
    if (!lane) return;
    const i = lane.indexOf(row);
    if (i >= 0) lane.splice(i, 1);
    if (!lane.length) this.lanes.delete(row.lane);
  }

  retryAt(id: string, at: Date): void {
    const row = this.byId.get(id);
    if (row) row.nextAttemptAt = at;
  }

  /**
   * Up to `limit` lane heads that are due and whose lane is not `busy`, oldest turn first. Lanes handed
   * out go to the back of the line, so a few busy chats cannot keep the others waiting.
   */
  takeDue(now: number, busy: (lane: string) => boolean, limit: number): OutboxHead[] {
    const out: OutboxHead[] = [];
    for (const [name, rows] of [...this.lanes]) {
      if (out.length >= limit) break;
      if (busy(name) || new Date(rows[0].nextAttemptAt).getTime() > now) continue;
      out.push(rows[0]);
      this.lanes.delete(name);
      this.lanes.set(name, rows);
    }
    return out;
  }

  /** Other known pending updates of the same card (in any lane): one send of the latest state covers them. */
  patchesOf(messageId: string, except: string): string[] {
    const out: string[] = [];
    for (const r of this.byId.values()) if (r.kind === 'patch' && r.messageId === messageId && r._id !== except) out.push(r._id);
    return out;
  }

  /** When the next known row comes due (ms), if any. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const rows of this.lanes.values()) {
      const t = new Date(rows[0].nextAttemptAt).getTime();
      if (next === undefined || t < next) next = t;
    }
    return next;
  }
}
