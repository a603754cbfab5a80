import { Document, isMap, isSeq } from 'yaml';
import { Org, type Group, type OrgData, type Person, type Role, type Unit } from '../domain/org';
import type { Models } from '../adapters/mongo/models';
import { toFileRole, type FileGroup, type FilePerson, type FileUnit, type OrgFile } from './schema';

/** Reading the stored organisation back: as domain data, as the Org lookups, or as the file shape. */

const opt = <T>(v: T | null | undefined): T | undefined => (v === null || v === undefined || v === '' ? undefined : v);

function roleFromDoc(r: Record<string, unknown>): Role {
  if (r.kind === 'supervisor') return { kind: 'supervisor', group: String(r.group), position: r.position as never };
  if (r.kind === 'official') return { kind: 'official', unit: String(r.unit), position: r.position as never };
  return { kind: r.kind as 'cityLeader' | 'admin' | 'observer' };
}

/** Every stored entry, active or not, in code order. */
export async function loadOrgData(models: Models): Promise<OrgData> {
  const [units, groups, people] = await Promise.all([
    models.units.find().sort({ code: 1 }).lean(),
    models.groups.find().sort({ code: 1 }).lean(),
    models.people.find().sort({ code: 1 }).lean(),
  ]);
  const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return {
    units: units.map((u): Unit =>
      clean({ code: u.code, name: u.name, fullName: opt(u.fullName), aliases: u.aliases ?? [], kind: u.kind, area: opt(u.area), chatId: opt(u.chatId), active: u.active !== false }),
    ),
    groups: groups.map((g): Group =>
      clean({ code: g.code, name: g.name, kind: g.kind, cityLeader: g.cityLeader, units: g.units ?? [], chatId: opt(g.chatId), active: g.active !== false }),
    ),
    people: people.map((p): Person =>
      clean({
        code: p.code,
        name: p.name,
        openId: opt(p.openId),
        mobile: opt(p.mobile),
        email: opt(p.email),
        roles: ((p.roles ?? []) as unknown as Record<string, unknown>[]).map(roleFromDoc),
        active: p.active !== false,
      }),
    ),
  };
}

/** The organisation as the rest of the service sees it (the Org class keeps the active entries). */
export async function loadOrg(models: Models): Promise<Org> {
  return new Org(await loadOrgData(models));
}

/** The active organisation in the import file's shape (GET /api/org); importing it back changes nothing. */
export async function exportOrg(models: Models): Promise<OrgFile> {
  const data = await loadOrgData(models);
  return {
    units: data.units.filter((u) => u.active).map(({ active: _a, aliases, ...u }): FileUnit => (aliases.length ? { ...u, aliases } : u)),
    groups: data.groups.filter((g) => g.active).map(({ active: _a, units, ...g }): FileGroup => (units.length ? { ...g, units } : g)),
    people: data.people.filter((p) => p.active).map(({ active: _a, roles, ...p }): FilePerson => ({ ...p, roles: roles.map(toFileRole) })),
  };
}

/** YAML as docs/rules.md#the-organisation-file writes it: one flow map per entry, one line each. */
export function orgToYaml(file: OrgFile): string {
  const doc = new Document(file);
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (isSeq(pair.value)) for (const item of pair.value.items) if (isMap(item)) item.flow = true;
    }
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}
