import type { Priority } from '../task';
import { parseDeadline } from './deadline';
import { mapCategory, mapPriority, mapSource } from './fields';
import type { DraftTask, FieldKind, ParseContext, ParseProblem, RawField, RawTask } from './types';
import { count, trimEndChars } from './steps';
import { matchUnit, splitUnits, unitCount, type UnitItem } from './units';
import { limitMessage, overLimit } from '../../limits';
import { findProject } from '../project';

type Say = (message: string, example?: string) => void;

/** Characters (code points) of a text, counted without building an array of them. */
function chars(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}
interface Item extends UnitItem {
  field: RawField;
  idx: number; // position in its field's list, for the corrected example
}

/** A title on one line: line breaks (and the spaces around them) dropped, spaces collapsed, no closing punctuation. */
const oneLine = (s: string): string =>
  trimEndChars(
    s.split('\n').map((l) => l.trim()).join('').replace(/\s+/g, ' ').trim(),
    '。；;，,',
  );

function missing(raw: RawTask, name: string, hint: string): string {
  return raw.form === 'table' ? `“${name}”一栏是空的，请填写（空单元格不会沿用上一行的内容）` : `缺少${name}，${hint}`;
}

/** One raw block or row → its task(s) (one per township when the lead is 各乡镇（街道）), or what is wrong with it. */
export function buildTasks(raw: RawTask, ctx: ParseContext): { tasks: DraftTask[]; problems: ParseProblem[] } {
  const problems: ParseProblem[] = [];
  const say: Say = (message, example) => problems.push({ where: raw.ref, message: `${raw.ref}：${message}`, ...(example ? { example } : {}) });
  const of = (kind: FieldKind): RawField[] => raw.fields.filter((f) => f.kind === kind);
  const filled = (kind: FieldKind): RawField[] => of(kind).filter((f) => f.value.trim());

  count(ctx.steps, raw.fields.length);
  const content = [raw.description ?? '', ...filled('content').map((f) => f.value.trim())].filter(Boolean).join('\n');
  const title = oneLine(filled('title')[0]?.value ?? raw.title ?? '');
  count(ctx.steps, title.length + content.length);
  // what is stored is never cut: over its limit, a title or requirement is refused with the figure met
  if (overLimit('titleChars', chars(title))) say(`${limitMessage('titleChars', chars(title))}，请精简标题，详细内容写在“工作要求”中`);
  if (overLimit('requirementChars', chars(content))) say(`${limitMessage('requirementChars', chars(content))}，请精简，或将附件材料另行发送`);
  if (!title) {
    const key = of('title')[0]?.key ?? (raw.form === 'table' ? '事项' : '事项标题');
    const guess = oneLine(content.split(/[，,。；;\n]/)[0] ?? '').slice(0, 20);
    say(missing(raw, key, '请在编号后写明督办事项，或加一行“事项：……”'), raw.form === 'block' ? `事项：${guess || '（督办事项名称）'}` : undefined);
  }

  const units = resolveUnits(raw, ctx, say, of);

  const dlFields = of('deadline');
  const dlKey = dlFields[0]?.key ?? '完成时限';
  const dlText = dlFields.map((f) => f.value.trim()).filter(Boolean).join('；');
  const dl = overLimit('deadlineChars', dlText.length)
    ? { ok: false as const, message: `${limitMessage('deadlineChars', dlText.length, dlKey)}，请只写截止日期和阶段节点`, example: undefined }
    : parseDeadline(dlText, ctx, dlKey);
  if (!dl.ok) say(dl.message, dl.example);

  let priority: Priority = '一般';
  const pf = filled('priority')[0];
  if (pf) {
    const p = mapPriority(pf.value);
    if (p) priority = p;
    else say(`优先级“${pf.value.trim()}”无法识别，请写“一般”“重要”或“紧急”`, `${pf.key}：${/急/.test(pf.value) ? '紧急' : /重/.test(pf.value) ? '重要' : '一般'}`);
  }
  const sf = filled('source')[0];
  const source = sf ? mapSource(sf.value, ctx.meetingSource) : { source: ctx.defaultSource };
  const pj = filled('project')[0];
  const found = pj ? findProject(pj.value, ctx.projects ?? []) : undefined;
  // the order's own 类别 (a line or a heading), else the project's, else 其他
  const cf = filled('category')[0];
  const projectCategory = found?.ok && found.project.category && ctx.categories.includes(found.project.category) ? found.project.category : undefined;
  const category = cf ? mapCategory(cf.value, ctx.categories) : { category: raw.headingCategory ?? projectCategory ?? '其他' };
  if (found && !found.ok) {
    const some = (ctx.projects ?? []).slice(0, 1).map((x) => `${pj!.key}：${x.code}`)[0];
    say(`${pj!.key}：${found.message}${ctx.projects?.length ? '' : '（本组还没有立项的项目，可先发送“立项”）'}`, some);
  }

  if (problems.length || !units || !dl.ok) return { tasks: [], problems };
  const tasks = units.leads.map((lead) => ({
    ref: raw.ref,
    title,
    content,
    leadUnit: lead,
    coUnits: units.co.filter((c) => c !== lead),
    deadline: dl.deadline,
    milestones: dl.milestones.map((m) => ({ ...m })),
    priority,
    ...category,
    ...source,
    ...(found?.ok ? { project: found.project.code } : {}),
  }));
  return { tasks, problems: [] };
}

interface Failure {
  item: Item;
  message: string;
  fix?: string; // what to write instead of the item
}

