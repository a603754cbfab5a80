import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, WidthType } from 'docx';

/**
 * The demo's sample 督办通知 (a Word .docx, built on demand with the `docx` package): a title, a
 * preamble, the items as a table under a header row, a signature — for the units of the demo's 第一专项
 * 督导组. Send it with `npm run sandbox -- as P-SUP-1 in oc_demo_g1 send-file sample`, then reply 派单.
 */
export const SAMPLE_NOTICE_NAME = '关于推进西片区重点工作的督办通知.docx';

const ROWS = [
  ['1', '茂盛路征迁扫尾', '梅山镇', '住建局', '12月31日前', '完成剩余3户签约和地上物清表'],
  ['2', '西华镇农村建房批后监管', '西华镇', '自然资源局', '12月下旬', '逐户核查批后建房，发现问题即时整改'],
  ['3', '凤山街道老旧小区改造', '凤山街道', '住建局', '12月31日前', '完成3个小区雨污分流改造'],
];

const cell = (text: string) => new TableCell({ children: [new Paragraph(text)], width: { size: 1500, type: WidthType.DXA } });

export async function sampleNotice(): Promise<Buffer> {
  const doc = new Document({
    sections: [{
      children: [
        new Paragraph({ text: '关于推进西片区重点工作的督办通知', heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER }),
        new Paragraph('各有关单位：'),
        new Paragraph('现将西片区重点工作督办事项通知如下，请按时办结，并在督办单上及时反馈进展。'),
        new Table({ rows: [['序号', '事项', '责任单位', '配合单位', '完成时限', '工作要求'], ...ROWS].map((r) => new TableRow({ children: r.map(cell) })) }),
        new Paragraph('第一专项督导组'),
      ],
    }],
  });
  return Buffer.from(await Packer.toBuffer(doc));
}
