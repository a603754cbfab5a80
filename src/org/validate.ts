import type { z } from 'zod';
import type { Group, OrgData, Person } from '../domain/org';
import { ProblemList, type Where } from './problems';
import { groupSchema, issueMessage, personSchema, unitSchema, type GroupIn, type PersonIn, type UnitIn } from './schema';
import { fieldName, TABLES, whereOf, type ParsedOrg, type SourceEntry, type TableName } from './source';

/**
 * Checks a whole import before anything is written. Tables the import leaves out are taken from the
 * database (`existing`, active entries), so a people-only CSV is still checked against real units and
 * groups, and a units-only import cannot remove a unit that groups or officials still name.
 */

export interface Valid<T> {
  item: T;
  src: SourceEntry;
}

export interface ValidOrg {
  files: string[];
  units?: Valid<UnitIn>[];
  groups?: Valid<GroupIn>[];
  people?: Valid<PersonIn>[];
}

const SCHEMAS = { units: unitSchema, groups: groupSchema, people: personSchema } as const;

function parseTable<T>(schema: z.ZodType<T>, entries: SourceEntry[], problems: ProblemList): { valid: Valid<T>[]; failed: number } {
  const valid: Valid<T>[] = [];
  for (const src of entries) {
    const r = schema.safeParse(src.value, { error: (iss) => issueMessage(iss as never) });
    if (r.success) {
      valid.push({ item: r.data, src });
      continue;
    }
    for (const iss of r.error.issues) {
      const keys = iss.code === 'unrecognized_keys' ? iss.keys : [undefined];
      for (const key of keys) {
        const path = key === undefined ? iss.path : [...iss.path, key];
        problems.add(whereOf(src, path), fieldName(src, path), key === undefined ? iss.message : `未知字段 ${key} (unknown field)`);
      }
    }
  }
  return { valid, failed: entries.length - valid.length };
}

function describe(w: Where): string {
  return [w.file, w.sheet ? `工作表 ${w.sheet}` : '', w.line ? `第${w.line}行` : w.row ? `第${w.row}行` : ''].filter(Boolean).join(' ');
}

/** A check on one entry, whether it came from the file (with its line) or from the database. */
type Place = { where: Where; field: (path: PropertyKey[]) => string | undefined };

export function validateOrg(source: ParsedOrg, existing: OrgData = { units: [], groups: [], people: [] }): ValidOrg {
  const problems = new ProblemList();
  const files = source.files.join('、');
  const out: ValidOrg = { files: source.files };
  const codes: Partial<Record<TableName, Set<string>>> = {};
  let peopleFailed = 0;

  for (const t of TABLES) {
    const entries = source.tables[t];
    if (!entries) continue;
    const first = new Map<string, SourceEntry>();
    for (const e of entries) {
      const c = (e.value as { code?: unknown } | null)?.code;
      const code = typeof c === 'number' ? String(c) : typeof c === 'string' ? c.trim() : undefined;
      if (!code) continue;
      const seen = first.get(code);
      if (seen) problems.add(whereOf(e, ['code']), fieldName(e, ['code']), `编码 ${code} 重复 (duplicate code)，已在 ${describe(seen.where)} 出现`);
      else first.set(code, e);
    }
    codes[t] = new Set(first.keys());
    const { valid, failed } = parseTable(SCHEMAS[t] as z.ZodType<unknown>, entries, problems);
    (out as unknown as Record<TableName, Valid<unknown>[]>)[t] = valid;
    if (t === 'people') peopleFailed = failed;
  }

  const fromFile = <T>(v: Valid<T>): Place & { item: T } => ({ item: v.item, where: v.src.where, field: (p) => fieldName(v.src, p) });
  const fromDb = <T extends { code: string }>(table: TableName, item: T): Place & { item: T } => ({ item, where: { file: files }, field: () => `${table}(${item.code}, 已有数据 existing)` });
  const placeOf = (v: { src?: SourceEntry; where: Where }, p: PropertyKey[]) => (v.src ? whereOf(v.src, p) : v.where);
  const groups = out.groups?.map((v) => ({ ...fromFile(v), src: v.src })) ?? existing.groups.filter((g) => g.active).map((g) => ({ ...fromDb<Group>('groups', g), src: undefined }));
  const people = out.people?.map((v) => ({ ...fromFile(v), src: v.src })) ?? existing.people.filter((p) => p.active).map((p) => ({ ...fromDb<Person>('people', p), src: undefined }));
  const unitCodes = codes.units ?? new Set(existing.units.filter((u) => u.active).map((u) => u.code));
  const groupCodes = codes.groups ?? new Set(groups.map((g) => g.item.code));
  const personCodes = codes.people ?? new Set(people.map((p) => p.item.code));
  const personByCode = new Map(people.map((p) => [p.item.code, p.item]));

  for (const g of groups) {
    g.item.units.forEach((u, i) => {
      if (!unitCodes.has(u)) problems.add(placeOf(g, ['units', i]), g.field(['units']), `找不到单位 ${u} (unknown unit)`);
    });
    const leader = personByCode.get(g.item.cityLeader);
    if (!personCodes.has(g.item.cityLeader)) problems.add(placeOf(g, ['cityLeader']), g.field(['cityLeader']), `找不到人员 ${g.item.cityLeader} (unknown person)`);
    else if (leader && !leader.roles.some((r) => r.kind === 'cityLeader')) {
      problems.add(placeOf(g, ['cityLeader']), g.field(['cityLeader']), `人员 ${leader.code} ${leader.name} 没有 cityLeader（挂钩市领导）角色`);
    }
    const hasHead = people.some((p) => p.item.roles.some((r) => r.kind === 'supervisor' && r.group === g.item.code && r.position === '组长'));
    if (!hasHead && !peopleFailed) problems.add(placeOf(g, []), g.field([]), `督导组 ${g.item.code} ${g.item.name} 没有组长 (no 组长 among people)`);
  }

  for (const p of people) {
    p.item.roles.forEach((r, i) => {
      if (r.kind === 'supervisor' && !groupCodes.has(r.group)) problems.add(placeOf(p, ['roles', i]), p.field(['roles', i, 'supervisor']), `找不到督导组 ${r.group} (unknown group)`);
      if (r.kind === 'official' && !unitCodes.has(r.unit)) problems.add(placeOf(p, ['roles', i]), p.field(['roles', i, 'official']), `找不到单位 ${r.unit} (unknown unit)`);
    });
  }

  if (out.people) uniqueContacts(out.people, problems);
  problems.throwIfAny();
  return out;
}

/** open_ids, mobiles and emails belong to one person each (messages never show the mobile or email itself). */
export function uniqueContacts(people: Valid<PersonIn>[], problems: ProblemList): void {
  for (const field of ['openId', 'mobile', 'email'] as const) {
    const first = new Map<string, Valid<PersonIn>>();
    for (const p of people) {
      const raw = p.item[field];
      if (!raw) continue;
      const key = field === 'mobile' ? raw.replace(/^\+86/, '') : field === 'email' ? raw.toLowerCase() : raw;
      const seen = first.get(key);
      const shown = field === 'openId' ? ` ${raw}` : '';
      if (seen) problems.add(whereOf(p.src, [field]), fieldName(p.src, [field]), `${field}${shown} 与 ${seen.item.code} ${seen.item.name} 重复 (duplicate ${field})`);
      else first.set(key, p);
    }
  }
}
