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
  /** Groups the author may open a project for; the first is the default when no 督导组 line is written. */
  groups: string[];
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

export function parseProjectText(text: string, ctx: ProjectTextContext): ProjectParse {
  const problems: ProjectProblem[] = [];
  const say = (where: string, message: string, example?: string) => problems.push({ where, message, ...(example ? { example } : {}) });
  if (overLimit('projectChars', text.length)) return { ok: false, problems: [{ where: '全文', message: `${limitMessage('projectChars', text.length)}，请精简后重新发送` }] };
  const today = localDate(ctx.now, ctx.tz);
  const exDate = exampleDeadline(today);
  const found: { key: Key; written: string; value: string; line: number }[] = [];
  const first = ctx.firstLine ?? 1;
  text.replace(/\r\n?/g, '\n').split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const where = `第${i + first}行`;
    const m = /^【([^】]{1,14})】(.*)$/s.exec(line) ?? /^([^:：]{1,14})[:：](.*)$/s.exec(line);
    const key = m ? KEYS[plainKey(m[1])] : undefined;
    if (!m) say(where, `“${line.length > 20 ? `${line.slice(0, 20)}…` : line}”不是“键：值”的写法，每行写一项`, '节点：' + `${exDate} 完成主体结构封顶`);
    else if (!key) say(where, `无法识别“${m[1].trim()}”，立项可写：项目、类别、牵头单位、配合单位、督导组、市领导、节点`);
    else found.push({ key, written: m[1].trim(), value: m[2].trim(), line: i + first });
  });
  const of = (k: Key) => found.filter((f) => f.key === k);
  for (const k of SINGLE) {
    const all = of(k);
    if (all.length > 1) say(`第${all[1].line}行`, `“${NAME_OF[k]}”写了 ${all.length} 次，只保留一行`);
  }

  // 项目
  const nameField = of('name')[0];
  const name = nameField?.value.replace(/\s+/g, ' ').trim() ?? '';
  if (!name) say(nameField ? `第${nameField.line}行` : '全文', '缺少项目名称', '项目：茂盛路二期征迁及道路贯通工程');
  else if (overLimit('titleChars', chars(name))) say(`第${nameField!.line}行`, `${limitMessage('titleChars', chars(name), '项目名称')}，请精简`);

  // 类别
  const catField = of('category')[0];
  const category = catField?.value || DEFAULT_PROJECT_CATEGORY;
  if (catField && chars(category) > CATEGORY_CHARS) say(`第${catField.line}行`, `类别 ${chars(category)} 字，超过上限 ${CATEGORY_CHARS} 字`, `类别：${DEFAULT_PROJECT_CATEGORY}`);

  // 督导组
  const groupField = of('group')[0];
  let group: Group | undefined;
  if (groupField) {
    group = findGroup(groupField.value, ctx.org);
    const mine = ctx.groups.map((c) => ctx.org.group(c)?.name).filter(Boolean).join('、');
    if (!group) say(`第${groupField.line}行`, `找不到督导组“${groupField.value}”`, mine ? `督导组：${ctx.org.group(ctx.groups[0])?.name}` : undefined);
    else if (!ctx.groups.includes(group.code)) {
      say(`第${groupField.line}行`, `您不是${group.name}的组长或副组长，不能为该组立项${mine ? `（您可为${mine}立项）` : ''}`);
      group = undefined;
    }
  } else {
    group = ctx.org.group(ctx.groups[0] ?? '');
    if (!group) say('全文', '请写明督导组', `督导组：${ctx.org.groups.find((g) => g.kind === 'special')?.name ?? '第一专项督导组'}`);
  }
  const allowed = group ? ctx.org.unitsOfGroup(group.code).map((u) => u.code) : ctx.org.units.map((u) => u.code);

  // 牵头单位、配合单位
  const unitOf = (written: string, key: string, line: number): string | undefined => {
    const m = matchUnit(written, ctx.org, allowed);
    if (!m.ok) {
      say(`第${line}行`, `${key}：${m.message}`, m.candidates[0] ? `${key}：${m.candidates[0].name}` : undefined);
      return undefined;
    }
    if (group && !allowed.includes(m.unit.code)) {
      say(`第${line}行`, `${key}“${m.unit.name}”不在${group.name}挂钩范围`);
      return undefined;
    }
    return m.unit.code;
  };
  const leadField = of('lead')[0];
  let leadUnit: string | undefined;
  if (!leadField?.value) {
    const first = allowed.map((c) => ctx.org.unit(c)?.name).find(Boolean) ?? '梅山镇';
    say(leadField ? `第${leadField.line}行` : '全文', '缺少牵头单位', `牵头单位：${first}`);
  } else {
    const items = splitUnits(leadField.value);
    if (items.length > 1) say(`第${leadField.line}行`, `牵头单位只写一个（写了 ${items.length} 个），其余写在“配合单位”`, `牵头单位：${items[0].name}`);
    else if (items.length === 1) leadUnit = unitOf(items[0].name, leadField.written, leadField.line);
  }
  const coUnits: string[] = [];
  const coFields = of('co');
  const coCount = coFields.reduce((n, f) => n + splitUnits(f.value).length, 0);
  if (overLimit('unitsPerItem', coCount)) say(`第${coFields[0].line}行`, `${limitMessage('unitsPerItem', coCount, '配合单位')}`);
  else {
    for (const f of coFields) {
      for (const it of splitUnits(f.value)) {
        const c = it.kinds ? undefined : unitOf(it.name, f.written, f.line);
        if (it.kinds) say(`第${f.line}行`, `${f.written}“${it.name}”请逐一写明单位名称`);
        if (c && c !== leadUnit && !coUnits.includes(c)) coUnits.push(c);
      }
    }
  }

  // 市领导
  let leader = group?.cityLeader ?? '';
  const leaderField = of('leader')[0];
  if (leaderField) {
    const w = leaderField.value.replace(/\s/g, '');
    const p = ctx.org.people.find((x) => hasRole(x, 'cityLeader') && (x.name === w || x.code === w));
    if (!p) {
      const names = ctx.org.people.filter((x) => hasRole(x, 'cityLeader')).map((x) => x.name).slice(0, 3);
      say(`第${leaderField.line}行`, `找不到市领导“${w}”${names.length ? `（在册市领导：${names.join('、')}）` : ''}`);
    } else leader = p.code;
  }

  // 节点
  const ms = of('milestone');
  const milestones: { date: LocalDate; label: string }[] = [];
  if (!ms.length) say('全文', '至少写一个节点（每个节点一行：日期 + 形象进度）', `节点：${exDate} 完成主体结构封顶`);
  if (overLimit('projectMilestones', ms.length)) say('全文', `${limitMessage('projectMilestones', ms.length)}，请合并阶段`);
  else {
    for (const f of ms) {
      const where = `第${f.line}行`;
      const { date, label } = splitMilestone(f.value);
      const ex = `节点：${exDate} ${label || '完成主体结构封顶'}`;
      if (!f.value) {
        say(where, '节点是空的，请写日期和形象进度', ex);
        continue;
      }
      if (overLimit('deadlineChars', date.length)) {
        say(where, limitMessage('deadlineChars', date.length, '节点日期'), ex);
        continue;
      }
      const d = parseDeadline(date, { now: ctx.now, tz: ctx.tz, calendar: ctx.calendar }, '节点');
      if (!d.ok) say(where, d.message.replace(/，例如“[^”]*”$/, ''), ex);
      else if (d.milestones.length) say(where, '一行只写一个节点日期，多个节点请分行写', ex);
      if (!label) say(where, '节点缺少形象进度描述（到期时现场应看到什么）', ex);
      else if (overLimit('titleChars', chars(label))) say(where, limitMessage('titleChars', chars(label), '节点描述'));
      if (d.ok && label) milestones.push({ date: d.deadline, label });
    }
  }

  if (problems.length || !group || !leadUnit) {
    if (!problems.length) say('全文', '立项内容不完整，请补全后重新发送');
    const line = (p: ProjectProblem) => (p.where === '全文' ? 0 : Number(p.where.replace(/\D/g, '')));
    return { ok: false, problems: problems.map((p, i) => ({ p, i })).sort((a, b) => line(a.p) - line(b.p) || a.i - b.i).map((x) => x.p) };
  }
  milestones.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { ok: true, draft: { name, category, leadUnit, coUnits, group: group.code, leader, milestones } };
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
