import type { AuditLog, AuditLogEntry } from '../../app/ports/audit-log';
import type { Models } from './models';
import { AUDIT_SCHEMA_VERSION } from './models/audits';

/** `audits`: written by the driver (the model's schema would reorder and drop fields). */
export class MongoAuditLog implements AuditLog {
  constructor(private readonly models: Pick<Models, 'audits'>) {}

  async append(entry: AuditLogEntry): Promise<void> {
    await this.models.audits.collection.insertOne({ ...entry, schemaVersion: AUDIT_SCHEMA_VERSION });
  }
}
