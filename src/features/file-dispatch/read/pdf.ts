import { extractTextItems, getDocumentProxy } from 'unpdf';
import { isDispatchHeader } from '../../../domain/dispatch';
import { LIMITS, limitMessage } from '../../../limits';
import { noTextLayer } from './messages';
import type { Part, ReadResult, TableRow } from './types';

/**
 * A text PDF. Text comes as positioned pieces; pieces on one baseline make a line, and a wide gap
 * splits a line into segments. A line whose segments form a dispatch header row (事项, 责任单位,
 * 完成时限 …) starts a table: its segments' left edges are the columns, each later line's segments
 * fall into the column they start in, a line with one segment right of the first column continues the
 * cell above (wrapped text), and the table goes on across pages until a plain line. This recovers
 * ruled and unruled tables drawn in the usual way; what it cannot (no header, columns that overlap)
 * is read line by line, and the answer says so.
 */
interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Segment {
  x: number;
  text: string;
}

interface Line {
  page: number;
  no: number; // line on its page, from the top
  segments: Segment[];
}

const SAME_LINE = 3; // points between baselines still read as one line
const COLUMN_SLACK = 8; // points a cell's text may start left of its column's header

function pageLines(items: Item[], page: number): Line[] {
  const pieces = items.filter((i) => i.str.trim()).sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: Item[][] = [];
  for (const it of pieces) {
    const row = rows[rows.length - 1];
    if (row && Math.abs(row[0].y - it.y) <= SAME_LINE) row.push(it);
    else rows.push([it]);
  }
  return rows.map((row, i) => {
    row.sort((a, b) => a.x - b.x);
    const segments: Segment[] = [];
    let end = -Infinity;
    for (const it of row) {
      const gap = Math.max(12, (it.height || 10) * 1.2);
      const last = segments[segments.length - 1];
      if (last && it.x - end < gap) last.text += it.str;
      else segments.push({ x: it.x, text: it.str });
      end = it.x + it.width;
    }
    for (const s of segments) s.text = s.text.trim();
    return { page, no: i + 1, segments };
  });
}

function column(starts: number[], x: number): number {
  let c = 0;
  for (let i = 0; i < starts.length; i++) if (x >= starts[i] - COLUMN_SLACK) c = i;
  return c;
}

export async function readPdf(bytes: Buffer, name: string): Promise<ReadResult> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  // counted from the document's page tree, before any page's text is read
  if (pdf.numPages > LIMITS.pdfPages) return { ok: false, message: `${limitMessage('pdfPages', pdf.numPages)}，请只发送含督办事项的页面。` };
  const { items } = await extractTextItems(pdf);
  const lines = items.flatMap((page, p) => pageLines(page as Item[], p + 1));
  if (!lines.some((l) => l.segments.some((s) => s.text))) return { ok: false, message: noTextLayer(name) };
  const parts: Part[] = [];
  let tableNo = 0;
  let table: { starts: number[]; rows: TableRow[]; header: string } | null = null;
  let tabular = 0;
  for (const line of lines) {
    const texts = line.segments.map((s) => s.text);
    if (texts.length > 1) tabular++;
    if (texts.length > 1 && isDispatchHeader(texts)) {
      const header = texts.join('\t');
      if (table && table.header === header) continue; // the header repeated on the next page
      table = { starts: line.segments.map((s) => s.x), rows: [], header };
      parts.push({ kind: 'table', where: `第${line.page}页的表格`, rows: table.rows });
      tableNo++;
    }
    if (table && texts.length > 1) {
      const cells = table.starts.map(() => '');
      for (const s of line.segments) {
        const c = column(table.starts, s.x);
        cells[c] = cells[c] ? `${cells[c]} ${s.text}` : s.text;
      }
      table.rows.push({ cells, where: `第${line.page}页第${line.no}行` });
      continue;
    }
    if (table && texts.length === 1 && table.rows.length > 1 && line.segments[0].x >= table.starts[1] - COLUMN_SLACK) {
      const last = table.rows[table.rows.length - 1];
      const c = column(table.starts, line.segments[0].x);
      last.cells[c] = last.cells[c] ? `${last.cells[c]}${texts[0]}` : texts[0];
      continue;
    }
    table = null;
    parts.push({ kind: 'para', text: texts.join(' '), where: `第${line.page}页第${line.no}行` });
  }
  const note = !tableNo && tabular >= 2 ? 'PDF 中像表格的内容没有可识别的表头（事项、责任单位、完成时限等），已按文字逐行读取；如结果不对，请发送 Word 或 Excel 原件。' : undefined;
  return { ok: true, format: 'pdf', parts, pages: pdf.numPages, ...(note ? { note } : {}) };
}
