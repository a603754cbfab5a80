import type { WorkCalendar } from './calendar';
import { exampleDeadline, parseDeadline } from './dispatch/deadline';
import { splitUnits, matchUnit } from './dispatch/units';
import { toHalfWidth } from './dispatch/text';
import { hasRole, type Group, type Org } from './org';
import { localDate, type LocalDate } from './time';
import { limitMessage, overLimit } from '../limits';

/**
 * `立项` + lines (docs/rules.md#projects): `项目：…` `类别：…` `牵头单位：…` `配合单位：…` `督导组：…`
 * `节点：M月D日前 描述` (one per milestone). Pure; all or nothing: every problem is named with its line
 * and a corrected example, and nothing is created unless the whole text is clean.
 */
export interface ProjectDraft {
  name: string;
  category: string;
  leadUnit: string;
  coUnits: string[];
  group: string;
  leader: string;
  milestones: { date: LocalDate; label: string }[];
}

export interface ProjectTextContext {
  now: Date;
  tz: string;
  calendar: WorkCalendar;
  org: Org;
  /** Groups the author may open a project for; with exactly one it is the default when no 督导组 is written, else 督导组 must be named. */
  groups: string[];
  /** The configured TASK_CATEGORIES a 类别 must be one of (any, when absent). */
  categories?: string[];
  /** Projects on the record: a new one may not take the name of one of them. */
  existing?: { code: string; name: string }[];
  /** The number of the text's first line in the message (2 when `立项` stands on a line of its own). */
  firstLine?: number;
}

export interface ProjectProblem {
  where: string; // 第3行, 全文
  message: string;
  example?: string;
}

export type ProjectParse = { ok: true; draft: ProjectDraft } | { ok: false; problems: ProjectProblem[] };

type Key = 'name' | 'category' | 'lead' | 'co' | 'group' | 'leader' | 'milestone';
const KEYS: Record<string, Key> = {
  项目: 'name', 项目名称: 'name', 名称: 'name',
  类别: 'category', 类型: 'category', 项目类别: 'category',
  牵头单位: 'lead', 责任单位: 'lead', 牵头责任单位: 'lead',
  配合单位: 'co', 协办单位: 'co', 配合部门: 'co',
  督导组: 'group', 挂钩督导组: 'group',
  市领导: 'leader', 挂钩市领导: 'leader', 挂钩领导: 'leader',
  节点: 'milestone', 时间节点: 'milestone', 里程碑: 'milestone',
};
const SINGLE: Key[] = ['name', 'category', 'lead', 'group', 'leader'];
const NAME_OF: Record<Key, string> = { name: '项目', category: '类别', lead: '牵头单位', co: '配合单位', group: '督导组', leader: '市领导', milestone: '节点' };
export const DEFAULT_PROJECT_CATEGORY = '重点项目';
const CATEGORY_CHARS = 20;

const chars = (s: string): number => [...s].length;

/** `节点2` `节点（一）` → 节点; the key in its plain form. */
function plainKey(raw: string): string {
  return toHalfWidth(raw).replace(/[\s【】[\]*]/g, '').replace(/^(节点)[(（]?[0-9一二三四五六七八九十]*[)）]?$/, '$1');
}

/** `12月31日前 完成主体结构封顶` → date part and description; also without a space (`12月31日前完成…`). */
export function splitMilestone(value: string): { date: string; label: string } {
  const v = value.trim();
  const sep = v.search(/[\s,，、:：]/);
  if (sep > 0) return { date: v.slice(0, sep), label: v.slice(sep).replace(/^[\s,，、:：]+/, '').trim() };
  const glued = /^(.*?(?:\d{1,2}\s*[日号]|月底|月末|年底|年末|上旬|中旬|下旬)(?:之前|以前|前)?)(.*)$/s.exec(v);
  if (glued) return { date: glued[1].trim(), label: glued[2].replace(/^[\s,，、:：]+/, '').trim() };
  return { date: v, label: '' };
}

function groupCore(name: string): string {
  return toHalfWidth(name).replace(/\s/g, '').replace(/(督导)?组$/, '').replace(/专项$/, '');
}

function findGroup(written: string, org: Org): Group | undefined {
  const w = toHalfWidth(written).replace(/\s/g, '');
  return (
    org.groups.find((g) => g.code.toUpperCase() === w.toUpperCase() || g.name === w) ??
    org.groups.find((g) => groupCore(g.name) === groupCore(w) && groupCore(w).length > 0)
  );
}

/** One field as written: a line of the pasted text, or a field of the form card (`where` names it either way). */
export interface ProjectEntry {
  key: Key;
  written: string; // the key as the author wrote it (the field's label on the form)
  value: string;
  where: string; // 第3行 | 节点 2
  order: number; // for sorting the problems: the line, or the field's place on the form
  /** A form milestone: its date and 形象进度 given apart. */
  parts?: { date: string; label: string };
}

