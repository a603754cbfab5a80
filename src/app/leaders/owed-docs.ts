import type { Model } from 'mongoose';
import { insertNew } from '../../adapters/mongo/insert-new';
import { messageKey } from '../keys';
import { AUDIT_SCHEMA_VERSION } from '../../adapters/mongo/models/audits';
import type { OutboxItem } from '../outbox-item';
import type { AppDeps } from '../deps';
import { machineDate } from '../../clock';

/**
 * Documents of the leaders' side (escalations, appeals) written the way TaskStore writes tasks: created
 * by a unique insert, changed under their lock with the messages the change owes kept on the document
 * in the same write, then relayed to the outbox (docs/rules.md#reliability-rules: no multi-document transactions). A 'refresh'
 * item becomes one patch per live copy of its card when relayed. Every change is audited.
 */
export interface OwedDoc {
  _id: string;
  rev: number;
  owed?: OutboxItem[];
  owedAt?: Date | null;
}

export interface AuditNote {
  action: string;
  by: string;
  note?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export interface DocChange<T, R> {
  doc?: T; // the new version; absent = nothing changes
  owed?: OutboxItem[];
  audit?: AuditNote;
  result: R;
}

export class OwedDocs<T extends OwedDoc> {
  constructor(
    private readonly deps: AppDeps,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private readonly model: Model<any>,
    private readonly kind: string, // escalation | appeal: lock, audit entity and card ref prefix
  ) {}

  private entity(id: string): string {
    return `${this.kind}:${id}`;
  }

  async get(id: string): Promise<T | null> {
    return this.model.findById(id).lean<T>();
  }

  /** Creates the document once (by _id); returns whether this call created it. */
  async create(doc: T, owed: OutboxItem[], audit?: AuditNote): Promise<boolean> {
    const fresh = await insertNew(this.model, [{ ...doc, owed, owedAt: owed.length ? machineDate() : null, rev: doc.rev ?? 1 }]);
    if (!fresh.size) return false;
    if (audit) await this.audit(doc._id, doc, audit);
    await this.relay(doc._id);
    return true;
  }

  async change<R>(id: string, fn: (doc: T) => DocChange<T, R> | Promise<DocChange<T, R>>): Promise<R | null> {
    return this.deps.locks.withLock(this.entity(id), async () => {
      const current = await this.get(id);
      if (!current) return null;
      const c = await fn(current);
      if (c.doc) {
        const { _id, owed: _o, owedAt: _a, ...rest } = c.doc;
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

  /** A 'refresh' of this document's live cards: one patch per copy when relayed. */
  refresh(id: string, rev: number, card: string): OutboxItem {
    const ref = this.entity(id);
    return { key: messageKey('refresh', ref, rev), kind: 'refresh', ref, msgType: 'interactive', render: { card, ref, view: '' } };
  }

  /** On the record with the task it concerns (escalations and appeals carry one), so a task's history shows it. */
  private async audit(id: string, doc: T, a: AuditNote): Promise<void> {
    const code = (doc as { code?: unknown }).code;
    await this.deps.models.audits.collection.insertOne({ entity: this.entity(id), ...(typeof code === 'string' ? { task: code } : {}), at: this.deps.clock.now(), by: a.by, action: a.action, note: a.note, before: a.before, after: a.after, schemaVersion: AUDIT_SCHEMA_VERSION } as never);
  }

  async relay(id: string): Promise<void> {
    await this.deps.locks.withLock(this.entity(id), () => this.relayLocked(id));
  }

  private async relayLocked(id: string): Promise<void> {
    const doc = await this.model.findById(id, { owed: 1, rev: 1 }).lean<OwedDoc>();
    if (!doc?.owed?.length) return;
    // a 'refresh' becomes one patch per live copy, as for tasks
    await this.deps.outbox.put(await this.deps.tasks.expand(doc.owed));
    await this.model.updateOne({ _id: id }, { $set: { owed: [], owedAt: null } });
  }

  /** Relays whatever a crash left owed (run by the leaders' jobs). */
  async relayAll(): Promise<number> {
    const docs = await this.model.find({ owedAt: { $ne: null } }, { _id: 1 }).limit(500).lean<{ _id: string }[]>();
    for (const d of docs) await this.relay(d._id);
    return docs.length;
  }
}
