import { isDispatchHeader, parseBlocks, type ParseProblem } from '../../domain/dispatch';
import type { Part, TableRow } from './read/types';

/**
 * A file's parts → the text the dispatch parser reads (the same parser as a paste), and the way back
 * from the parser's places (第3行 of a table, 第2项 of a list) to the file's (工作表“清单”第5行, 第7段).
 *
 * - A table with a header row of dispatch fields is the order: it is written as tab-separated rows
 *   from that header on (tables with the same header later in the file, e.g. continued on the next
 *   page, join it), and everything else in the file is left out — a preamble is no item.
 * - Otherwise the paragraphs are the order, one line each; a table without such a header adds one line
 *   per row (a two-column 键｜值 table as `键：值`).
 */
export interface Composed {
  text: string;
  mode: 'table' | 'text';
  /** where each line of `text` came from (text mode) */
  lineWhere: string[];
  /** table mode: the parser's 第N行 (rows counted as it counts them) → the file's row; and the header row */
  rowWhere: string[];
  headerWhere?: string;
}

const tsvCell = (c: string) => (/[\t\n"]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
const normHeader = (cells: string[]) => cells.map((c) => c.replace(/\s+/g, '')).join('\t');

function headerRow(rows: TableRow[]): number {
  return rows.findIndex((r) => isDispatchHeader(r.cells.map((c) => c.replace(/\s+/g, ''))));
}

export function compose(parts: Part[]): Composed {
  const tables = parts.filter((p) => p.kind === 'table');
  const first = tables.find((t) => headerRow(t.rows) >= 0);
  if (first) {
    const h = headerRow(first.rows);
    const header = first.rows[h];
    const key = normHeader(header.cells);
    const rows: TableRow[] = first.rows.slice(h + 1);
    for (const t of tables.slice(tables.indexOf(first) + 1)) {
      const th = headerRow(t.rows);
      if (th >= 0 && normHeader(t.rows[th].cells) === key) rows.push(...t.rows.slice(th + 1));
    }
    const width = header.cells.length;
    const lines = [header.cells.map((c) => c.replace(/\s+/g, '')).join('\t')];
    const rowWhere: string[] = [];
    for (const r of rows) {
      // trailing empty cells dropped (a sheet's unused columns); the parser counts a row once it has any text
      const cells = r.cells.slice(0, Math.max(width, lastFilled(r.cells) + 1));
      lines.push(cells.map(tsvCell).join('\t'));
      if (cells.some((c) => c.trim())) rowWhere.push(r.where);
    }
    return { text: lines.join('\n'), mode: 'table', lineWhere: [], rowWhere, headerWhere: header.where };
  }
  const lines: string[] = [];
  const lineWhere: string[] = [];
  for (const p of parts) {
    const texts = p.kind === 'para' ? p.text.split('\n') : p.rows.map((r) => rowLine(r.cells));
    const wheres = p.kind === 'para' ? texts.map(() => p.where) : p.rows.map((r) => r.where);
    texts.forEach((t, i) => {
      if (!t.trim()) return;
      lines.push(t.trim());
      lineWhere.push(wheres[i]);
    });
  }
  return { text: lines.join('\n'), mode: 'text', lineWhere, rowWhere: [] };
}

function lastFilled(cells: string[]): number {
  for (let i = cells.length - 1; i >= 0; i--) if (cells[i].trim()) return i;
  return -1;
}

function rowLine(cells: string[]): string {
  const filled = cells.map((c) => c.replace(/\n/g, ' ').trim()).filter(Boolean);
  return filled.length === 2 ? `${filled[0]}：${filled[1]}` : filled.join(' ');
}

/**
 * The parser's problems with the file's places put first: `第3行：…` of a table becomes
 * `工作表“清单”第5行：…`, `第2项：…` becomes `第2项（第7段）：…`.
 */
export function locateProblems(problems: ParseProblem[], c: Composed, categories: string[]): ParseProblem[] {
  const blockLine = new Map<string, number>();
  if (c.mode === 'text' && problems.some((p) => /^第\d+项$/.test(p.where))) {
    for (const t of parseBlocks(c.text, categories).tasks) if (t.line !== undefined) blockLine.set(t.ref, t.line);
  }
  return problems.map((p) => {
    let where: string | undefined;
    const row = /^第(\d+)行$/.exec(p.where);
    if (c.mode === 'table' && row) where = c.rowWhere[Number(row[1]) - 1];
    else if (c.mode === 'table' && p.where === '表头') where = c.headerWhere && `${c.headerWhere}（表头）`;
    else if (blockLine.has(p.where)) where = `${p.where}（${c.lineWhere[blockLine.get(p.where)!]}）`;
    if (!where) return p;
    const message = p.message.startsWith(`${p.where}：`) ? `${where}：${p.message.slice(p.where.length + 1)}` : p.message;
    return { ...p, where, message };
  });
}