type Say = (where: string, message: string, example?: string) => void;
interface Checking {
  ctx: ProjectTextContext;
  say: Say;
  of: (k: Key) => ProjectEntry[];
  exDate: string;
}

/** The lines of a pasted 立项: entries, and what is not a `键：值` line. */
function linesOf(text: string, first: number, say: Say, exDate: string): ProjectEntry[] {
  const found: ProjectEntry[] = [];
  text.replace(/\r\n?/g, '\n').split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const where = `第${i + first}行`;
    const m = /^【([^】]{1,14})】(.*)$/s.exec(line) ?? /^([^:：]{1,14})[:：](.*)$/s.exec(line);
    const key = m ? KEYS[plainKey(m[1])] : undefined;
    if (!m) say(where, `“${line.length > 20 ? `${line.slice(0, 20)}…` : line}”不是“键：值”的写法，每行写一项`, '节点：' + `${exDate} 完成主体结构封顶`);
    else if (!key) say(where, `无法识别“${m[1].trim()}”，立项可写：项目、类别、牵头单位、配合单位、督导组、市领导、节点`);
    else found.push({ key, written: m[1].trim(), value: m[2].trim(), where, order: i + first });
  });
  return found;
}

export function parseProjectText(text: string, ctx: ProjectTextContext): ProjectParse {
  if (overLimit('projectChars', text.length)) return { ok: false, problems: [{ where: '全文', message: `${limitMessage('projectChars', text.length)}，请精简后重新发送` }] };
  return checkProject((say, exDate) => linesOf(text, ctx.firstLine ?? 1, say, exDate), ctx);
}

/** The 立项 form card's fields (docs/rules.md#projects): the same checks as the pasted list. */
export interface ProjectForm {
  name: string;
  category: string;
  leadUnit: string;
  coUnits: string;
  group: string;
  leader: string;
  milestones: { date: string; label: string }[];
}

export const PROJECT_FORM_LABEL = { name: '项目名称', category: '类别', leadUnit: '牵头单位', coUnits: '配合单位', group: '督导组', leader: '挂钩市领导', milestone: '节点' } as const;

export function parseProjectForm(form: ProjectForm, ctx: ProjectTextContext): ProjectParse {
  const L = PROJECT_FORM_LABEL;
  const entries: ProjectEntry[] = [];
  const add = (key: Key, written: string, value: string, order: number, parts?: ProjectEntry['parts']) => entries.push({ key, written, value: value.trim(), where: written, order, ...(parts ? { parts } : {}) });
  add('name', L.name, form.name, 1);
  if (form.category.trim()) add('category', L.category, form.category, 2);
  add('lead', L.leadUnit, form.leadUnit, 3);
  if (form.coUnits.trim()) add('co', L.coUnits, form.coUnits, 4);
  if (form.group.trim()) add('group', L.group, form.group, 5);
  if (form.leader.trim()) add('leader', L.leader, form.leader, 6);
  form.milestones.forEach((m, i) => {
    const date = m.date.trim().slice(0, 10);
    const label = m.label.trim();
    if (date || label) add('milestone', `${L.milestone} ${i + 1}`, `${date} ${label}`, 10 + i, { date, label });
  });
  return checkProject(() => entries, ctx);
}

function checkProject(read: (say: Say, exDate: string) => ProjectEntry[], ctx: ProjectTextContext): ProjectParse {
  const problems: ProjectProblem[] = [];
  const say: Say = (where, message, example) => problems.push({ where, message, ...(example ? { example } : {}) });
  const exDate = exampleDeadline(localDate(ctx.now, ctx.tz));
  const found = read(say, exDate);
  const of = (k: Key) => found.filter((f) => f.key === k);
  const c: Checking = { ctx, say, of, exDate };
  for (const k of SINGLE) {
    const all = of(k);
    if (all.length > 1) say(all[1].where, `“${NAME_OF[k]}”写了 ${all.length} 次，只保留一行`);
  }
  const name = checkName(c);
  const category = checkCategory(c);
  const group = checkGroup(c);
  const allowed = group ? ctx.org.unitsOfGroup(group.code).map((u) => u.code) : ctx.org.units.map((u) => u.code);
  const { leadUnit, coUnits } = checkUnits(c, group, allowed);
  const leader = checkLeader(c, group);
  const milestones = checkMilestones(c);
  if (problems.length || !group || !leadUnit || !category) {
    if (!problems.length) say('全文', '立项内容不完整，请补全后重新发送');
    const order = (p: ProjectProblem) => (p.where === '全文' ? 0 : (found.find((f) => f.where === p.where)?.order ?? Number(p.where.replace(/\D/g, '') || 0)));
    return { ok: false, problems: problems.map((p, i) => ({ p, i })).sort((a, b) => order(a.p) - order(b.p) || a.i - b.i).map((x) => x.p) };
  }
  milestones.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { ok: true, draft: { name, category, leadUnit, coUnits, group: group.code, leader, milestones } };
}

