import WordExtractor from 'word-extractor';
import type { Part, ReadResult } from './types';

/**
 * An old Word .doc (or a WPS .wps in the same binary format): its body text, one paragraph per line.
 * The binary format marks a table cell's end with the same character as a tab, so a table comes out
 * as tab-separated lines, which the dispatch parser reads as a table when it has a header row. Lines
 * of cells that follow each other are the rows of one table (checked with a .doc LibreOffice saved:
 * test/fixtures/files/notice.doc).
 */
export async function readDoc(bytes: Buffer, format: 'doc' | 'wps'): Promise<ReadResult> {
  const doc = await new WordExtractor().extract(bytes);
  const parts: Part[] = [];
  let n = 0;
  let tables = 0;
  for (const line of doc.getBody().split('\n')) {
    n++;
    const text = line.trim(); // trailing tabs are a table row's end mark
    if (!text) continue;
    if (!text.includes('\t')) {
      parts.push({ kind: 'para', text, where: `第${n}段` });
      continue;
    }
    const last = parts.at(-1);
    const table = last?.kind === 'table' ? last : undefined;
    if (!table) tables++;
    const row = { cells: text.split('\t'), where: `第${tables}个表格第${(table?.rows.length ?? 0) + 1}行` };
    if (table) table.rows.push(row);
    else parts.push({ kind: 'table', where: `第${tables}个表格`, rows: [row] });
  }
  return { ok: true, format, parts };
}
