import type { Model } from 'mongoose';
import { machineDate, type Clock } from '../../clock';
import { messageKey } from '../../app/keys';
import type { OutboxItem } from '../../app/outbox-item';
import type { AuditLog } from '../../app/ports/audit-log';
import type { AuditNote, DocChange, OwedDocStore } from '../../app/ports/owed-docs';
import { insertNew } from './insert-new';
import type { Locks } from './lock';

/** What a document owes until relayed, kept on it (docs/rules.md#reliability-rules). */
export interface OwedFields {
  owed?: OutboxItem[];
  owedAt?: Date | null;
}

/** What relaying needs: the outbox, and the expansion of a 'refresh' into one patch per live copy. */
export interface Relay {
  put(items: OutboxItem[]): Promise<void>;
  expand(items: OutboxItem[]): Promise<OutboxItem[]>;
}

/**
 * The leaders' documents (escalations, appeals) written the way TaskStore writes tasks: created by a
 * unique insert, changed under their lock with the messages the change owes kept on the document in
 * the same write, then relayed to the outbox. Every change with a note is audited.
 */
export class MongoOwedDocs<T extends { _id: string; rev: number }> implements OwedDocStore<T> {
  protected readonly model: Model<T & OwedFields>;

  constructor(
    // the collections of several features, each typed with its own document (or not yet): its type is T's
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    model: Model<any>,
    private readonly kind: string, // escalation | appeal: lock and audit entity
    private readonly o: { locks: Locks; relay: Relay; audit: AuditLog; clock: Clock },
  ) {
    this.model = model;
  }

  private entity(id: string): string {
    return `${this.kind}:${id}`;
  }

  async get(id: string): Promise<T | null> {
    return this.model.findById(id).lean<T>();
  }

  async create(doc: T, owed: OutboxItem[], audit?: AuditNote): Promise<boolean> {
    const fresh = await insertNew<T & OwedFields>(this.model, [{ ...doc, owed, owedAt: owed.length ? machineDate() : null, rev: doc.rev ?? 1 }]);
    if (!fresh.size) return false;
    if (audit) await this.audit(doc._id, doc, audit);
    await this.relay(doc._id);
    return true;
  }

  async change<R>(id: string, fn: (doc: T) => DocChange<T, R> | Promise<DocChange<T, R>>): Promise<R | null> {
    return this.o.locks.withLock(this.entity(id), async () => {
      const current = await this.model.findById(id).lean<T & OwedFields>();
      if (!current) return null;
      const c = await fn(current);
      if (c.doc) {
        const { _id, owed: _o, owedAt: _a, ...rest } = c.doc as T & OwedFields;
        void _id, _o, _a;
        const owed = [...(current.owed ?? []), ...(c.owed ?? [])];
        const set = { ...rest, rev: current.rev + 1, owed, owedAt: owed.length ? machineDate() : null };
        const res = await this.model.updateOne({ _id: id, rev: current.rev }, { $set: set });
        if (res.matchedCount !== 1) throw new Error(`${this.entity(id)} changed under its lock (rev ${current.rev})`);
        if (c.audit) await this.audit(id, c.doc, c.audit);
      }
      await this.relayLocked(id);
      return c.result;
    });
  }

  /** A 'refresh' of this document's live cards (ref `kind:id`): one patch per copy when relayed. */
  refresh(id: string, rev: number, card: string): OutboxItem {
    const ref = this.entity(id);
    return { key: messageKey('refresh', ref, rev), kind: 'refresh', ref, msgType: 'interactive', render: { card, ref, view: '' } };
  }

  /** On the record with the task it concerns (escalations and appeals carry one), so a task's history shows it. */
  private async audit(id: string, doc: T, a: AuditNote): Promise<void> {
    const code = (doc as { code?: unknown }).code;
    await this.o.audit.append({ entity: this.entity(id), ...(typeof code === 'string' ? { task: code } : {}), at: this.o.clock.now(), by: a.by, action: a.action, note: a.note, before: a.before, after: a.after });
  }

  async relay(id: string): Promise<void> {
    await this.o.locks.withLock(this.entity(id), () => this.relayLocked(id));
  }

  private async relayLocked(id: string): Promise<void> {
    const doc = await this.model.findById(id, 'owed rev').lean<OwedFields>();
    if (!doc?.owed?.length) return;
    // a 'refresh' becomes one patch per live copy, as for tasks
    await this.o.relay.put(await this.o.relay.expand(doc.owed));
    await this.model.updateOne({ _id: id }, { $set: { owed: [], owedAt: null } });
  }

  async relayAll(): Promise<number> {
    const docs = await this.model.find({ owedAt: { $ne: null } }, { _id: 1 }).limit(500).lean<{ _id: string }[]>();
    for (const d of docs) await this.relay(d._id);
    return docs.length;
  }
}
