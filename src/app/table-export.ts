import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { localParts } from '../domain/time';

/**
 * Lists as spreadsheets (CSV or XLSX) for 纪委/审计 and the admins, streamed: rows are read from a
 * cursor (or any iterable) and written straight into the response, so a 100,000-row export holds a
 * batch of rows in memory, never the file. Times are local time as people read them. CSV cells that
 * Excel/WPS would run as a formula (a leading = + - @, tab or carriage return) are written as text
 * (csv-stringify's `escape_formulas`).
 */
export type Column<T> = [header: string, value: (row: T) => string | number];
export type Rows<T> = AsyncIterable<T> | Iterable<T>;
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-10-14 09:05:45` (or `2026-10-14 09:05` with `minutes`) in `tz`; '' for no time. */
export function localStamp(at: Date | undefined | null, tz: string, precision: 'seconds' | 'minutes' = 'seconds'): string {
  if (!at) return '';
  const p = localParts(at, tz);
  const hm = `${p.date} ${pad(p.hour)}:${pad(p.minute)}`;
  return precision === 'minutes' ? hm : `${hm}:${pad(p.second)}`;
}

async function* records<T>(columns: Column<T>[], rows: Rows<T>): AsyncGenerator<(string | number)[]> {
  yield columns.map(([h]) => h);
  for await (const r of rows) yield columns.map(([, f]) => f(r));
}

/** CSV with a BOM (Excel opens UTF-8 correctly) and CRLF line ends, into `out`. */
export async function writeCsv<T>(columns: Column<T>[], rows: Rows<T>, out: Writable): Promise<void> {
  await pipeline(Readable.from(records(columns, rows)), stringify({ bom: true, record_delimiter: '\r\n', escape_formulas: true }), out);
}

export interface SheetSpec<T> {
  name: string;
  columns: Column<T>[];
  rows: Rows<T>;
  widths?: number[];
}

/**
 * A sheet of any row type, for a workbook of several: its rows become their cells as they are read
 * (once per reading), and each column reads its cell back.
 */
export function sheet<T>(s: SheetSpec<T>): SheetSpec<unknown> {
  const rows: AsyncIterable<unknown> = {
    [Symbol.asyncIterator]: async function* () {
      for await (const r of s.rows) yield s.columns.map(([, f]) => f(r));
    },
  };
  const columns = s.columns.map(([header], i): Column<unknown> => [header, (cells) => (Array.isArray(cells) ? cells[i] : '')]);
  return { name: s.name, columns, rows, widths: s.widths };
}

/** An XLSX of one or more sheets written by exceljs's streaming writer: each row is committed as it comes. */
export async function writeXlsx(sheets: SheetSpec<unknown>[], out: Writable): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    ws.columns = s.columns.map(([header], i) => ({ header, width: s.widths?.[i] ?? 18 }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    for await (const r of s.rows) ws.addRow(s.columns.map(([, f]) => f(r))).commit();
    ws.commit();
  }
  await wb.commit();
}

/** What `sendTable` needs of an HTTP response (a Koa context is one). */
export interface TableResponse {
  type: string;
  body: unknown;
  attachment(filename: string): void;
}

/**
 * Answers with the table as a download, streaming. Headers go first; a failure mid-way (the database
 * gone) ends the download early and is logged, since the status line has already been sent.
 */
export function sendTable<T>(ctx: TableResponse, o: { name: string; format: 'csv' | 'xlsx'; sheet: string; columns: Column<T>[]; rows: Rows<T>; widths?: number[]; more?: SheetSpec<unknown>[] }, onError: (e: unknown) => void): void {
  const body = new PassThrough();
  ctx.type = o.format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE;
  ctx.attachment(`${o.name}.${o.format}`);
  ctx.body = body;
  const written =
    o.format === 'csv' ? writeCsv(o.columns, o.rows, body) : writeXlsx([sheet({ name: o.sheet, columns: o.columns, rows: o.rows, widths: o.widths }), ...(o.more ?? [])], body);
  written.catch((e) => {
    onError(e);
    body.destroy(e as Error);
  });
}
