import type { Org, Unit, UnitKind } from '../org';
import { count, SPACE, trimEndChars, type Steps } from './steps';
import { editDistance, sharedChars, toHalfWidth } from './text';

export type UnitMatch =
  | { ok: true; unit: Unit }
  | { ok: false; reason: 'unknown' | 'ambiguous' | 'group'; message: string; candidates: Unit[] };

const SUFFIX = /(?:党委政府|党工委|党委|人民政府|政府|办事处)$/;
const CORE_SUFFIX = /(?:镇|乡|街道|局)$/;
// words that stand for a set of units nobody named (县直有关部门, 相关部门, 各有关单位)
const GROUP_WORD = /^(?:[县市区]直|[县市区]级|全[县市区])?(?:各|有关|相关|其他|其它|职能|涉及)*(?:部门|单位|科室|股室|站所|机关|乡镇|镇街)$/;

/** The forms a name is known by: as written, without a 县/市/区 prefix or 人民政府/办事处, and without 镇/局. */
function forms(name: string, withCore: boolean): string[] {
  const out = new Set<string>([name]);
  const noSuffix = name.replace(SUFFIX, '').replace(/街道办$/, '街道');
  out.add(noSuffix);
  for (const base of [name, noSuffix]) {
    for (let i = 1; i <= Math.min(8, base.length - 2); i++) if ('县市区'.includes(base[i - 1])) out.add(base.slice(i));
  }
  if (withCore) for (const f of [...out]) if (CORE_SUFFIX.test(f) && f.replace(CORE_SUFFIX, '').length >= 2) out.add(f.replace(CORE_SUFFIX, ''));
  return [...out].filter(Boolean);
}

interface UnitIndex {
  exact: Map<string, Unit[]>;
  loose: Map<string, Unit[]>;
}
const indexes = new WeakMap<Org, UnitIndex>();

function add(map: Map<string, Unit[]>, key: string, u: Unit): void {
  const list = map.get(key) ?? [];
  if (!list.includes(u)) list.push(u);
  map.set(key, list);
}

function indexOf(org: Org): UnitIndex {
  let idx = indexes.get(org);
  if (!idx) {
    idx = { exact: new Map(), loose: new Map() };
    for (const u of org.units) {
      const names = [u.name, u.fullName, ...u.aliases].filter((n): n is string => Boolean(n)).map(clean);
      for (const n of [...names, u.code.toUpperCase()]) add(idx.exact, n, u);
      for (const n of names) for (const f of forms(n, true)) add(idx.loose, f, u);
    }
    indexes.set(org, idx);
  }
  return idx;
}

