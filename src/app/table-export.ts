import ExcelJS from 'exceljs';
import { localParts } from '../domain/time';

/**
 * A list as a spreadsheet (CSV or XLSX) for 纪委/审计: named columns over rows, times in local time as
 * people read them. CSV cells that would start a formula in Excel/WPS are quoted as text.
 */
export type Column<T> = [header: string, value: (row: T) => string | number];

const pad = (n: number) => String(n).padStart(2, '0');
export function localStamp(at: Date | undefined, tz: string): string {
  if (!at) return '';
  const p = localParts(at, tz);
  return `${p.date} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

function cell(v: string | number): string {
  const s = String(v);
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv<T>(columns: Column<T>[], rows: T[]): string {
  const lines = [columns.map(([h]) => cell(h)).join(',')];
  for (const r of rows) lines.push(columns.map(([, f]) => cell(f(r))).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n'; // BOM: Excel opens UTF-8 correctly
}

export async function toXlsx<T>(sheet: string, columns: Column<T>[], rows: T[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  ws.addRow(columns.map(([h]) => h)).font = { bold: true };
  for (const r of rows) ws.addRow(columns.map(([, f]) => f(r)));
  ws.columns.forEach((c) => (c.width = 18));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