/** 项目: present, within the limit, and not the name of a project already on the record. */
function checkName({ of, say, ctx }: Checking): string {
  const nameField = of('name')[0];
  const name = nameField?.value.replace(/\s+/g, ' ').trim() ?? '';
  const where = nameField?.where ?? '全文';
  if (!name) say(where, '缺少项目名称', '项目：茂盛路二期征迁及道路贯通工程');
  else if (overLimit('titleChars', chars(name))) say(where, `${limitMessage('titleChars', chars(name), '项目名称')}，请精简`);
  const same = name ? (ctx.existing ?? []).filter((p) => p.name === name) : [];
  if (same.length) say(where, `已有同名项目 ${same.map((p) => p.code).join('、')}“${name}”，请换一个能区分的名称（如加上期次或路段），或派单时直接写“项目：${same[0].code}”`);
  return name;
}

/** 类别: one of the configured TASK_CATEGORIES (重点项目 when none is written). */
function checkCategory({ of, say, ctx }: Checking): string | undefined {
  const allowed = ctx.categories ?? [];
  const catField = of('category')[0];
  if (!catField?.value) {
    if (!allowed.length || allowed.includes(DEFAULT_PROJECT_CATEGORY)) return DEFAULT_PROJECT_CATEGORY;
    say(catField?.where ?? '全文', `请写明类别，可选：${allowed.join('、')}`, `类别：${allowed[0]}`);
    return undefined;
  }
  const written = toHalfWidth(catField.value).replace(/\s/g, '');
  if (allowed.length && !allowed.includes(written)) {
    say(catField.where, `类别“${cut(catField.value)}”不在可选范围，可选：${allowed.join('、')}`, `类别：${allowed.includes(DEFAULT_PROJECT_CATEGORY) ? DEFAULT_PROJECT_CATEGORY : allowed[0]}`);
    return undefined;
  }
  if (chars(written) > CATEGORY_CHARS) {
    say(catField.where, `类别 ${chars(written)} 字，超过上限 ${CATEGORY_CHARS} 字`, `类别：${DEFAULT_PROJECT_CATEGORY}`);
    return undefined;
  }
  return written;
}

const cut = (s: string): string => ([...s].length > 20 ? `${[...s].slice(0, 20).join('')}…` : s);

/** 督导组: one the author may open a project for; when they may choose among several it must be named. */
function checkGroup({ of, say, ctx }: Checking): Group | undefined {
  const groupField = of('group')[0];
  const mine = ctx.groups.map((g) => ctx.org.group(g)?.name).filter(Boolean).join('、');
  if (groupField?.value) {
    const group = findGroup(groupField.value, ctx.org);
    if (!group) say(groupField.where, `找不到督导组“${groupField.value}”${mine ? `（您可为${mine}立项）` : ''}`, mine ? `督导组：${ctx.org.group(ctx.groups[0])?.name}` : undefined);
    else if (!ctx.groups.includes(group.code)) say(groupField.where, `您不是${group.name}的组长或副组长，不能为该组立项${mine ? `（您可为${mine}立项）` : ''}`);
    else return group;
    return undefined;
  }
  if (ctx.groups.length === 1 && ctx.org.group(ctx.groups[0])) return ctx.org.group(ctx.groups[0]);
  const example = ctx.groups.map((g) => ctx.org.group(g)).find((g) => g?.kind === 'special')?.name ?? ctx.org.groups.find((g) => g.kind === 'special')?.name ?? '第一专项督导组';
  say(groupField?.where ?? '全文', `请写明督导组${ctx.groups.length > 1 ? `（您可为${mine}立项）` : ''}`, `督导组：${example}`);
  return undefined;
}

