/**
 * Notice files the tests build (a .docx with the `docx` package, an .xlsx with exceljs) and their
 * pasted-text equivalents, for "a file becomes the same preview as the same text pasted".
 */
import { AlignmentType, Document, HeadingLevel, LevelFormat, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import ExcelJS from 'exceljs';

export interface NoticeItem {
  title: string;
  unit: string;
  deadline: string;
}

export const NOTICE_ITEMS: NoticeItem[] = [
  { title: '茂盛路征迁扫尾', unit: '梅山镇', deadline: '12月15日前' },
  { title: '老旧小区改造', unit: '住建局', deadline: '12月20日前' },
  { title: '河道保洁整治', unit: '梅山镇', deadline: '12月25日前' },
];

/** The same items as a pasted table (what a supervisor would copy from Excel). */
export const pastedTable = (items: NoticeItem[] = NOTICE_ITEMS) => ['序号\t事项\t责任单位\t完成时限', ...items.map((t, i) => `${i + 1}\t${t.title}\t${t.unit}\t${t.deadline}`)].join('\n');

/** The same items as pasted numbered blocks. */
export const pastedBlocks = (items: NoticeItem[] = NOTICE_ITEMS) => items.map((t, i) => `${i + 1}. ${t.title}\n责任单位：${t.unit}\n完成时限：${t.deadline}`).join('\n');

const cell = (text: string) => new TableCell({ children: [new Paragraph(text)], width: { size: 2000, type: WidthType.DXA } });

/** A notice: title, a heading, a preamble, and the items as a table under a header row. */
export async function noticeDocxTable(items: NoticeItem[] = NOTICE_ITEMS): Promise<Buffer> {
  const table = new Table({
    rows: [
      new TableRow({ children: ['序号', '事项', '责任单位', '完成时限'].map(cell) }),
      ...items.map((t, i) => new TableRow({ children: [String(i + 1), t.title, t.unit, t.deadline].map(cell) })),
    ],
  });
  const doc = new Document({
    sections: [{
      children: [
        new Paragraph({ text: '关于推进重点工作的督办通知', heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER }),
        new Paragraph('各有关单位：'),
        new Paragraph('现将重点工作督办事项通知如下，请按时办结并反馈。'),
        table,
        new Paragraph('督导一组'),
      ],
    }],
  });
  return Buffer.from(await Packer.toBuffer(doc));
}

/** A notice whose items are Word-numbered paragraphs (automatic numbering, not typed digits), with headings. */
export async function noticeDocxBlocks(items: NoticeItem[] = NOTICE_ITEMS): Promise<Buffer> {
  const doc = new Document({
    numbering: { config: [{ reference: 'items', levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START }] }] },
    sections: [{
      children: [
        new Paragraph({ text: '关于推进重点工作的督办通知', heading: HeadingLevel.TITLE }),
        new Paragraph('各有关单位：现将督办事项通知如下。'),
        ...items.flatMap((t) => [
          new Paragraph({ children: [new TextRun(t.title)], numbering: { reference: 'items', level: 0 } }),
          new Paragraph(`责任单位：${t.unit}`),
          new Paragraph(`完成时限：${t.deadline}`),
        ]),
      ],
    }],
  });
  return Buffer.from(await Packer.toBuffer(doc));
}

/** An Excel 清单: a title row merged across, a blank row, the header, the items; a second sheet of notes first. */
export async function noticeXlsx(items: NoticeItem[] = NOTICE_ITEMS): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const notes = wb.addWorksheet('说明');
  notes.addRow(['本表为督办事项清单']);
  const ws = wb.addWorksheet('督办清单');
  ws.addRow(['重点工作督办清单']);
  ws.mergeCells('A1:D1');
  ws.addRow([]);
  ws.addRow(['序号', '事项', '责任单位', '完成时限']);
  items.forEach((t, i) => ws.addRow([i + 1, t.title, t.unit, t.deadline]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
