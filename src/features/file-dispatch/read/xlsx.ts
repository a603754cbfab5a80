import ExcelJS from 'exceljs';
import { isDispatchHeader } from '../../../domain/dispatch';
import { LIMITS, limitMessage } from '../../../limits';
import type { ReadResult, TableRow } from './types';

/** The rows looked at for a header (a title row or two and a blank line may come first). */
const HEADER_SEARCH_ROWS = 20;
const PREFERRED_SHEET = /派单|督办|任务|清单|事项/;

/** 2026-12-15 as Excel stores dates (a UTC midnight) → 2026年12月15日, which the deadline reader knows. */
const dateText = (d: Date) => `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return dateText(v);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    if ('error' in v) return '';
  }
  return String(v);
}

/**
 * An Excel .xlsx 清单: the sheet whose header row names dispatch fields (of several, the one whose
 * name says 派单/督办/清单…, else the first), read from the header row down. A cell merged across
 * rows gives its value to each row (the same unit for three items); one merged across columns (a
 * section title) only to its first column.
 */
export async function readXlsx(bytes: Buffer, name: string): Promise<ReadResult> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(bytes).buffer);
  const found: { ws: ExcelJS.Worksheet; header: number }[] = [];
  for (const ws of wb.worksheets) {
    for (let r = 1; r <= Math.min(ws.rowCount, HEADER_SEARCH_ROWS); r++) {
      const cells = (ws.getRow(r).values as ExcelJS.CellValue[]).slice(1).map(cellText);
      if (isDispatchHeader(cells)) {
        found.push({ ws, header: r });
        break;
      }
    }
  }
  if (!found.length) {
    return { ok: false, message: `《${name}》的工作表中没有找到表头行：请在表格首行写明“事项”“责任单位”“完成时限”等列名（共 ${wb.worksheets.length} 个工作表）。` };
  }
  const { ws, header } = found.find((f) => PREFERRED_SHEET.test(f.ws.name)) ?? found[0];
  if (ws.rowCount > LIMITS.sheetRows) return { ok: false, message: `工作表“${ws.name}”${limitMessage('sheetRows', ws.rowCount, '行数')}，请分批派发。` };
  if (ws.columnCount > LIMITS.sheetColumns) return { ok: false, message: `工作表“${ws.name}”${limitMessage('sheetColumns', ws.columnCount, '列数')}。` };
  const width = ws.columnCount;
  const rows: TableRow[] = [];
  for (let r = header; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) {
      const cell = row.getCell(c);
      // a merged cell's followers report the master's value: keep it only below the master, not beside it
      cells.push(cell.isMerged && cell.master !== cell && cell.master.row === cell.row ? '' : cellText(cell.isMerged ? cell.master.value : cell.value).trim());
    }
    rows.push({ cells, where: `工作表“${ws.name}”第${r}行` });
  }
  const others = found.length > 1 ? `（共 ${found.length} 个工作表有表头，读取的是“${ws.name}”）` : undefined;
  return { ok: true, format: 'xlsx', parts: [{ kind: 'table', where: `工作表“${ws.name}”`, rows }], ...(others ? { note: others } : {}) };
}
