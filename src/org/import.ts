import type { Model } from '../adapters/mongo/database';
import type { OrgData, Person } from '../domain/org';
import type { Models } from '../adapters/mongo/models';
import { bumpOrgVersion } from '../adapters/mongo/org-source';
import { GROUP_SCHEMA_VERSION } from '../adapters/mongo/models/groups';
import { PERSON_SCHEMA_VERSION } from '../adapters/mongo/models/people';
import { UNIT_SCHEMA_VERSION } from '../adapters/mongo/models/units';
import type { Locks } from '../app/ports/locks';
import { loadOrgData } from './export';
import { ProblemList } from './problems';
import { summaryLine, type Codes, type ImportReport, type UnresolvedPerson } from './report';
import type { ContactResolver } from './resolver';
import type { PersonIn } from './schema';
import { TABLES, type ParsedOrg, type TableName } from './source';
import { uniqueContacts, validateOrg, type Valid } from './validate';

/**
 * Imports the organisation (docs/rules.md#the-organisation-file): everything is checked first (a bad file writes nothing), then each
 * entry is upserted by code, one at a time (FerretDB has no transactions; a re-run completes an
 * interrupted import). Entries missing from an imported table are deactivated, never deleted.
 */

export interface ImportOptions {
  resolver?: ContactResolver; // mobiles/emails → open_id; without one, such people stay unresolved
  by: string; // who imports (audit)
  now: Date;
  dryRun?: boolean; // check and report, write nothing
}

export type { Codes, ImportReport, UnresolvedPerson } from './report';

const FIELDS: Record<TableName, string[]> = {
  units: ['name', 'fullName', 'aliases', 'kind', 'area', 'chatId'],
  groups: ['name', 'kind', 'cityLeader', 'units', 'chatId'],
  people: ['name', 'openId', 'mobile', 'email', 'roles'],
};
const SCHEMA_VERSIONS: Record<TableName, number> = { units: UNIT_SCHEMA_VERSION, groups: GROUP_SCHEMA_VERSION, people: PERSON_SCHEMA_VERSION };
type Entry = { code: string } & Record<string, unknown>;

const codes = (): Codes => ({ units: [], groups: [], people: [] });
const sameFields = (t: TableName, a: Entry, b: Entry) => FIELDS[t].every((f) => JSON.stringify(a[f] ?? null) === JSON.stringify(b[f] ?? null));

export const IMPORT_LOCK = 'org:import';

export async function importOrg(models: Models, locks: Locks, source: ParsedOrg, opts: ImportOptions): Promise<ImportReport> {
  return locks.withLock(IMPORT_LOCK, () => runImport(models, source, opts), { ttlMs: 10 * 60_000, waitMs: 30_000 });
}

async function runImport(models: Models, source: ParsedOrg, opts: ImportOptions): Promise<ImportReport> {
  const existing = await loadOrgData(models);
  const valid = validateOrg(source, existing);
  const unresolved: UnresolvedPerson[] = [];
  if (valid.people) valid.people = await resolvePeople(valid.people, existing, opts.resolver, unresolved);

  const report: ImportReport = {
    files: source.files,
    tables: TABLES.filter((t) => valid[t]),
    dryRun: Boolean(opts.dryRun),
    created: codes(),
    updated: codes(),
    unchanged: codes(),
    deactivated: codes(),
    reactivated: codes(),
    unresolved,
  };
  const writes: (() => Promise<unknown>)[] = [];
  const deactivations: (() => Promise<unknown>)[] = [];
  for (const t of report.tables) {
    const model = models[t] as unknown as Model<Entry>;
    const before = new Map((existing[t] as unknown as (Entry & { active: boolean })[]).map((e) => [e.code, e]));
    const incoming = valid[t]!.map((v) => v.item as unknown as Entry);
    for (const item of incoming) {
      const old = before.get(item.code);
      const bucket = !old ? report.created : !old.active ? report.reactivated : sameFields(t, old, item) ? report.unchanged : report.updated;
      bucket[t].push(item.code);
      if (bucket !== report.unchanged) writes.push(() => upsert(model, t, item, opts.now));
    }
    const kept = new Set(incoming.map((i) => i.code));
    for (const old of before.values()) {
      if (!old.active || kept.has(old.code)) continue;
      report.deactivated[t].push(old.code);
      deactivations.push(() => model.updateOne({ code: old.code }, { $set: { active: false, updatedAt: opts.now } }, { timestamps: false }));
    }
  }
  if (opts.dryRun) return report;
  try {
    for (const w of [...writes, ...deactivations]) await w();
  } finally {
    await bumpOrgVersion(models); // every instance reloads its snapshot (docs/architecture.md#the-hot-path)
  }
  await models.audits.create({
    entity: 'org',
    at: opts.now,
    by: opts.by,
    action: 'import',
    note: summaryLine(report),
    after: { files: report.files, tables: report.tables, created: report.created, updated: report.updated, deactivated: report.deactivated, reactivated: report.reactivated, unresolved: unresolved.map((u) => u.code) },
  });
  return report;
}

async function upsert(model: Model<Entry>, t: TableName, item: Entry, now: Date): Promise<void> {
  const set: Record<string, unknown> = { active: true, schemaVersion: SCHEMA_VERSIONS[t], updatedAt: now };
  const unset: Record<string, ''> = {};
  for (const f of FIELDS[t]) {
    if (item[f] === undefined) unset[f] = '';
    else set[f] = item[f];
  }
  const update = { $set: set, $setOnInsert: { createdAt: now }, ...(Object.keys(unset).length ? { $unset: unset } : {}) };
  await model.updateOne({ code: item.code }, update, { upsert: true, timestamps: false });
}

/**
 * People given by mobile/email get their open_id from the resolver. Without a resolver (a real tenant
 * imported from the CLI) an open_id the service resolved earlier for the same contact is kept.
 * Unresolved people are imported all the same, and reported.
 */
async function resolvePeople(people: Valid<PersonIn>[], existing: OrgData, resolver: ContactResolver | undefined, unresolved: UnresolvedPerson[]): Promise<Valid<PersonIn>[]> {
  const need = people.filter((p) => !p.item.openId).map((p) => p.item);
  const found =
    need.length && resolver
      ? await resolver.resolve({
          mobiles: [...new Set(need.flatMap((p) => (p.mobile ? [p.mobile] : [])))],
          emails: [...new Set(need.flatMap((p) => (p.email ? [p.email] : [])))],
        })
      : new Map<string, string>();
  const before = new Map<string, Person>(existing.people.map((p) => [p.code, p]));
  const out = people.map((v) => {
    const p = v.item;
    if (p.openId) return v;
    const old = before.get(p.code);
    const kept = !resolver && old?.openId && old.mobile === p.mobile && old.email === p.email ? old.openId : undefined;
    const openId = (p.mobile && found.get(p.mobile)) || (p.email && found.get(p.email)) || kept;
    if (openId) return { ...v, item: { ...p, openId } };
    unresolved.push({ code: p.code, name: p.name, via: p.mobile ? 'mobile' : 'email' });
    return v;
  });
  const problems = new ProblemList();
  uniqueContacts(out, problems); // a resolved open_id may be one the file already gives someone else
  problems.throwIfAny();
  return out;
}
