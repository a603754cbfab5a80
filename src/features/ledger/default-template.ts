import ExcelJS from 'exceljs';

/**
 * The built-in 台账 template, used until an admin uploads the office's own (docs/architecture.md#the-ledger):
 * a title row, a 截至 line, one header row, a section heading per category and the repeating row.
 * Built with exceljs and read back by the same reader as an uploaded template.
 */
const COLUMNS: [header: string, placeholder: string, width: number][] = [
  ['序号', '{{序号}}', 6],
  ['督办事项', '{{事项}}', 36],
  ['责任单位', '{{责任单位}}', 16],
  ['配合单位', '{{配合单位}}', 16],
  ['完成时限', '{{完成时限}}', 14],
  ['进展情况', '{{进展情况}}', 42],
  ['完成情况', '{{完成情况}}', 14],
  ['备注', '{{备注}}', 18],
];
const thin = { style: 'thin' as const };
const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const FONT = { name: '宋体', size: 11 };

let built: Promise<Buffer> | undefined;

export function defaultTemplate(): Promise<Buffer> {
  built ??= build();
  return built;
}

async function build(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('督办台账', {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' },
    views: [{ state: 'frozen', ySplit: 3 }],
  });
  const last = COLUMNS.length;
  COLUMNS.forEach(([, , width], i) => (ws.getColumn(i + 1).width = width));

  ws.mergeCells(1, 1, 1, last);
  const title = ws.getCell(1, 1);
  title.value = '{{督导组}}督办事项工作台账';
  title.font = { name: '方正小标宋简体', size: 18, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 32;

  ws.mergeCells(2, 1, 2, last);
  const asOf = ws.getCell(2, 1);
  asOf.value = '{{月份}}  截至 {{截至日期}}  共 {{总数}} 项';
  asOf.font = FONT;
  asOf.alignment = { horizontal: 'right' };

  const header = ws.getRow(3);
  COLUMNS.forEach(([h], i) => {
    const c = header.getCell(i + 1);
    c.value = h;
    c.font = { ...FONT, bold: true };
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.border = BORDER;
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
  });
  header.height = 24;

  ws.mergeCells(4, 1, 4, last);
  const section = ws.getCell(4, 1);
  section.value = '{{分类序号}}、{{分类}}（{{小计}} 项，已办结 {{办结数}} 项）';
  section.font = { ...FONT, bold: true };
  for (let c = 1; c <= last; c++) ws.getCell(4, c).border = BORDER;

  const item = ws.getRow(5);
  COLUMNS.forEach(([, p], i) => {
    const c = item.getCell(i + 1);
    c.value = p;
    c.font = FONT;
    c.border = BORDER;
    c.alignment = { vertical: 'top', wrapText: true, horizontal: i === 0 ? 'center' : 'left' };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