function clean(s: string): string {
  return toHalfWidth(s).replace(/[\s“”"'‘’《》]/g, '');
}

export function isGroupWord(text: string): boolean {
  return GROUP_WORD.test(clean(text));
}

/** Units a name matches: exact name/fullName/code/alias first, then without prefix, suffix or 镇/局. */
function lookup(text: string, org: Org): Unit[] {
  const idx = indexOf(org);
  const s = clean(text);
  const exact = idx.exact.get(s) ?? idx.exact.get(s.toUpperCase());
  if (exact) return exact;
  const found = new Set<Unit>();
  for (const f of forms(s, false)) for (const u of idx.loose.get(f) ?? []) found.add(u);
  return [...found];
}

/** Up to `limit` units whose names look like the text (edit distance, shared characters); preferred codes first. */
export function closeMatches(text: string, org: Org, prefer: string[] = [], limit = 3): Unit[] {
  const s = clean(text).replace(SUFFIX, '');
  const scored: { u: Unit; d: number; shared: number }[] = [];
  for (const u of org.units) {
    let best: { d: number; shared: number } | undefined;
    for (const n of [u.name, u.fullName, ...u.aliases].filter((x): x is string => Boolean(x))) {
      for (const f of forms(clean(n), true)) {
        const d = editDistance(s, f);
        const shared = sharedChars(s, f);
        if (!best || d < best.d || (d === best.d && shared > best.shared)) best = { d, shared };
      }
    }
    if (!best || best.shared === 0) continue;
    const len = [...s].length;
    if (best.d <= Math.max(1, Math.ceil(len / 3)) || (best.shared >= 2 && best.shared * 2 >= len)) scored.push({ u, ...best });
  }
  const rank = (u: Unit) => (prefer.includes(u.code) ? 0 : 1);
  scored.sort((a, b) => a.d - b.d || b.shared - a.shared || rank(a.u) - rank(b.u));
  return scored.slice(0, limit).map((x) => x.u);
}

/** One unit named in a dispatch: by name, full name, code or alias, tolerating prefixes and suffixes (docs/rules.md#units). */
export function matchUnit(text: string, org: Org, prefer: string[] = []): UnitMatch {
  const name = clean(text);
  if (isGroupWord(name)) {
    return { ok: false, reason: 'group', message: `“${name}”不是具体单位，请逐一写明单位名称`, candidates: [] };
  }
  let found = lookup(name, org);
  const bare = name.replace(/\([^()]*\)$/, '');
  if (!found.length && bare !== name && bare) found = lookup(bare, org); // 住建局(城建股)
  if (found.length === 1) return { ok: true, unit: found[0] };
  if (found.length > 1) {
    return { ok: false, reason: 'ambiguous', message: `“${name}”对应多个单位：${found.map((u) => u.name).join('、')}，请写全称`, candidates: found };
  }
  const candidates = closeMatches(name, org, prefer);
  const hint = candidates.length ? `。您是不是指：${candidates.map((u) => u.name).join('、')}？` : '';
  return { ok: false, reason: 'unknown', message: `找不到单位“${name}”${hint}`, candidates };
}

export interface UnitItem {
  name: string; // cleaned
  lead: boolean; // marked （牵头）
  kinds?: UnitKind[]; // 各乡镇（街道）: every township/street unit
}

const ALL_LOCAL = /各(?:乡镇|镇|乡)(?:\(街道\)|[、,和及与]?街道)|各镇街|各街道\((?:乡镇|镇)\)|各(?:乡镇|镇|乡)|各街道/g;
const LEAD_MARK = /\(\s*(?:牵头|牵头单位|主办|主责)\s*\)|牵头$/;
const OTHER_MARK = /\(\s*(?:配合|协办|配合单位)\s*\)/g;

const UNIT_SEPARATORS = '、,，;；/／' + SPACE;
const SPLIT_AT = '、,;/' + SPACE; // after toHalfWidth

/** How many units a list names, counted the way `splitUnits` splits it but without building anything (for the limit check). */
export function unitCount(value: string): number {
  let n = 0;
  let depth = 0;
  let inPart = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '(' || ch === '（') depth++;
    if (ch === ')' || ch === '）') depth = Math.max(0, depth - 1);
    if (depth === 0 && UNIT_SEPARATORS.includes(ch)) inPart = false;
    else if (!inPart) {
      inPart = true;
      n++;
    }
  }
  return n;
}

/** A unit list as written: split on 、，,；;/ line breaks and spaces (not inside brackets), markers and 等 removed. */
export function splitUnits(value: string, steps?: Steps): UnitItem[] {
  count(steps, value.length);
  const text = toHalfWidth(value).replace(ALL_LOCAL, (m) => `\u0002${m.replace(/[、,]/g, '')}\u0002`);
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && SPLIT_AT.includes(ch)) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  const items: UnitItem[] = [];
  for (const part of parts) {
    let name = part.replace(/\u0002/g, '').replace(/[“”"'‘’《》]/g, '').trim();
    name = withoutEtc(trimEndChars(name, '。.;:：')).trim();
    const lead = LEAD_MARK.test(name);
    name = name.replace(LEAD_MARK, '').replace(OTHER_MARK, '').trim();
    if (!name || /^(?:无|暂无|\/|-+|—+)$/.test(name)) continue;
    const local = /^各/.test(name) && /^各(?:乡镇|镇|乡|街道|镇街)/.test(name) ? localKinds(name) : undefined;
    items.push({ name, lead, ...(local ? { kinds: local } : {}) });
  }
  return items;
}

/** 住建局等单位 → 住建局 (a trailing 等, 等单位, 等部门 or 等乡镇). */
function withoutEtc(name: string): string {
  for (const tail of ['等单位', '等部门', '等乡镇', '等']) if (name.endsWith(tail)) return name.slice(0, -tail.length);
  return name;
}

function localKinds(name: string): UnitKind[] | undefined {
  if (!new RegExp(`^(?:${ALL_LOCAL.source})$`).test(name)) return undefined;
  const kinds: UnitKind[] = [];
  if (/[镇乡]/.test(name)) kinds.push('township');
  if (/街/.test(name)) kinds.push('street');
  return kinds;
}
