import type { AppDeps } from '../../app/deps';
import { MongoCardCopies } from './card-copy-store';
import { MongoEventClaims } from './event-claims';
import type { Locks } from '../../app/ports/locks';
import type { Models } from './models';
import { mongoOrgSource } from './org-source';
import { MongoAuditRecord, MongoLetterRegistry } from './record-store';
import type { OutboxStore } from './outbox-store';
import { MongoOrderLists, MongoPreviews } from './preview-store';
import { TaskStore } from './task-store';

export type CorePorts = Pick<AppDeps, 'locks' | 'outbox' | 'tasks' | 'cards' | 'previews' | 'orders' | 'claims' | 'record' | 'letterRegistry' | 'orgs'>;

/** The ports of the core use cases (src/app/ports/*) on one database (docs/architecture.md#ports-of-the-core). */
export function mongoCorePorts(models: Models, o: { locks: Locks; outbox: OutboxStore; orgs?: AppDeps['orgs']; log?: AppDeps['log'] }): CorePorts {
  return {
    locks: o.locks,
    outbox: o.outbox,
    tasks: new TaskStore(models, o.locks, o.outbox, o.log),
    cards: new MongoCardCopies(models, o.locks),
    previews: new MongoPreviews(models),
    orders: new MongoOrderLists(models),
    claims: new MongoEventClaims(models),
    record: new MongoAuditRecord(models),
    letterRegistry: new MongoLetterRegistry(models),
    orgs: o.orgs ?? mongoOrgSource(models),
  };
}
