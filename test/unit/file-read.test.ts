import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parseDispatch, type DraftTask } from '../../src/domain/dispatch';
import { compose, locateProblems } from '../../src/features/file-dispatch/compose';
import { readFile } from '../../src/features/file-dispatch/read/read';
import { readInWorker } from '../../src/features/file-dispatch/read-in-worker';
import type { ReadResult } from '../../src/features/file-dispatch/read/types';
import { ctx } from '../fixtures/dispatch/org';
import { NOTICE_ITEMS, noticeDocxBlocks, noticeDocxTable, noticeXlsx, pastedBlocks, pastedTable } from '../support/notice-files';

const FIXTURES = path.join(__dirname, '../fixtures/files');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));

/** What the parser makes of a file, without the refs (a table's 第N行 and a list's 第N项 name the same items). */
function drafts(r: ReadResult): Omit<DraftTask, 'ref'>[] {
  if (!r.ok) throw new Error(r.message);
  const parsed = parseDispatch(compose(r.parts).text, ctx());
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.tasks.map(({ ref: _ref, ...t }) => t);
}
function pasted(text: string): Omit<DraftTask, 'ref'>[] {
  const parsed = parseDispatch(text, ctx());
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.tasks.map(({ ref: _ref, ...t }) => t);
}

describe('reading a notice file gives the same items as pasting its text', () => {
  it('a .docx whose items are a table under a header row (preamble and signature left out)', async () => {
    expect(drafts(await readFile(await noticeDocxTable(), '通知.docx'))).toEqual(pasted(pastedTable()));
  });

  it('a .docx whose items are Word-numbered paragraphs (the numbering is restored)', async () => {
    const r = await readFile(await noticeDocxBlocks(), '通知.docx');
    expect(drafts(r)).toEqual(pasted(pastedBlocks()));
    expect(r.ok && compose(r.parts).text).toContain('3. 河道保洁整治');
  });

  it('an .xlsx 清单: the sheet with the header row, below a merged title row', async () => {
    expect(drafts(await readFile(await noticeXlsx(), '清单.xlsx'))).toEqual(pasted(pastedTable()));
  });

  it('a text PDF (test/fixtures/files/notice.pdf): the table recovered from positioned text, across two pages', async () => {
    // pdf.js is an ES module, which jest's CommonJS runtime cannot import: PDFs are read in the worker, as in service
    const r = await readInWorker(fixture('notice.pdf'), '通知.pdf');
    expect(r).toMatchObject({ ok: true, format: 'pdf', pages: 2 });
    expect(drafts(r)).toEqual(pasted(pastedTable()));
  });

  it('runs in a worker thread with the same answer', async () => {
    expect(drafts(await readInWorker(await noticeXlsx(), '清单.xlsx'))).toEqual(pasted(pastedTable()));
  });
});

describe('every problem is named where it is in the file', () => {
  it('an unknown unit names the sheet row', async () => {
    const items = [...NOTICE_ITEMS.slice(0, 2), { title: '河道保洁整治', unit: '火星局', deadline: '12月25日前' }];
    const r = await readFile(await noticeXlsx(items), '清单.xlsx');
    if (!r.ok) throw new Error(r.message);
    const c = compose(r.parts);
    const parsed = parseDispatch(c.text, ctx());
    if (parsed.ok) throw new Error('expected a refusal');
    const located = locateProblems(parsed.problems, c, ctx().categories);
    expect(located).toHaveLength(1);
    expect(located[0].where).toBe('工作表“督办清单”第6行');
    expect(located[0].message).toMatch(/^工作表“督办清单”第6行：.*火星局/);
  });

  it('a numbered item with a missing unit names its paragraph', async () => {
    const items = NOTICE_ITEMS.map((t, i) => (i === 1 ? { ...t, unit: '' } : t));
    const r = await readFile(await noticeDocxBlocks(items), '通知.docx');
    if (!r.ok) throw new Error(r.message);
    const c = compose(r.parts);
    const parsed = parseDispatch(c.text, ctx());
    if (parsed.ok) throw new Error('expected a refusal');
    const located = locateProblems(parsed.problems, c, ctx().categories);
    expect(located.map((p) => p.where)).toEqual(['第2项（第6段）']);
  });

  it('a table row in a .docx names the table and row', async () => {
    const items = NOTICE_ITEMS.map((t, i) => (i === 0 ? { ...t, deadline: '尽快' } : t));
    const r = await readFile(await noticeDocxTable(items), '通知.docx');
    if (!r.ok) throw new Error(r.message);
    const c = compose(r.parts);
    const parsed = parseDispatch(c.text, ctx());
    if (parsed.ok) throw new Error('expected a refusal');
    expect(locateProblems(parsed.problems, c, ctx().categories).map((p) => p.where)).toEqual(['第1个表格第2行']);
  });
});

describe('files that cannot be read say what to send instead', () => {
  it('a scanned PDF (no text layer) gets the honest answer', async () => {
    const r = await readInWorker(fixture('scan.pdf'), '扫描件.pdf');
    expect(r).toEqual({ ok: false, message: expect.stringContaining('没有文字层') });
  });

  it('an image', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect(await readFile(png, '通知.png')).toEqual({ ok: false, message: expect.stringContaining('没有文字层') });
  });

  it.each(['清单.xls', '清单.et'])('a real %s (old binary format) gets the save-as answer', async (name) => {
    const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]);
    expect(await readFile(ole, name)).toEqual({ ok: false, message: expect.stringContaining('请另存为 .xlsx 后重新发送') });
  });

  it('a .wps the library cannot read asks for a .docx', async () => {
    const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]);
    expect(await readFile(ole, '通知.wps')).toEqual({ ok: false, message: expect.stringContaining('另存为 .docx') });
  });

  it('an .xlsx without a header row names what is missing', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['随便写点什么']);
    const r = await readFile(Buffer.from(await wb.xlsx.writeBuffer()), '表.xlsx');
    expect(r).toEqual({ ok: false, message: expect.stringContaining('没有找到表头行') });
  });

  it('a zip bomb dressed as .docx is refused before it is unpacked', async () => {
    const r = await readFile(Buffer.from('504b0304', 'hex'), '通知.docx');
    expect(r.ok).toBe(false);
  });
});
