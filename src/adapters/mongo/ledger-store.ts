import { Schema, type Connection, type Model } from 'mongoose';
import type { LedgerStore, LedgerTemplateInfo } from '../../features/ledger/ports';
import type { Models } from './models';
import { AUDIT_SCHEMA_VERSION } from './models/audits';

/**
 * ledger_templates: the office's 台账 template, one document `_id: 'current'` holding the XLSX bytes
 * (≤ LIMITS.templateBytes, far under the 16 MB document cap; read by `_id`). Each upload and removal is
 * written to `audits` (entity `ledger_template`).
 */
interface LedgerTemplateDoc extends LedgerTemplateInfo {
  _id: string;
  bytes: Buffer;
  schemaVersion: number;
}

const schema = new Schema<LedgerTemplateDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    uploadedAt: { type: Date, required: true },
    uploadedBy: { type: String, required: true },
    bytes: { type: Buffer, required: true },
    schemaVersion: { type: Number, default: 1 },
  },
  { collection: 'ledger_templates', versionKey: false },
);

export class MongoLedgerStore implements LedgerStore {
  private readonly model: Model<LedgerTemplateDoc>;

  constructor(
    conn: Connection,
    private readonly models: Models,
  ) {
    this.model = (conn.models.LedgerTemplate as Model<LedgerTemplateDoc> | undefined) ?? conn.model<LedgerTemplateDoc>('LedgerTemplate', schema);
  }

  async template(): Promise<(LedgerTemplateInfo & { bytes: Buffer }) | null> {
    const doc = await this.model.findById('current').lean<LedgerTemplateDoc>();
    if (!doc) return null;
    const raw = doc.bytes as unknown as Buffer | { buffer: Uint8Array };
    return { name: doc.name, size: doc.size, sha256: doc.sha256, uploadedAt: doc.uploadedAt, uploadedBy: doc.uploadedBy, bytes: Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer) };
  }

  async saveTemplate(t: LedgerTemplateInfo & { bytes: Buffer }): Promise<void> {
    const before = await this.model.findById('current', { name: 1, sha256: 1 }).lean<Pick<LedgerTemplateDoc, 'name' | 'sha256'>>();
    await this.model.replaceOne({ _id: 'current' }, { ...t, _id: 'current', schemaVersion: 1 }, { upsert: true });
    await this.audit(t.uploadedBy, t.uploadedAt, 'upload', t.name, before ? { name: before.name, sha256: before.sha256 } : undefined, { name: t.name, sha256: t.sha256, size: t.size });
  }

  async removeTemplate(by: string, at: Date): Promise<boolean> {
    const before = await this.model.findById('current', { name: 1, sha256: 1 }).lean<Pick<LedgerTemplateDoc, 'name' | 'sha256'>>();
    if (!before) return false;
    await this.model.deleteOne({ _id: 'current' });
    await this.audit(by, at, 'remove', before.name, { name: before.name, sha256: before.sha256 }, undefined);
    return true;
  }

  private async audit(by: string, at: Date, action: string, note: string, before: unknown, after: unknown): Promise<void> {
    await this.models.audits.create({ entity: 'ledger_template', at, by, action, note, before, after, schemaVersion: AUDIT_SCHEMA_VERSION });
  }
}