function resolveUnits(raw: RawTask, ctx: ParseContext, say: Say, of: (k: FieldKind) => RawField[]): { leads: string[]; co: string[] } | undefined {
  const items = (fields: RawField[]): Item[] => fields.flatMap((field) => splitUnits(field.value, ctx.steps).map((u, idx) => ({ ...u, field, idx })));
  // counted before anything is split or looked up
  const named = [...of('leadPrimary'), ...of('lead'), ...of('co')].reduce((n, f) => n + unitCount(f.value), 0);
  count(ctx.steps, named);
  if (overLimit('unitsPerItem', named)) {
    say(`${limitMessage('unitsPerItem', named, '本项所列单位')}，请分项派发`);
    return undefined;
  }
  // 牵头单位 and 责任单位 together: 牵头 is the lead, 责任 lists the co-units
  const primary = items(of('leadPrimary'));
  const leadItems = primary.length ? primary : items(of('lead'));
  const coItems = items(primary.length ? [...of('lead'), ...of('co')] : of('co'));
  const long = [...leadItems, ...coItems].find((it) => overLimit('unitNameChars', chars(it.name)));
  if (long) {
    say(`${long.field.key}“${[...long.name].slice(0, 12).join('')}…”：${limitMessage('unitNameChars', chars(long.name))}，请用顿号（、）分隔各单位`);
    return undefined;
  }
  const failures: Failure[] = [];
  const codesOf = (it: Item): string[] | undefined => {
    const r = resolve(it, ctx);
    if (Array.isArray(r)) return r;
    failures.push({ item: it, ...r });
    return undefined;
  };
  let result: { leads: string[]; co: string[] } | undefined;
  const primaryCol = of('leadPrimary')[0];
  if (raw.form === 'table' && primaryCol && !primary.length) {
    // a merged 牵头单位 cell copies as empty cells below it: ask rather than make 责任单位 the lead
    say(missing(raw, primaryCol.key, ''));
    [...leadItems, ...coItems].forEach(codesOf);
  } else if (!leadItems.length) {
    const first = ctx.allowedUnits.map((c) => ctx.org.unit(c)?.name).find(Boolean) ?? '梅山镇';
    say(missing(raw, '责任单位', '请写明牵头办理的单位'), raw.form === 'block' ? `责任单位：${first}` : undefined);
    coItems.forEach(codesOf);
  } else {
    const li = Math.max(0, leadItems.findIndex((i) => i.lead));
    const leads = codesOf(leadItems[li]);
    const co: string[] = [];
    for (const it of [...leadItems.filter((_, i) => i !== li), ...coItems]) for (const c of codesOf(it) ?? []) if (!co.includes(c)) co.push(c);
    if (leads && !failures.length) result = { leads, co };
  }
  // each example is the whole line with every fixable unit of it corrected
  const fixes = new Map<RawField, Map<number, string>>();
  for (const f of failures) if (f.fix) fixes.set(f.item.field, (fixes.get(f.item.field) ?? new Map<number, string>()).set(f.item.idx, f.fix));
  const lines = new Map<RawField, string>();
  for (const f of failures) {
    const line = !f.fix ? undefined : (lines.get(f.item.field) ?? exampleLine(f.item.field, fixes.get(f.item.field)!, ctx));
    if (line) lines.set(f.item.field, line);
    say(f.message, line);
  }
  return result;
}

/** The field's line with each fixable unit replaced by its fix (computed once per field: linear in its units). */
function exampleLine(field: RawField, fix: Map<number, string>, ctx: ParseContext): string {
  const names = new Set<string>();
  splitUnits(field.value, ctx.steps).forEach((u, j) => {
    for (const n of (fix.get(j) ?? u.name).split('、')) names.add(n + (u.lead ? '（牵头）' : ''));
  });
  return `${field.key}：${[...names].join('、')}`;
}

const KIND_LABEL = { township: '乡镇', street: '街道', department: '部门', other: '单位' } as const;

/** Unit codes an item stands for, or what is wrong with it and, when we can tell, what to write instead. */
function resolve(item: Item, ctx: ParseContext): string[] | { message: string; fix?: string } {
  const key = item.field.key;
  const allowed = ctx.org.units.filter((u) => ctx.allowedUnits.includes(u.code));
  if (item.kinds) {
    const codes = allowed.filter((u) => item.kinds!.includes(u.kind)).map((u) => u.code);
    return codes.length ? codes : { message: `${key}“${item.name}”：本督导组没有挂钩的${item.kinds.map((k) => KIND_LABEL[k]).join('、')}，请写明具体单位` };
  }
  const m = matchUnit(item.name, ctx.org, ctx.allowedUnits);
  if (m.ok) {
    if (allowed.includes(m.unit)) return [m.unit.code];
    const shown = m.unit.name === item.name ? `“${item.name}”` : `“${item.name}”（${m.unit.name}）`;
    return { message: `${key}${shown}不在本督导组挂钩范围，请改派本组挂钩单位，或请综合协调组派单` };
  }
  if (m.reason === 'group') {
    const pool = /部门/.test(item.name) ? allowed.filter((u) => u.kind === 'department') : allowed;
    const some = pool.slice(0, 3).map((u) => u.name).join('、');
    return { message: `${key}“${item.name}”不是具体单位，请逐一写明单位名称${some ? `，例如：${some}` : ''}`, ...(some ? { fix: some } : {}) };
  }
  const names = m.candidates.map((u) => u.name);
  if (m.reason === 'ambiguous') return { message: `${key}“${item.name}”对应多个单位：${names.join('、')}，请写全称`, fix: names[0] };
  if (names.length) return { message: `找不到${key}“${item.name}”。您是不是指：${names.join('、')}？`, fix: names[0] };
  const some = allowed.slice(0, 3).map((u) => u.name);
  return { message: `找不到${key}“${item.name}”，请核对单位名称${some.length ? `（本组挂钩单位如：${some.join('、')}等）` : ''}` };
}
