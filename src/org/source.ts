import type { Where } from './problems';

/** An organisation file as read, before validation: each entry keeps where it came from. */

export const TABLES = ['units', 'groups', 'people'] as const;
export type TableName = (typeof TABLES)[number];

export const TABLE_ZH: Record<TableName, string> = { units: '单位', groups: '督导组', people: '人员' };

export interface SourceEntry {
  value: unknown;
  where: Where; // the entry's file and line (YAML/JSON) or sheet and row (CSV/XLSX)
  prefix?: string; // YAML/JSON: `groups[1]`, so that fields read `groups[1].cityLeader`
  lineOf?: (path: PropertyKey[]) => number | undefined; // YAML/JSON: the line of a field of the entry
}

/** A table that is absent was not part of the import: its entries are neither checked nor deactivated. */
export interface ParsedOrg {
  files: string[];
  tables: Partial<Record<TableName, SourceEntry[]>>;
}

export function mergeSources(sources: ParsedOrg[]): ParsedOrg {
  const out: ParsedOrg = { files: [], tables: {} };
  for (const s of sources) {
    out.files.push(...s.files);
    for (const t of TABLES) {
      const rows = s.tables[t];
      if (rows) out.tables[t] = [...(out.tables[t] ?? []), ...rows];
    }
  }
  return out;
}

/** The field's name as a problem shows it: `groups[1].roles[0].position` or, in a sheet, `roles[0].position`. */
export function fieldName(e: SourceEntry, path: PropertyKey[]): string | undefined {
  const rel = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
  if (!e.prefix) return rel || undefined;
  return rel ? `${e.prefix}${rel.startsWith('[') ? '' : '.'}${rel}` : e.prefix;
}

export function whereOf(e: SourceEntry, path: PropertyKey[]): Where {
  for (let n = path.length; n > 0 && e.lineOf; n--) {
    const line = e.lineOf(path.slice(0, n));
    if (line) return { ...e.where, line };
  }
  return e.where;
}
