import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { ArchiveRefused, checkArchive } from '../archive-check';
import { LIMITS, limitMessage } from '../limits';
import { OrgImportError, type Problem, type Where } from './problems';
import { TABLES, type ParsedOrg, type SourceEntry, type TableName } from './source';

/**
 * Spreadsheets: a header row of field names (English as in the YAML, or the Chinese column names
 * below), one entry per row. List cells split on 、,，; roles read `supervisor:G1:组长; cityLeader`.
 */

const HEADERS: Record<string, string> = {
  code: 'code', 编码: 'code', 代码: 'code', 编号: 'code',
  name: 'name', 名称: 'name', 姓名: 'name', 简称: 'name',
  fullname: 'fullName', 全称: 'fullName',
  aliases: 'aliases', alias: 'aliases', 别名: 'aliases',
  kind: 'kind', 类型: 'kind',
  area: 'area', 片区: 'area',
  chatid: 'chatId', 群聊: 'chatId', 群聊id: 'chatId',
  cityleader: 'cityLeader', 挂钩市领导: 'cityLeader', 市领导: 'cityLeader',
  units: 'units', 挂钩单位: 'units',
  openid: 'openId',
  mobile: 'mobile', 手机: 'mobile', 手机号: 'mobile', 手机号码: 'mobile',
  email: 'email', 邮箱: 'email',
  roles: 'roles', 角色: 'roles',
};
const IGNORED = new Set(['序号', '备注', '说明', 'note', 'notes', 'remark', 'remarks', '#', 'no', 'no.']);
const SHEET_NAMES: Record<string, TableName> = { units: 'units', 单位: 'units', groups: 'groups', 督导组: 'groups', people: 'people', 人员: 'people' };

const headerKey = (h: string): string | null => {
  const k = h.trim().toLowerCase().replace(/[\s_-]/g, '');
  if (!k || IGNORED.has(k)) return null;
  return HEADERS[k] ?? h.trim();
};

/** `supervisor:G1:组长; official:MSZ:联络员; cityLeader` → the role objects the YAML form would give. */
export function parseRolesCell(cell: string): unknown[] {
  return cell
    .split(/[;；,，、\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const bits = part.split(/[:：]/).map((s) => s.trim());
      if (bits.length === 1) return bits[0];
      if (bits.length === 2) return { [bits[0]]: bits[1] };
      if (bits.length === 3) return { [bits[0]]: bits[1], position: bits[2] };
      return part;
    });
}

/** Turns header + rows (cells as text) into entries; `where(i)` places row i. */
function entriesOf(header: string[], rows: { cells: string[]; where: Where }[], problems: Problem[], at: Where): SourceEntry[] {
  const keys = header.map((h) => headerKey(h));
  const seen = new Set<string>();
  keys.forEach((k) => {
    if (k && seen.has(k)) problems.push({ ...at, field: k, message: `列 ${k} 重复 (duplicate column)` });
    if (k) seen.add(k);
  });
  return rows
    .filter((r) => r.cells.some((c) => c.trim()))
    .map((r) => {
      const value: Record<string, unknown> = {};
      keys.forEach((k, i) => {
        const cell = (r.cells[i] ?? '').trim();
        if (!k || !cell) return;
        value[k] = k === 'roles' ? parseRolesCell(cell) : cell;
      });
      return { value, where: r.where };
    });
}

function detectTable(keys: string[], file: string): TableName | undefined {
  const has = (...ks: string[]) => ks.some((k) => keys.includes(k));
  if (has('roles', 'openId', 'mobile', 'email')) return 'people';
  if (has('cityLeader', 'units')) return 'groups';
  if (has('kind', 'fullName', 'aliases', 'area')) return 'units';
  const stem = path.basename(file, path.extname(file)).toLowerCase();
  return TABLES.find((t) => stem.includes(t)) ?? Object.entries(SHEET_NAMES).find(([n]) => stem.includes(n))?.[1];
}

