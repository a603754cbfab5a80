/** The 台账 template (docs/architecture.md#the-ledger): filled with exceljs, read back with exceljs. */
import ExcelJS from 'exceljs';
import { defaultTemplate } from '../../src/features/ledger/default-template';
import { sampleTemplate, SAMPLE_WIDTHS } from '../../src/features/ledger/sample-template';
import { fillTemplate, readTemplate, TemplateError, type ItemField, type LedgerFill, type LedgerItem } from '../../src/features/ledger/template';

const CATS = ['重点项目', '问题整改', '信访'];
function items(n: number): LedgerItem[] {
  return Array.from({ length: n }, (_, i) => {
    const values = { 序号: 0, 编号: `DB-2026-${String(i + 1).padStart(4, '0')}`, 事项: `事项${i + 1}`, 工作要求: '', 分类: CATS[i % 3], 来源: '日常督导', 责任单位: `单位${i % 7}`, 配合单位: i % 2 ? '市住建局、市财政局' : '', 派发日期: '2026年10月8日', 完成时限: '2026年10月31日', 进度: '50%', 进展情况: `10月${(i % 28) + 1}日：第${i + 1}项进展`, 完成情况: i % 5 === 0 ? '按期办结' : '办理中', 办结日期: '', 灯: '绿灯（剩 5 个工作日）', 备注: '' } satisfies Record<ItemField, string | number>;
    return { category: CATS[i % 3], values, closed: i % 5 === 0, overdue: i % 10 === 3 };
  });
}
const fill = (n: number): LedgerFill => ({ title: { 督导组: '第一督导组', 月份: '2026年10月', 截至日期: '2026年10月31日', 总数: n }, categories: CATS, items: items(n) });
async function load(buf: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb.worksheets[0];
}
const merges = (ws: ExcelJS.Worksheet) => [...((ws.model as { merges?: string[] }).merges ?? [])].sort();
const problemsOf = async (buf: Buffer) => {
  try {
    await readTemplate(buf);
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return (e as TemplateError).problems;
  }
  throw new Error('expected the template to be refused');
};
async function workbook(build: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('台账'));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('the sample template: a two-row merged header, category sections with subtotals, a title', () => {
  let ws: ExcelJS.Worksheet;
  beforeAll(async () => {
    ws = await load(await fillTemplate(await sampleTemplate(), fill(50)));
  });

  test('title and header rows kept, title fields filled', () => {
    expect(ws.name).toBe('重点事项台账');
    expect(ws.getCell('A1').value).toBe('第一督导组重点督办事项推进情况台账');
    expect(ws.getCell('A1').font).toMatchObject({ name: '方正小标宋简体', size: 20, bold: true });
    expect(ws.getCell('F2').value).toBe('截至日期：2026年10月31日');
    expect(ws.getCell('C3').value).toBe('责任单位');
    expect(ws.getCell('D4').value).toBe('配合单位');
    expect(ws.getCell('F3').fill).toMatchObject({ fgColor: { argb: 'FFFCE4D6' } });
    expect(SAMPLE_WIDTHS.map((_, i) => ws.getColumn(i + 1).width)).toEqual(SAMPLE_WIDTHS);
  });

  test('three sections of 17, 17 and 16 items, numbered 1–50 throughout, each with its subtotal', () => {
    // rows: 1–4 header; per section: heading, items, subtotal; then the footnote
    const sections = [17, 17, 16];
    let r = 5;
    let n = 0;
    sections.forEach((count, si) => {
      expect(ws.getCell(r, 1).value).toBe(`${['一', '二', '三'][si]}、${CATS[si]}（共 ${count} 项）`);
      expect(ws.getCell(r, 1).font).toMatchObject({ bold: true });
      for (let k = 1; k <= count; k++) {
        n++;
        const row = ws.getRow(r + k);
        expect(row.getCell(1).value).toBe(n);
        expect(row.getCell(2).value).toMatch(/^事项\d+$/);
        expect(row.getCell(6).value).toMatch(/^10月\d+日：第\d+项进展$/);
        expect(row.getCell(2).alignment).toMatchObject({ wrapText: true });
        expect(row.getCell(9).border).toMatchObject({ top: { style: 'thin' } });
      }
      const first = Number(String(ws.getCell(r + 1, 2).value).slice(2));
      expect((first - 1) % 3).toBe(si);
      const subtotal = ws.getRow(r + count + 1);
      expect(subtotal.getCell(1).value).toBe('小计');
      expect(subtotal.getCell(3).value).toMatch(new RegExp(`^${CATS[si]}共 ${count} 项，已办结 \\d+ 项，超期 \\d+ 项$`));
      r += count + 2;
    });
    expect(ws.getCell(r, 1).value).toBe('注：预警中红灯为已超期事项，黄灯为临近时限或进度滞后事项；本表共 50 项。');
    expect(ws.getCell(r, 1).font).toMatchObject({ italic: true, size: 10 });
    expect(ws.rowCount).toBe(r);
  });

  test('merges: the header as in the template, each section heading and subtotal its own, the footnote moved down', () => {
    const m = merges(ws);
    for (const h of ['A1:I1', 'A2:E2', 'F2:I2', 'A3:A4', 'B3:B4', 'C3:D3', 'E3:E4', 'F3:H3', 'I3:I4']) expect(m).toContain(h);
    const headings = [5, 5 + 19, 5 + 38];
    for (const h of headings) expect(m).toContain(`A${h}:I${h}`);
    for (const s of [5 + 18, 5 + 37, 5 + 55]) expect(m).toEqual(expect.arrayContaining([`A${s}:B${s}`, `C${s}:I${s}`]));
    expect(m).toContain(`A${5 + 56}:I${5 + 56}`);
    expect(m).toHaveLength(9 + 3 + 6 + 1);
  });
});

