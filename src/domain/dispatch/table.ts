import { fieldKind, normKey } from './fields';
import { limitMessage, overLimit } from '../../limits';
import { count, type Steps } from './steps';
import { numbering } from './text';
import type { FieldKind, ParseProblem, RawField, RawParse, RawTask } from './types';

/** Rows of tab-separated cells as Excel/WPS/Word copy them: a quoted cell may hold tabs, line breaks and "" escapes. */
export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (atStart && ch === '"') {
      const close = closingQuote(text, i + 1);
      if (close > 0) {
        cell += text.slice(i + 1, close).replace(/""/g, '"');
        i = close;
        atStart = false;
        continue;
      }
    }
    if (ch === '\t' || ch === '\n') {
      row.push(cell);
      cell = '';
      atStart = true;
      if (ch === '\n') {
        rows.push(row);
        row = [];
      }
    } else {
      cell += ch;
      atStart = false;
    }
  }
  row.push(cell);
  rows.push(row);
  return rows;
}

/** Index of the quote that closes a quoted cell opened before `from`, or -1 (then the quote is literal). */
function closingQuote(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] !== '"') continue;
    if (text[j + 1] === '"') {
      j++;
      continue;
    }
    return j + 1 === text.length || text[j + 1] === '\t' || text[j + 1] === '\n' ? j : -1;
  }
  return -1;
}

/** `| a | b |` or `a | b`, with `\|` escapes and `<br>` line breaks. */
function pipeCells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.replace(/\\\|/g, '|').replace(/<br\s*\/?>/gi, '\n').trim());
}

const SEPARATOR_ROW = /^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$/;

/** `完成时限（必填）` → 完成时限 (from the first bracket, when the cell ends with one) */
function headerKey(cell: string): string {
  const key = normKey(cell);
  const open = key.indexOf('(');
  return open >= 0 && key.endsWith(')') ? key.slice(0, open) : key;
}
const headerKind = (cell: string): FieldKind | undefined => fieldKind(headerKey(cell));

/** A header row: at least two cells name dispatch fields (事项, 责任单位, 完成时限 …). */
export function isHeader(cells: string[]): boolean {
  return cells.filter((c) => {
    const k = headerKind(c);
    return k && k !== 'ignored';
  }).length >= 2;
}

const REQUIRED: { kinds: FieldKind[]; name: string }[] = [
  { kinds: ['title'], name: '事项' },
  { kinds: ['lead', 'leadPrimary'], name: '责任单位' },
  { kinds: ['deadline'], name: '完成时限' },
];

/**
 * A paste whose lines are cells separated by TABs or `|`, under a header row of field keys (docs/rules.md#tables): one task
 * per row. undefined when there is no such header (then it is read as blocks).
 */
export function parseTable(text: string, categories: string[], steps?: Steps): RawParse | undefined {
  const lines = text.split('\n');
  count(steps, text.length);
  const h = lines.findIndex((l) => (l.includes('\t') && isHeader(l.split('\t'))) || (l.includes('|') && isHeader(pipeCells(l))));
  if (h < 0) return undefined;
  const pipe = !lines[h].includes('\t');
  const rows = pipe
    ? lines.slice(h).filter((l) => l.includes('|') && !SEPARATOR_ROW.test(l.trim())).map(pipeCells)
    : parseTsv(lines.slice(h).join('\n'));
  const header = rows[0].map((c) => ({ key: headerKey(c), kind: headerKind(c) }));
  const problems: ParseProblem[] = [];
  for (const r of REQUIRED) {
    if (!header.some((c) => c.kind && r.kinds.includes(c.kind))) {
      problems.push({ where: '表头', message: `表头：表格缺少“${r.name}”列，请在表头加上“${r.name}”列后再发`, example: [...header.map((c) => c.key).filter(Boolean), r.name].join('\t') });
    }
  }
  if (problems.length) return { tasks: [], problems };
  const titleCol = header.findIndex((c) => c.kind === 'title');
  const tasks: RawTask[] = [];
  let rowNo = 0;
  let headingCategory: string | undefined;
  for (const cells of rows.slice(1)) {
    count(steps, cells.length);
    if (overLimit('sheetColumns', cells.length)) {
      rowNo++;
      problems.push({ where: `第${rowNo}行`, message: `第${rowNo}行：${limitMessage('sheetColumns', cells.length)}，请检查是否有单元格错位` });
      continue;
    }
    const filled = cells.map((c, i) => ({ i, v: c.trim() })).filter((c) => c.v);
    if (!filled.length) continue;
    rowNo++;
    const ref = `第${rowNo}行`;
    // a merged section row (一、重点项目) or a lone 序号: not a task
    if (filled.length === 1 && (filled[0].i !== titleCol || (titleCol === 0 && numbering(filled[0].v)?.level === 1))) {
      headingCategory = categories.find((c) => c !== '其他' && filled[0].v.includes(c)) ?? headingCategory;
      continue;
    }
    const extra = filled.filter((c) => c.i >= header.length);
    if (extra.length) {
      problems.push({ where: ref, message: `${ref}：比表头多出内容“${extra[0].v}”，请检查是否有单元格错位` });
    }
    const fields: RawField[] = [];
    header.forEach((col, i) => {
      if (col.kind) fields.push({ kind: col.kind, key: col.key, value: (cells[i] ?? '').trim() });
    });
    tasks.push({ ref, form: 'table', fields, ...(headingCategory ? { headingCategory } : {}) });
  }
  return { tasks, problems };
}