/** 牵头单位 (one) and 配合单位: units of the project's group. */
function checkUnits({ of, say, ctx }: Checking, group: Group | undefined, allowed: string[]): { leadUnit?: string; coUnits: string[] } {
  const unitOf = (written: string, key: string, where: string): string | undefined => {
    const m = matchUnit(written, ctx.org, allowed);
    if (!m.ok) {
      say(where, `${key}：${m.message}`, m.candidates[0] ? `${key}：${m.candidates[0].name}` : undefined);
      return undefined;
    }
    if (group && !allowed.includes(m.unit.code)) {
      say(where, `${key}“${m.unit.name}”不在${group.name}挂钩范围`);
      return undefined;
    }
    return m.unit.code;
  };
  const leadField = of('lead')[0];
  let leadUnit: string | undefined;
  if (!leadField?.value) {
    const first = allowed.map((c) => ctx.org.unit(c)?.name).find(Boolean) ?? '梅山镇';
    say(leadField?.where ?? '全文', '缺少牵头单位', `牵头单位：${first}`);
  } else {
    const items = splitUnits(leadField.value);
    if (items.length > 1) say(leadField.where, `牵头单位只写一个（写了 ${items.length} 个），其余写在“配合单位”`, `牵头单位：${items[0].name}`);
    else if (items.length === 1) leadUnit = unitOf(items[0].name, leadField.written, leadField.where);
  }
  const coUnits: string[] = [];
  const coFields = of('co');
  const split = (v: string) => splitUnits(v);
  const coCount = coFields.reduce((n, f) => n + split(f.value).length, 0);
  if (overLimit('unitsPerItem', coCount)) say(coFields[0].where, `${limitMessage('unitsPerItem', coCount, '配合单位')}`);
  else {
    for (const f of coFields) {
      for (const it of split(f.value)) {
        if (it.kinds) say(f.where, `${f.written}“${it.name}”请逐一写明单位名称`);
        const code = it.kinds ? undefined : unitOf(it.name, f.written, f.where);
        if (code && code !== leadUnit && !coUnits.includes(code)) coUnits.push(code);
      }
    }
  }
  return { leadUnit, coUnits };
}

/** 市领导: the group's linked city leader unless one is named. */
function checkLeader({ of, say, ctx }: Checking, group: Group | undefined): string {
  const leaderField = of('leader')[0];
  if (!leaderField?.value) return group?.cityLeader ?? '';
  const w = leaderField.value.replace(/\s/g, '');
  const p = ctx.org.people.find((x) => hasRole(x, 'cityLeader') && (x.name === w || x.code === w));
  if (p) return p.code;
  const names = ctx.org.people.filter((x) => hasRole(x, 'cityLeader')).map((x) => x.name).slice(0, 3);
  say(leaderField.where, `找不到市领导“${w}”${names.length ? `（在册市领导：${names.join('、')}）` : ''}`);
  return group?.cityLeader ?? '';
}

/** 节点: at least one, each a day from today on and its 形象进度. */
function checkMilestones({ of, say, ctx, exDate }: Checking): { date: LocalDate; label: string }[] {
  const ms = of('milestone');
  const milestones: { date: LocalDate; label: string }[] = [];
  if (!ms.length) say('全文', '至少写一个节点（每个节点：日期 + 形象进度）', `节点：${exDate} 完成主体结构封顶`);
  if (overLimit('projectMilestones', ms.length)) {
    say('全文', `${limitMessage('projectMilestones', ms.length)}，请合并阶段`);
    return milestones;
  }
  for (const f of ms) {
    const { date, label } = f.parts ?? splitMilestone(f.value);
    const ex = `节点：${exDate} ${label || '完成主体结构封顶'}`;
    if (!f.value) {
      say(f.where, '节点是空的，请写日期和形象进度', ex);
      continue;
    }
    if (overLimit('deadlineChars', date.length)) {
      say(f.where, limitMessage('deadlineChars', date.length, '节点日期'), ex);
      continue;
    }
    const d = date ? parseDeadline(date, { now: ctx.now, tz: ctx.tz, calendar: ctx.calendar }, '节点') : { ok: false as const, message: '缺少节点日期，请选择或写明日期' };
    if (!d.ok) say(f.where, d.message.replace(/，例如“[^”]*”$/, ''), ex);
    else if (d.milestones.length) say(f.where, '一行只写一个节点日期，多个节点请分行写', ex);
    if (!label) say(f.where, '节点缺少形象进度描述（到期时现场应看到什么）', ex);
    else if (overLimit('titleChars', chars(label))) say(f.where, limitMessage('titleChars', chars(label), '节点描述'));
    if (d.ok && label) milestones.push({ date: d.deadline, label });
  }
  return milestones;
}

/** The reply to a 立项 refused: every problem, where it is, and a line to paste instead. */
export function projectRefusalText(problems: ProjectProblem[]): string {
  const lines = problems.map((p, i) => `${i + 1}. ${p.where}：${p.message}${p.example && !p.message.includes(p.example) ? `\n   例如：${p.example}` : ''}`);
  return `立项未创建，请修改后重新发送（共 ${problems.length} 处问题）：\n${lines.join('\n')}`;
}

export const PROJECT_EXAMPLE = `立项
项目：茂盛路二期征迁及道路贯通工程
类别：重点项目
牵头单位：梅山镇
配合单位：住建局、自然资源局
督导组：第一专项督导组
节点：12月31日前 完成剩余征迁签约
节点：2027年3月31日前 完成管线迁改
节点：2027年6月30日前 道路全线贯通`;
