import type { Priority } from '../task';
import { parseDeadline } from './deadline';
import { mapCategory, mapPriority, mapSource } from './fields';
import type { DraftTask, FieldKind, ParseContext, ParseProblem, RawField, RawTask } from './types';
import { matchUnit, splitUnits, type UnitItem } from './units';

type Say = (message: string, example?: string) => void;
interface Item extends UnitItem {
  field: RawField;
  idx: number; // position in its field's list, for the corrected example
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, '').replace(/\s+/g, ' ').trim().replace(/[。；;，,]+$/, '');

function missing(raw: RawTask, name: string, hint: string): string {
  return raw.form === 'table' ? `“${name}”一栏是空的，请填写（空单元格不会沿用上一行的内容）` : `缺少${name}，${hint}`;
}

/** One raw block or row → its task(s) (one per township when the lead is 各乡镇（街道）), or what is wrong with it. */
export function buildTasks(raw: RawTask, ctx: ParseContext): { tasks: DraftTask[]; problems: ParseProblem[] } {
  const problems: ParseProblem[] = [];
  const say: Say = (message, example) => problems.push({ where: raw.ref, message: `${raw.ref}：${message}`, ...(example ? { example } : {}) });
  const of = (kind: FieldKind): RawField[] => raw.fields.filter((f) => f.kind === kind);
  const filled = (kind: FieldKind): RawField[] => of(kind).filter((f) => f.value.trim());

  const content = [raw.description ?? '', ...filled('content').map((f) => f.value.trim())].filter(Boolean).join('\n');
  const title = oneLine(filled('title')[0]?.value ?? raw.title ?? '');
  if (!title) {
    const key = of('title')[0]?.key ?? '事项';
    const guess = oneLine(content.split(/[，,。；;\n]/)[0] ?? '').slice(0, 20);
    say(missing(raw, key, '请在编号后写明督办事项，或加一行“事项：……”'), raw.form === 'block' ? `事项：${guess || '（督办事项名称）'}` : undefined);
  }

  const units = resolveUnits(raw, ctx, say, of);

  const dlFields = of('deadline');
  const dlKey = dlFields[0]?.key ?? '完成时限';
  const dl = parseDeadline(dlFields.map((f) => f.value.trim()).filter(Boolean).join('；'), ctx, dlKey);
  if (!dl.ok) say(dl.message, dl.example);

  let priority: Priority = '一般';
  const pf = filled('priority')[0];
  if (pf) {
    const p = mapPriority(pf.value);
    if (p) priority = p;
    else say(`优先级“${pf.value.trim()}”无法识别，请写“一般”“重要”或“紧急”`, `${pf.key}：${/急/.test(pf.value) ? '紧急' : /重/.test(pf.value) ? '重要' : '一般'}`);
  }
  const cf = filled('category')[0];
  const category = cf ? mapCategory(cf.value, ctx.categories) : { category: raw.headingCategory ?? '其他' };
  const sf = filled('source')[0];
  const source = sf ? mapSource(sf.value, ctx.meetingSource) : { source: ctx.defaultSource };

  if (problems.length || !units || !dl.ok) return { tasks: [], problems };
  const tasks = units.leads.map((lead) => ({
    ref: raw.ref,
    title,
    content,
    leadUnit: lead,
    coUnits: units.co.filter((c) => c !== lead),
    deadline: dl.deadline,
    milestones: dl.milestones,
    priority,
    ...category,
    ...source,
  }));
  return { tasks, problems: [] };
}

function resolveUnits(raw: RawTask, ctx: ParseContext, say: Say, of: (k: FieldKind) => RawField[]): { leads: string[]; co: string[] } | undefined {
  const items = (fields: RawField[]): Item[] => fields.flatMap((field) => splitUnits(field.value).map((u, idx) => ({ ...u, field, idx })));
  // 牵头单位 and 责任单位 together: 牵头 is the lead, 责任 lists the co-units
  const primary = items(of('leadPrimary'));
  const leadItems = primary.length ? primary : items(of('lead'));
  const coItems = items(primary.length ? [...of('lead'), ...of('co')] : of('co'));
  if (!leadItems.length) {
    const first = ctx.allowedUnits.map((c) => ctx.org.unit(c)?.name).find(Boolean) ?? '梅山镇';
    say(missing(raw, '责任单位', '请写明牵头办理的单位'), raw.form === 'block' ? `责任单位：${first}` : undefined);
    for (const it of coItems) resolve(it, ctx, say);
    return undefined;
  }
  const li = Math.max(0, leadItems.findIndex((i) => i.lead));
  const leads = resolve(leadItems[li], ctx, say);
  const co: string[] = [];
  let ok = Boolean(leads);
  for (const it of [...leadItems.filter((_, i) => i !== li), ...coItems]) {
    const codes = resolve(it, ctx, say);
    if (!codes) ok = false;
    else for (const c of codes) if (!co.includes(c)) co.push(c);
  }
  return ok && leads ? { leads, co } : undefined;
}

function exampleLine(item: Item, replacement: string): string {
  const names = splitUnits(item.field.value).map((u, j) => (j === item.idx ? replacement : u.name) + (u.lead ? '（牵头）' : ''));
  return `${item.field.key}：${names.join('、')}`;
}

const KIND_LABEL = { township: '乡镇', street: '街道', department: '部门', other: '单位' } as const;

/** Unit codes an item stands for, or undefined after saying what is wrong with it. */
function resolve(item: Item, ctx: ParseContext, say: Say): string[] | undefined {
  const key = item.field.key;
  const allowed = ctx.org.units.filter((u) => ctx.allowedUnits.includes(u.code));
  if (item.kinds) {
    const codes = allowed.filter((u) => item.kinds!.includes(u.kind)).map((u) => u.code);
    if (!codes.length) say(`${key}“${item.name}”：本督导组没有挂钩的${item.kinds.map((k) => KIND_LABEL[k]).join('、')}，请写明具体单位`);
    return codes.length ? codes : undefined;
  }
  const m = matchUnit(item.name, ctx.org, ctx.allowedUnits);
  if (m.ok) {
    if (allowed.includes(m.unit)) return [m.unit.code];
    const shown = m.unit.name === item.name ? `“${item.name}”` : `“${item.name}”（${m.unit.name}）`;
    say(`${key}${shown}不在本督导组挂钩范围，请改派本组挂钩单位，或请综合协调组派单`);
    return undefined;
  }
  if (m.reason === 'group') {
    const pool = /部门/.test(item.name) ? allowed.filter((u) => u.kind === 'department') : allowed;
    const some = pool.slice(0, 3).map((u) => u.name);
    say(`${key}“${item.name}”不是具体单位，请逐一写明单位名称${some.length ? `，例如：${some.join('、')}` : ''}`, some.length ? exampleLine(item, some.join('、')) : undefined);
  } else if (m.reason === 'ambiguous') {
    const names = m.candidates.map((u) => u.name);
    say(`${key}“${item.name}”对应多个单位：${names.join('、')}，请写全称`, exampleLine(item, names[0]));
  } else if (m.candidates.length) {
    say(`找不到${key}“${item.name}”。您是不是指：${m.candidates.map((u) => u.name).join('、')}？`, exampleLine(item, m.candidates[0].name));
  } else {
    const some = allowed.slice(0, 3).map((u) => u.name);
    say(`找不到${key}“${item.name}”，请核对单位名称${some.length ? `（本组挂钩单位如：${some.join('、')}等）` : ''}`);
  }
  return undefined;
}