function decode(buffer: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(buffer); // Excel/WPS in China save CSV as GBK
  }
}

export function readCsv(buffer: Buffer, file: string): ParsedOrg {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(decode(buffer), { info: true, relax_column_count: true, skip_empty_lines: true, delimiter: [',', '\t'] }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw new OrgImportError([{ file, ...(line ? { row: line } : {}), message: `CSV 格式错误: ${(e as Error).message}` }]);
  }
  const startLine = (r: (typeof records)[number]) => r.info.lines - r.record.join('').split('\n').length + 1;
  const [head, ...body] = records;
  if (!head) throw new OrgImportError([{ file, message: '文件为空 (empty file)' }]);
  const tooBig = sizeProblem(records.length, records.reduce((m, r) => Math.max(m, r.record.length), 0));
  if (tooBig) throw new OrgImportError([{ file, message: tooBig }]);
  const problems: Problem[] = [];
  const table = detectTable(head.record.map((h) => headerKey(h) ?? ''), file);
  if (!table) throw new OrgImportError([{ file, row: startLine(head), message: '无法从表头识别是 units、groups 还是 people (header row not recognised)' }]);
  const entries = entriesOf(head.record, body.map((r) => ({ cells: r.record, where: { file, row: startLine(r) } })), problems, { file, row: startLine(head) });
  if (problems.length) throw new OrgImportError(problems);
  return { files: [file], tables: { [table]: entries } };
}

/** A sheet or CSV over LIMITS.sheetRows / sheetColumns, named with the value met; null when within. */
function sizeProblem(rows: number, columns: number): string | null {
  if (rows > LIMITS.sheetRows) return limitMessage('sheetRows', rows);
  if (columns > LIMITS.sheetColumns) return limitMessage('sheetColumns', columns);
  return null;
}

export async function readXlsx(buffer: Buffer, file: string): Promise<ParsedOrg> {
  // the archive's inflated size is checked before exceljs unpacks anything
  try {
    await checkArchive(buffer);
  } catch (e) {
    if (e instanceof ArchiveRefused) throw new OrgImportError([{ file, message: `无法读取 XLSX 工作簿: ${e.message}` }]);
    throw e;
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch (e) {
    throw new OrgImportError([{ file, message: `无法读取 XLSX 工作簿: ${(e as Error).message}` }]);
  }
  const out: ParsedOrg = { files: [file], tables: {} };
  const problems: Problem[] = [];
  wb.eachSheet((ws) => {
    const table = SHEET_NAMES[ws.name.trim().toLowerCase()];
    if (!table) return; // other sheets (说明 …) are not data
    if (out.tables[table]) problems.push({ file, sheet: ws.name, message: `${table} 表出现了两次` });
    const tooBig = sizeProblem(ws.rowCount, ws.columnCount);
    if (tooBig) {
      problems.push({ file, sheet: ws.name, message: tooBig });
      return;
    }
    const rows: { cells: string[]; where: Where }[] = [];
    ws.eachRow({ includeEmpty: false }, (row, n) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => (cells[col - 1] = cell.text ?? ''));
      rows.push({ cells: Array.from(cells, (c) => c ?? ''), where: { file, sheet: ws.name, row: n } });
    });
    const h = rows.findIndex((r) => r.cells.some((c) => headerKey(c) === 'code'));
    if (h < 0) {
      problems.push({ file, sheet: ws.name, message: '找不到表头行 (a header row with a code column)' });
      return;
    }
    out.tables[table] = entriesOf(rows[h].cells, rows.slice(h + 1), problems, rows[h].where);
  });
  if (problems.length) throw new OrgImportError(problems);
  if (!Object.keys(out.tables).length) {
    throw new OrgImportError([{ file, message: '工作簿中没有名为 units/单位、groups/督导组、people/人员 的工作表' }]);
  }
  return out;
}