test('the built-in default template: grouped, with a title, before any upload', async () => {
  const { plan } = await readTemplate(await defaultTemplate());
  expect(plan).toMatchObject({ itemRow: 5, sectionRow: 4, grouped: true });
  const ws = await load(await fillTemplate(await defaultTemplate(), fill(5)));
  expect(ws.getCell('A1').value).toBe('第一督导组督办事项工作台账');
  expect(ws.getRow(3).values).toEqual([undefined, '序号', '督办事项', '责任单位', '配合单位', '完成时限', '进展情况', '完成情况', '备注']);
  expect(ws.getCell('A4').value).toBe('一、重点项目（2 项，已办结 1 项）');
  expect(ws.getCell('A5').value).toBe(1);
  expect(ws.getCell('B5').value).toBe('事项1');
  expect(ws.getCell('B6').value).toBe('事项4');
  expect(ws.getCell('A7').value).toBe('二、问题整改（2 项，已办结 0 项）');
});

test('an ungrouped template (no section row): one block, numbered in order; a placeholder in a rich-text run keeps its font', async () => {
  const buf = await workbook((ws) => {
    ws.getCell('A1').value = { richText: [{ text: '台账 ', font: { size: 9 } }, { text: '{{督导组}}', font: { bold: true, size: 14 } }] };
    ws.getRow(2).values = ['序号', '事项', '分类'];
    ws.getRow(3).values = ['{{序号}}', '{{事项}}', '{{分类}}'];
  });
  const ws = await load(await fillTemplate(buf, fill(4)));
  expect(ws.getCell('A1').value).toEqual({ richText: [{ text: '台账 ', font: { size: 9 } }, { text: '第一督导组', font: { bold: true, size: 14 } }] });
  expect([3, 4, 5, 6].map((r) => ws.getCell(r, 2).value)).toEqual(['事项1', '事项2', '事项3', '事项4']);
  expect(ws.getCell('C4').value).toBe('问题整改');
});

describe('bad templates are refused, naming the cell', () => {
  test('an unknown placeholder, and an unclosed one', async () => {
    const problems = await problemsOf(
      await workbook((ws) => {
        ws.getRow(1).values = ['{{序号}}', '{{事情}}', '{{事项}}', '{{备注'];
      }),
    );
    expect(problems).toEqual([
      { cell: 'B1', message: expect.stringContaining('unknown placeholder {{事情}}') },
      { cell: 'D1', message: expect.stringContaining('unclosed placeholder') },
    ]);
  });

  test('no repeating row', async () => {
    const problems = await problemsOf(await workbook((ws) => (ws.getCell('A1').value = '{{督导组}}台账')));
    expect(problems).toEqual([{ cell: '台账', message: expect.stringContaining('no row to repeat') }]);
  });

  test('item placeholders in two rows, a section count outside a section row, a merge across the repeating row', async () => {
    expect(await problemsOf(await workbook((ws) => ((ws.getCell('A2').value = '{{事项}}'), (ws.getCell('B4').value = '{{责任单位}}'))))).toEqual([{ cell: 'A2, B4', message: expect.stringContaining('more than one row') }]);
    const problems = await problemsOf(
      await workbook((ws) => {
        ws.getCell('A1').value = '共 {{小计}} 项';
        ws.getCell('A3').value = '{{事项}}';
        ws.mergeCells('B2:B3');
      }),
    );
    expect(problems).toEqual([
      { cell: 'A1', message: expect.stringContaining('{{小计}} is a section count') },
      { cell: 'B2:B3', message: expect.stringContaining('merged range across the repeating rows') },
    ]);
  });

  test('not a workbook', async () => {
    expect(await problemsOf(Buffer.from('not a zip file at all, just text'))).toEqual([{ cell: 'file', message: expect.stringContaining('not a readable XLSX') }]);
  });
});
