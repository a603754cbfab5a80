import ExcelJS from 'exceljs';
import { ArchiveRefused, checkArchive } from '../../archive-check';
import { LIMITS, limitMessage } from '../../limits';

/**
 * The office's 台账 template (docs/architecture.md#the-ledger): an XLSX sheet whose header rows, merged
 * cells, fonts and column widths are kept, with `{{…}}` placeholder cells. The row holding item
 * placeholders (`{{事项}}`, `{{责任单位}}` …) repeats once per task. A row just above it holding
 * `{{分类}}` (and no item placeholder) is a section heading repeated per category; a row just below
 * holding section counts (`{{小计}}` …) is the section's subtotal row. Title placeholders (`{{督导组}}`,
 * `{{截至日期}}` …) may stand anywhere. Rows after the repeating block (signatures, notes) follow the
 * filled rows. Formulas are copied as written; other sheets of the template are not copied.
 */

/** Per task. `督办事项`, `事项名称` and `牵头单位` are accepted for `事项` and `责任单位`. */
export const ITEM_FIELDS = ['序号', '编号', '事项', '工作要求', '分类', '来源', '责任单位', '配合单位', '派发日期', '完成时限', '进度', '进展情况', '完成情况', '办结日期', '灯', '备注'] as const;
/** Per section (category), in its heading or subtotal row. */
export const SECTION_FIELDS = ['分类', '分类序号', '小计', '办结数', '超期数'] as const;
/** Once, anywhere. */
export const TITLE_FIELDS = ['督导组', '月份', '截至日期', '总数'] as const;

export type ItemField = (typeof ITEM_FIELDS)[number];
export type SectionField = (typeof SECTION_FIELDS)[number];
export type TitleField = (typeof TITLE_FIELDS)[number];
type Value = string | number;

const ALIASES: Record<string, string> = { 督办事项: '事项', 事项名称: '事项', 牵头单位: '责任单位' };
const ITEM = new Set<string>(ITEM_FIELDS);
const SECTION_ONLY = new Set<string>(SECTION_FIELDS.filter((f) => f !== '分类'));
const TITLE = new Set<string>(TITLE_FIELDS);
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
/** Excel's own cap on a cell's text. */
const CELL_CHARS = 32_767;

export interface TemplateProblem {
  cell: string; // 'B5', a range 'A3:A5', or the sheet's name
  message: string;
}

/** A template refused: every problem, each naming its cell (the API answers 422 with them). */
export class TemplateError extends Error {
  constructor(readonly problems: TemplateProblem[]) {
    super(problems.map((p) => `${p.cell}: ${p.message}`).join('; '));
    this.name = 'TemplateError';
  }
}

/** Where the repeating rows are (1-based row numbers of the template sheet). */
export interface TemplatePlan {
  sheet: string;
  itemRow: number;
  sectionRow?: number;
  subtotalRow?: number;
  /** Grouped by category: a section row or a subtotal row is present. */
  grouped: boolean;
  fields: string[];
}

export interface LedgerItem {
  category: string;
  values: Record<ItemField, Value>;
  /** Counted in a section's 办结数 / 超期数. */
  closed: boolean;
  overdue: boolean;
}

export interface LedgerFill {
  title: Record<TitleField, Value>;
  /** Sections in this order (categories without items are left out). */
  categories: string[];
  items: LedgerItem[];
}

const text = (v: ExcelJS.CellValue): string | null => {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  return null;
};
const canonical = (name: string) => ALIASES[name.trim()] ?? name.trim();
const known = () => [...new Set([...ITEM_FIELDS, ...SECTION_FIELDS, ...TITLE_FIELDS])].map((f) => `{{${f}}}`).join(' ');

