import type { Connection } from 'mongoose';
import type { AuditNote, CodedStore, DocChange } from '../../app/coded-store';
import type { Locks } from './lock';
import type { Models } from './models';
import { AUDIT_SCHEMA_VERSION } from './models/audits';
import type { OutboxItem } from '../../app/outbox-item';

/**
 * CodedStore on MongoDB/FerretDB: one collection per kind, `_id` = code; the code counter in `counters`
 * (`<kind>:<year>`) and the creation claim in `<kind>_origins`, both by `_id`, under the series' lock,
 * as TaskStore does for task codes. Whole-document writes under the document's lock (FerretDB has no
 * atomic conditional update); a 'refresh' item becomes one patch per live copy when relayed.
 */
type Row = { _id: string } & Record<string, unknown>;

export class MongoCodedStore<T extends { code: string; rev: number }> implements CodedStore<T> {
  private readonly docs: ReturnType<Connection['collection']>;
  private readonly origins: ReturnType<Connection['collection']>;

  constructor(
    conn: Connection,
    private readonly kind: string, // project | visit: collection `${kind}s`, lock and audit entity prefix
    private readonly models: Models,
    private readonly locks: Locks,
    private readonly tasks: { expand(items: OutboxItem[]): Promise<OutboxItem[]> },
    private readonly outbox: { put(items: OutboxItem[]): Promise<void> },
    private readonly codeOf: (year: number, seq: number) => string,
    private readonly now: () => Date,
    private readonly schemaVersion = 1,
  ) {
    this.docs = conn.collection(`${kind}s`);
    this.origins = conn.collection(`${kind}_origins`);
  }

  private strip(d: Row | null): T | null {
    if (!d) return null;
    const { _id, owed, owedAt, schemaVersion, ...rest } = d;
    void _id, owed, owedAt, schemaVersion;
    return rest as unknown as T;
  }

  async create(year: number, origin: string, build: (code: string) => T, owed: (doc: T) => OutboxItem[], audit: (doc: T) => AuditNote): Promise<{ doc: T; created: boolean }> {
    const made = await this.locks.withLock(
      `seq:${this.kind}:${year}`,
      async () => {
        const claim = (await this.origins.findOne({ _id: origin as never })) as Row | null;
        if (claim) {
          const existing = this.strip((await this.docs.findOne({ _id: claim.code as never })) as Row | null);
          if (existing) return { doc: existing, created: false };
        }
        const counterId = `${this.kind}:${year}`;
        let code = claim?.code as string | undefined;
        if (!code) {
          let seq = (await this.models.counters.findById(counterId).lean<{ seq: number }>())?.seq ?? 0;
          // the next free code (a counter left behind by an older build, which claimed before it counted,
          // skips the codes taken); the counter before the claim, so a failure between the two leaves a
          // gap in the numbers, never a code named twice
          do code = this.codeOf(year, ++seq);
          while (await this.docs.findOne({ _id: code as never }, { projection: { _id: 1 } }));
          await this.models.counters.updateOne({ _id: counterId }, { $set: { seq } }, { upsert: true });
          await this.origins.insertOne({ _id: origin, code } as never);
        }
        const doc = { ...build(code), code, rev: 1 } as T;
        const o = owed(doc);
        await this.docs.insertOne({ _id: code, ...doc, owed: o, owedAt: o.length ? this.now() : null, schemaVersion: this.schemaVersion } as never);
        await this.audit(code, audit(doc));
        return { doc, created: true };
      },
      { waitMs: 30_000 },
    );
    await this.relay(made.doc.code);
    return made;
  }

  async get(code: string): Promise<T | null> {
    return this.strip((await this.docs.findOne({ _id: code.toUpperCase() as never })) as Row | null);
  }

  async list(where: Record<string, string>, limit: number, offset: number): Promise<{ items: T[]; total: number }> {
    const [rows, total] = await Promise.all([this.docs.find(where).sort({ _id: -1 }).skip(offset).limit(limit).toArray(), this.docs.countDocuments(where)]);
    return { items: rows.map((r) => this.strip(r as unknown as Row)!), total };
  }

  /** Some fields of the documents matching `where`, streamed: for cold reads only (the year's figures), as any filter but `_id` scans on FerretDB. */
  scan(where: Record<string, unknown>, projection: Record<string, 1>): AsyncIterable<Record<string, unknown>> {
    return this.docs.find(where, { projection, batchSize: 1000 });
  }

  async change<R>(code: string, fn: (doc: T) => DocChange<T, R> | Promise<DocChange<T, R>>): Promise<R | null> {
    const id = code.toUpperCase();
    return this.locks.withLock(`${this.kind}:${id}`, async () => {
      const raw = (await this.docs.findOne({ _id: id as never })) as Row | null;
      const current = this.strip(raw);
      if (!raw || !current) return null;
      const c = await fn(current);
      if (c.doc) {
        const owed = [...((raw.owed as OutboxItem[] | undefined) ?? []), ...(c.owed ?? [])];
        const { code: _c, ...rest } = c.doc as T & Record<string, unknown>;
        void _c;
        const res = await this.docs.updateOne({ _id: id as never }, { $set: { ...rest, rev: current.rev + 1, owed, owedAt: owed.length ? this.now() : null } });
        if (res.matchedCount !== 1) throw new Error(`${this.kind} ${id} vanished under its lock`);
        if (c.audit) await this.audit(id, c.audit);
      } else if (c.owed?.length) {
        await this.docs.updateOne({ _id: id as never }, { $set: { owed: [...((raw.owed as OutboxItem[] | undefined) ?? []), ...c.owed], owedAt: this.now() } });
      }
      await this.relayLocked(id);
      return c.result;
    });
  }

  private async audit(code: string, a: AuditNote): Promise<void> {
    await this.models.audits.collection.insertOne({ entity: `${this.kind}:${code}`, at: this.now(), by: a.by, action: a.action, note: a.note, before: a.before, after: a.after, schemaVersion: AUDIT_SCHEMA_VERSION } as never);
  }

  private async relay(code: string): Promise<void> {
    await this.locks.withLock(`${this.kind}:${code}`, () => this.relayLocked(code));
  }

  private async relayLocked(id: string): Promise<void> {
    const doc = (await this.docs.findOne({ _id: id as never }, { projection: { owed: 1 } })) as Row | null;
    const owed = (doc?.owed as OutboxItem[] | undefined) ?? [];
    if (!owed.length) return;
    await this.outbox.put(await this.tasks.expand(owed));
    await this.docs.updateOne({ _id: id as never }, { $set: { owed: [], owedAt: null } });
  }

  async relayAll(): Promise<number> {
    const docs = await this.docs.find({ owedAt: { $ne: null } }, { projection: { _id: 1 } }).limit(500).toArray();
    for (const d of docs) await this.relay(String(d._id));
    return docs.length;
  }
}
