import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { TASK_SCHEMA_VERSION } from '../../src/adapters/mongo/models/tasks';
import { startHarness, type Harness } from '../support/harness';
import { newTask } from '../support/factories';

/**
 * Exports stream from a cursor into the response and read back whole: the XLSX with exceljs, the CSV
 * with every formula-like cell written as text, times in local time as people read them.
 */
let h: Harness;
const TOKEN = 'test-admin-token-123456';
const get = async (path: string) => {
  const r = await fetch(h.base + path, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: r.status, type: r.headers.get('content-type') ?? '', buf: Buffer.from(await r.arrayBuffer()) };
};

// each kind of cell Excel/WPS would run as a formula, as a title
const HOSTILE = ['=HYPERLINK("http://x","y")', '+1+2', '-3+4', '@SUM(A1)', '\t=1+1', '\r=1+1'];
const ROWS = 1_200; // more than one cursor batch

beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
  const at = new Date('2026-10-14T01:05:45.192Z'); // 09:05 in Asia/Shanghai
  const docs = [
    ...HOSTILE.map((title) => newTask({ title, dispatchedAt: at, state: 'closed', closedAt: new Date('2026-11-02T08:30:00Z') } as never)),
    ...Array.from({ length: ROWS - HOSTILE.length }, (_, i) => newTask({ title: `事项 ${i}`, dispatchedAt: at })),
  ].map((t, i) => {
    const code = `DB-2026-${String(i + 1).padStart(4, '0')}`;
    return { _id: code, ...t, code, year: 2026, seq: i + 1, rev: 1, history: [], owed: [], owedAt: null, schemaVersion: TASK_SCHEMA_VERSION };
  });
  // written straight to the collection: creating 1,200 tasks one by one is not what is tested here
  await h.service.deps.models.tasks.collection.insertMany(docs as never[]);
}, 120_000);
afterAll(() => h.close());

test('CSV: every row, a BOM, local times, and each formula-like cell (= + - @ tab CR) written as text', async () => {
  const r = await get('/api/tasks/export?format=csv');
  expect(r.status).toBe(200);
  expect(r.type).toContain('text/csv');
  expect(r.buf.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const rows = parse(r.buf.toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: false }) as string[][];
  const [header, ...body] = rows;
  expect(header.slice(0, 2)).toEqual(['编号', '事项']);
  expect(body).toHaveLength(ROWS);
  const byCode = new Map(body.map((row) => [row[0], row]));
  HOSTILE.forEach((title, i) => {
    const row = byCode.get(`DB-2026-${String(i + 1).padStart(4, '0')}`)!;
    expect(row[1]).toBe(`'${title}`);
  });
  const first = byCode.get('DB-2026-0001')!;
  expect(first[header.indexOf('派单时间')]).toBe('2026-10-14 09:05');
  expect(first[header.indexOf('办结时间')]).toBe('2026-11-02 16:30');
  expect(r.buf.toString('utf8')).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
}, 60_000);

test('XLSX: the streamed workbook reads back with exceljs, every row, local times', async () => {
  const r = await get('/api/tasks/export?format=xlsx');
  expect(r.status).toBe(200);
  expect(r.type).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.buf as never);
  const ws = wb.worksheets[0];
  expect(ws.name).toBe('督办事项');
  expect(ws.rowCount).toBe(ROWS + 1);
  const header = (ws.getRow(1).values as unknown[]).slice(1);
  expect(header.slice(0, 3)).toEqual(['编号', '事项', '要求']);
  const oldest = ws.getRow(ROWS + 1); // newest first
  expect(oldest.getCell(1).value).toBe('DB-2026-0001');
  expect(oldest.getCell(2).value).toBe(HOSTILE[0]); // a cell, not a formula
  expect(oldest.getCell(header.indexOf('派单时间') + 1).value).toBe('2026-10-14 09:05');
  expect(oldest.getCell(header.indexOf('进度') + 1).value).toBe(0);
}, 60_000);

test('filters, limit and offset hold for a streamed export', async () => {
  const r = await get('/api/tasks/export?format=csv&state=closed&limit=3&offset=1');
  const [, ...body] = parse(r.buf.toString('utf8').replace(/^\uFEFF/, '')) as string[][];
  expect(body.map((row) => row[0])).toEqual(['DB-2026-0005', 'DB-2026-0004', 'DB-2026-0003']);
});