/** Reads and checks a template: the workbook and where its repeating rows are, or every problem named. */
export async function readTemplate(bytes: Buffer): Promise<{ ws: ExcelJS.Worksheet; plan: TemplatePlan }> {
  if (bytes.length > LIMITS.templateBytes) throw new TemplateError([{ cell: 'file', message: `the template is ${bytes.length} bytes, over the limit of ${LIMITS.templateBytes}` }]);
  try {
    await checkArchive(bytes); // the inflated size, before exceljs unpacks anything
  } catch (e) {
    if (e instanceof ArchiveRefused) throw new TemplateError([{ cell: 'file', message: `not a readable XLSX workbook: ${e.message}` }]);
    throw e;
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(new Uint8Array(bytes).buffer);
  } catch (e) {
    throw new TemplateError([{ cell: 'file', message: `not a readable XLSX workbook: ${(e as Error).message}` }]);
  }
  const sheets = wb.worksheets.filter((ws) => ws.state !== 'hidden' && ws.state !== 'veryHidden');
  if (!sheets.length) throw new TemplateError([{ cell: 'file', message: 'the workbook has no visible sheet' }]);
  // the sheet with placeholders; the first one when none has any (then refused below for it)
  const ws = sheets.find((s) => sheetHasPlaceholder(s)) ?? sheets[0];
  return { ws, plan: planOf(ws) };
}

function sheetHasPlaceholder(ws: ExcelJS.Worksheet): boolean {
  if (ws.rowCount > LIMITS.sheetRows || ws.columnCount > LIMITS.sheetColumns) return true; // refused by planOf, naming the sheet
  let found = false;
  ws.eachRow((row) => {
    row.eachCell((cell) => {
      if (!found && cell.type !== ExcelJS.ValueType.Merge && text(cell.value)?.includes('{{')) found = true;
    });
  });
  return found;
}

function planOf(ws: ExcelJS.Worksheet): TemplatePlan {
  const problems: TemplateProblem[] = [];
  if (ws.rowCount > LIMITS.sheetRows) throw new TemplateError([{ cell: ws.name, message: `${ws.rowCount} rows, over the limit of ${LIMITS.sheetRows}` }]);
  if (ws.columnCount > LIMITS.sheetColumns) throw new TemplateError([{ cell: ws.name, message: `${ws.columnCount} columns, over the limit of ${LIMITS.sheetColumns}` }]);
  /** row → the placeholders in it, with their cells */
  const rows = new Map<number, { name: string; cell: string }[]>();
  ws.eachRow((row, r) => {
    row.eachCell((cell) => {
      if (cell.type === ExcelJS.ValueType.Merge) return;
      const t = text(cell.value);
      if (t === null || !t.includes('{{') && !t.includes('}}')) return;
      const names = [...t.matchAll(PLACEHOLDER)].map((m) => canonical(m[1]));
      const rest = t.replace(PLACEHOLDER, '');
      if (rest.includes('{{') || rest.includes('}}')) problems.push({ cell: cell.address, message: `an unclosed placeholder in "${t.slice(0, 60)}": write it as {{name}}` });
      for (const name of names) {
        if (!ITEM.has(name) && !SECTION_ONLY.has(name) && !TITLE.has(name)) problems.push({ cell: cell.address, message: `unknown placeholder {{${name}}}; known: ${known()}` });
        else rows.set(r, [...(rows.get(r) ?? []), { name, cell: cell.address }]);
      }
      if (cell.type === ExcelJS.ValueType.Formula) problems.push({ cell: cell.address, message: 'a placeholder inside a formula' });
    });
  });
  const itemRows = [...rows].filter(([, ps]) => ps.some((p) => ITEM.has(p.name) && p.name !== '分类'));
  const categoryOnly = [...rows].filter(([, ps]) => ps.some((p) => p.name === '分类') && !ps.some((p) => ITEM.has(p.name) && p.name !== '分类'));
  if (!itemRows.length) {
    problems.push({ cell: ws.name, message: 'no row to repeat: put item placeholders such as {{序号}} {{事项}} {{责任单位}} {{完成时限}} in one row' });
    throw new TemplateError(problems);
  }
  if (itemRows.length > 1) {
    problems.push({ cell: itemRows.map(([, ps]) => ps[0].cell).join(', '), message: 'item placeholders in more than one row: the repeating row must be one row' });
    throw new TemplateError(problems);
  }
  const [itemRow] = itemRows[0];
  let sectionRow: number | undefined;
  let subtotalRow: number | undefined;
  for (const [r, ps] of categoryOnly) {
    if (r === itemRow - 1) sectionRow = r;
    else if (r !== itemRow + 1) problems.push({ cell: ps.find((p) => p.name === '分类')!.cell, message: `{{分类}} as a section heading must be in the row just above the repeating row (${itemRow - 1}), or a column of the repeating row itself` });
  }
  for (const [r, ps] of rows) {
    for (const p of ps.filter((x) => SECTION_ONLY.has(x.name))) {
      if (r === itemRow + 1 && r !== sectionRow) subtotalRow = r;
      else if (r !== sectionRow) problems.push({ cell: p.cell, message: `{{${p.name}}} is a section count: it goes in the section heading row just above the repeating row, or the subtotal row just below it` });
    }
  }
  if (rows.get(itemRow + 1)?.some((p) => p.name === '分类') && subtotalRow === undefined) subtotalRow = itemRow + 1;
  // a merge may not straddle the repeating block
  const first = sectionRow ?? itemRow;
  const last = subtotalRow ?? itemRow;
  for (const range of mergesOf(ws)) {
    const inBlock = (r: number) => r >= first && r <= last;
    if ((inBlock(range.top) || inBlock(range.bottom) || (range.top < first && range.bottom > last)) && range.top !== range.bottom) {
      problems.push({ cell: range.ref, message: 'a merged range across the repeating rows: merge cells within one of them only' });
    }
  }
  if (problems.length) throw new TemplateError(problems);
  const fields = [...new Set([...rows.values()].flat().map((p) => p.name))];
  return { sheet: ws.name, itemRow, sectionRow, subtotalRow, grouped: sectionRow !== undefined || subtotalRow !== undefined, fields };
}

