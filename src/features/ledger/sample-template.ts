import ExcelJS from 'exceljs';

/**
 * A sample office template, as a city's supervision office lays its 台账 out (shipped with the sandbox
 * demo, and the shape the tests fill): a title, a 截至 line, a two-row header with merged cells, a
 * section heading per category, the repeating row, a subtotal row per category and a footnote.
 */
const thin = { style: 'thin' as const };
const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const BODY = { name: '仿宋_GB2312', size: 12 };
const HEAD = { name: '黑体', size: 12, bold: true };
const HEAD_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFCE4D6' } };
export const SAMPLE_WIDTHS = [6, 34, 14, 16, 13, 40, 12, 18, 14];

export async function sampleTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('重点事项台账', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  SAMPLE_WIDTHS.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const cell = (ref: string, value: string, style: Partial<ExcelJS.Style> = {}) => {
    const c = ws.getCell(ref);
    c.value = value;
    Object.assign(c, { font: BODY, ...style });
    return c;
  };
  const box = (row: number) => {
    for (let c = 1; c <= 9; c++) ws.getCell(row, c).border = BORDER;
  };

  ws.mergeCells('A1:I1');
  cell('A1', '{{督导组}}重点督办事项推进情况台账', { font: { name: '方正小标宋简体', size: 20, bold: true }, alignment: { horizontal: 'center', vertical: 'middle' } });
  ws.getRow(1).height = 36;
  ws.mergeCells('A2:E2');
  cell('A2', '填报单位：市委督查室');
  ws.mergeCells('F2:I2');
  cell('F2', '截至日期：{{截至日期}}', { alignment: { horizontal: 'right' } });

  // the two-row header: single columns merged down, 责任单位 and 推进情况 spanning two columns each
  const head = { font: HEAD, fill: HEAD_FILL, alignment: { horizontal: 'center' as const, vertical: 'middle' as const, wrapText: true } };
  for (const [col, label] of [['A', '序号'], ['B', '督办事项'], ['E', '完成时限'], ['I', '备注']]) {
    ws.mergeCells(`${col}3:${col}4`);
    cell(`${col}3`, label, head);
  }
  ws.mergeCells('C3:D3');
  cell('C3', '责任单位', head);
  cell('C4', '牵头单位', head);
  cell('D4', '配合单位', head);
  ws.mergeCells('F3:H3');
  cell('F3', '推进情况', head);
  cell('F4', '进展情况', head);
  cell('G4', '完成情况', head);
  cell('H4', '预警', head);
  for (const c of ['D3', 'G3', 'H3', 'A4', 'B4', 'E4', 'I4']) Object.assign(ws.getCell(c), head);
  box(3);
  box(4);
  ws.getRow(3).height = 22;
  ws.getRow(4).height = 22;

  ws.mergeCells('A5:I5');
  cell('A5', '{{分类序号}}、{{分类}}（共 {{小计}} 项）', { font: { ...BODY, bold: true }, fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } } });
  box(5);

  const item = { alignment: { vertical: 'top' as const, wrapText: true } };
  cell('A6', '{{序号}}', { alignment: { horizontal: 'center', vertical: 'top' } });
  cell('B6', '{{督办事项}}', item);
  cell('C6', '{{牵头单位}}', item);
  cell('D6', '{{配合单位}}', item);
  cell('E6', '{{完成时限}}', item);
  cell('F6', '{{进展情况}}', item);
  cell('G6', '{{完成情况}}', item);
  cell('H6', '{{灯}}', item);
  cell('I6', '{{备注}}', item);
  box(6);

  ws.mergeCells('A7:B7');
  cell('A7', '小计', { font: { ...BODY, bold: true }, alignment: { horizontal: 'center' } });
  ws.mergeCells('C7:I7');
  cell('C7', '{{分类}}共 {{小计}} 项，已办结 {{办结数}} 项，超期 {{超期数}} 项');
  box(7);

  ws.mergeCells('A8:I8');
  cell('A8', '注：预警中红灯为已超期事项，黄灯为临近时限或进度滞后事项；本表共 {{总数}} 项。', { font: { ...BODY, size: 10, italic: true } });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
