import { normalizeCode } from './commands';
import { matchUnit } from './dispatch';
import type { Org } from './org';

/**
 * 通报 (bulletins), pure: the command text → what to publish and to whom.
 *
 *   通报 表扬|批评 对象… 内容
 *   标题：……            (optional; a title is made from the kind and the objects otherwise)
 *   发送到：……          (optional: units, groups, 各单位, 各督导组, 本群; without it the bulletin is only previewed)
 *
 * Objects are task codes (DB-2026-0001) and unit names, written first, separated by spaces or 、；
 * the text after them is the bulletin's content.
 */
export type BulletinKind = '表扬' | '批评';

export interface BulletinTargets {
  units: string[];
  groups: string[];
  here: boolean; // the chat the command was sent in
}

export interface BulletinDraft {
  kind: BulletinKind;
  title?: string;
  body: string;
  tasks: string[];
  units: string[];
  targets: BulletinTargets | null;
}

export type BulletinParse = { ok: true; draft: BulletinDraft } | { ok: false; message: string };

export const BULLETIN_EXAMPLE = '通报 批评 DB-2026-0001 梅山镇 超期未办结，责令3日内整改到位\n发送到：各单位';
const KIND: Record<string, BulletinKind> = { 表扬: '表扬', praise: '表扬', 批评: '批评', criticism: '批评' };
const KEYED = /^(标题|题目|发送到|发送|发至|范围|title|to)\s*[:：](.*)$/i; // the value is trimmed where it is read
const ALL_UNITS = /^(各单位|全部单位|所有单位|各乡镇部门|all\s*units)$/i;
const ALL_GROUPS = /^(各督导组|全部督导组|所有督导组|all\s*groups)$/i;
const HERE = /^(本群|此群|here)$/i;

function splitList(s: string): string[] {
  return s.split(/[\s、，,；;]+/).map((x) => x.trim()).filter(Boolean);
}

export function parseBulletin(body: string, org: Org): BulletinParse {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const first = (lines.shift() ?? '').trim();
  const word = /^\S+/.exec(first)?.[0];
  const kind = word ? KIND[word.toLowerCase()] : undefined;
  if (!kind) return { ok: false, message: `请写明通报的种类（表扬或批评）、对象和内容，例如：\n${BULLETIN_EXAMPLE}` };
  let rest = first.slice(word!.length).trimStart();
  const tasks: string[] = [];
  const units: string[] = [];
  // objects first: codes and unit names, until the first word that is neither
  for (;;) {
    const m = /^[\s、，,；;]*([^\s、，,；;]+)/.exec(rest);
    if (!m) break;
    const word = m[1];
    const code = normalizeCode(word);
    const unit = code ? undefined : matchUnit(word, org);
    if (code) tasks.push(code);
    else if (unit?.ok && org.unit(unit.unit.code) && (unit.unit.name === word || unit.unit.code === word.toUpperCase() || unit.unit.aliases.includes(word) || unit.unit.fullName === word)) units.push(unit.unit.code);
    else break;
    rest = rest.slice(m[0].length);
  }
  let title: string | undefined;
  let to: string | undefined;
  const text: string[] = [rest.trim()];
  for (const line of lines) {
    const k = KEYED.exec(line.trim());
    if (!k) text.push(line.trim());
    else if (/^(标题|题目|title)$/i.test(k[1])) title = k[2].trim() || undefined;
    else to = k[2].trim();
  }
  const content = text.join('\n').trim();
  if (!tasks.length && !units.length) return { ok: false, message: `请在“通报 ${kind}”后写上被通报的督办单编号或单位名称，例如：\n${BULLETIN_EXAMPLE}` };
  if (!content) return { ok: false, message: `请写明通报内容（对象后面的文字），例如：\n${BULLETIN_EXAMPLE}` };
  if (to === undefined) return { ok: true, draft: { kind, title, body: content, tasks: [...new Set(tasks)], units: [...new Set(units)], targets: null } };
  const targets: BulletinTargets = { units: [], groups: [], here: false };
  const unknown: string[] = [];
  for (const word of splitList(to)) {
    if (ALL_UNITS.test(word)) targets.units.push(...org.units.map((u) => u.code));
    else if (ALL_GROUPS.test(word)) targets.groups.push(...org.groups.map((g) => g.code));
    else if (HERE.test(word)) targets.here = true;
    else {
      const g = org.groups.find((x) => x.name === word || x.code === word.toUpperCase());
      const u = g ? undefined : matchUnit(word, org);
      if (g) targets.groups.push(g.code);
      else if (u?.ok) targets.units.push(u.unit.code);
      else unknown.push(u && !u.ok && u.candidates.length ? `${word}（是否指 ${u.candidates.map((c) => c.name).join('、')}？）` : word);
    }
  }
  if (unknown.length) return { ok: false, message: `“发送到”中找不到：${unknown.join('；')}。可写单位或督导组名称、各单位、各督导组、本群。` };
  if (!targets.units.length && !targets.groups.length && !targets.here) return { ok: false, message: '“发送到”后请写明发布范围，例如：发送到：各单位' };
  targets.units = [...new Set(targets.units)];
  targets.groups = [...new Set(targets.groups)];
  return { ok: true, draft: { kind, title, body: content, tasks: [...new Set(tasks)], units: [...new Set(units)], targets } };
}