interface Range {
  ref: string;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function mergesOf(ws: ExcelJS.Worksheet): Range[] {
  const merges = (ws.model as { merges?: string[] }).merges ?? [];
  return merges.map((ref) => {
    const [a, b = a] = ref.split(':');
    const [ca, cb] = [ws.getCell(a), ws.getCell(b)];
    return { ref, top: Number(ca.row), left: Number(ca.col), bottom: Number(cb.row), right: Number(cb.col) };
  });
}

/** The filled workbook: the template sheet with its repeating rows filled, as XLSX bytes. */
export async function fillTemplate(bytes: Buffer, fill: LedgerFill): Promise<Buffer> {
  const { ws: src, plan } = await readTemplate(bytes);
  const out = new ExcelJS.Workbook();
  out.creator = 'dudao';
  const ws = out.addWorksheet(src.name, {
    properties: { ...src.properties },
    pageSetup: { ...src.pageSetup, printArea: undefined },
    headerFooter: src.headerFooter,
    views: src.views,
  });
  const lastCol = Math.max(src.columnCount, 1);
  for (let c = 1; c <= lastCol; c++) {
    const from = src.getColumn(c);
    const to = ws.getColumn(c);
    if (from.width) to.width = from.width;
    if (from.hidden) to.hidden = true;
  }
  const merges = mergesOf(src);
  const first = plan.sectionRow ?? plan.itemRow;
  const last = plan.subtotalRow ?? plan.itemRow;
  let at = 1; // the next output row
  /** Copies template row r to the next output row; a repeated row takes its own merges along. */
  const copy = (r: number, values: (name: string) => Value | undefined, repeated = false) => {
    copyRow(src.getRow(r), ws.getRow(at), lastCol, values);
    if (repeated) for (const m of merges) if (m.top === r && m.bottom === r) ws.mergeCells(at, m.left, at, m.right);
    at++;
  };
  const title = (name: string): Value | undefined => (TITLE.has(name) ? fill.title[name as TitleField] : undefined);
  for (let r = 1; r < first; r++) copy(r, title);
  for (const m of merges) if (m.bottom < first) ws.mergeCells(m.top, m.left, m.bottom, m.right);

  const sections = plan.grouped ? fill.categories.map((c) => ({ category: c, items: fill.items.filter((i) => i.category === c) })).filter((s) => s.items.length) : [{ category: '', items: fill.items }];
  if (fill.items.length + sections.length * 2 + src.rowCount > LIMITS.sheetRows) throw new Error(limitMessage('sheetRows', fill.items.length + src.rowCount));
  let n = 0;
  sections.forEach((s, si) => {
    const section = (name: string): Value | undefined => {
      if (name === '分类') return s.category;
      if (name === '分类序号') return chineseNumber(si + 1);
      if (name === '小计') return s.items.length;
      if (name === '办结数') return s.items.filter((i) => i.closed).length;
      if (name === '超期数') return s.items.filter((i) => i.overdue).length;
      return title(name);
    };
    if (plan.sectionRow) copy(plan.sectionRow, section, true);
    for (const item of s.items) {
      n++;
      copy(plan.itemRow, (name) => (name === '序号' ? n : ITEM.has(name) ? item.values[name as ItemField] : title(name)), true);
    }
    if (plan.subtotalRow) copy(plan.subtotalRow, section, true);
  });
  const shift = at - (last + 1);
  for (let r = last + 1; r <= src.rowCount; r++) copy(r, title);
  for (const m of merges) if (m.top > last) ws.mergeCells(m.top + shift, m.left, m.bottom + shift, m.right);
  return Buffer.from(await out.xlsx.writeBuffer());
}

function copyRow(from: ExcelJS.Row, to: ExcelJS.Row, lastCol: number, values: (name: string) => Value | undefined): void {
  if (from.height) to.height = from.height;
  if (from.hidden) to.hidden = true;
  for (let c = 1; c <= lastCol; c++) {
    const cell = from.getCell(c);
    const dst = to.getCell(c);
    dst.style = structuredClone(cell.style ?? {});
    if (cell.type === ExcelJS.ValueType.Merge) continue; // the range's first cell holds the value
    dst.value = substitute(cell.value, values);
  }
}

/** A cell that is exactly one placeholder takes the value's type (numbers stay numbers); otherwise text is replaced in place. */
function substitute(v: ExcelJS.CellValue, values: (name: string) => Value | undefined): ExcelJS.CellValue {
  const t = text(v);
  if (t === null || !t.includes('{{')) return v;
  const one = /^\{\{([^{}]*)\}\}$/.exec(t.trim());
  const put = (s: string) => s.replace(PLACEHOLDER, (_, name: string) => String(values(canonical(name)) ?? '')).slice(0, CELL_CHARS);
  if (one && (!v || typeof v !== 'object')) {
    const value = values(canonical(one[1]));
    return typeof value === 'number' ? value : String(value ?? '').slice(0, CELL_CHARS);
  }
  if (v && typeof v === 'object' && 'richText' in v) {
    // a placeholder split across runs (as Excel sometimes saves an edited cell) is filled as plain text
    const whole = v.richText.reduce((k, r) => k + [...r.text.matchAll(PLACEHOLDER)].length, 0) === [...t.matchAll(PLACEHOLDER)].length;
    if (whole) return { richText: v.richText.map((r) => ({ ...r, text: put(r.text) })) };
  }
  return put(t);
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1 → 一, 12 → 十二, 25 → 二十五 (section numbers). */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n];
  if (n < 20) return `十${n % 10 ? DIGITS[n % 10] : ''}`;
  if (n < 100) return `${DIGITS[Math.floor(n / 10)]}十${n % 10 ? DIGITS[n % 10] : ''}`;
  return String(n);
}
