import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { percent, resultSentences, type CountRow, type YearResults } from './results';

/**
 * The year's 成效 as a Word document laid out as a 公文 attachment (docs/rules.md#the-years-results): 附件 mark,
 * title, 一、二、三 headings, the figures in sentences and in tables — ready for the office to edit
 * into its 工作总结. Fonts are the 公文 ones by name (Word falls back when they are missing).
 */
const BODY = '仿宋_GB2312';
const HEAD = '黑体';
const TITLE = '方正小标宋简体';
const SIZE = 32; // 三号, in half-points
const CN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

const run = (text: string, font = BODY, size = SIZE, bold = false) => new TextRun({ text, font: { eastAsia: font, ascii: font, hAnsi: font }, size, bold });
const para = (text: string) => new Paragraph({ children: [run(text)], indent: { firstLine: 640 }, spacing: { line: 560 } });
const heading = (n: number, text: string) => new Paragraph({ children: [run(`${CN[n]}、${text}`, HEAD)], indent: { firstLine: 640 }, spacing: { line: 560 } });

function table(header: string[], rows: (string | number)[][]): Table {
  const cell = (v: string | number, bold = false) => new TableCell({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [run(String(v), BODY, 24, bold)] })] });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }), ...rows.map((r) => new TableRow({ children: r.map((v) => cell(v)) }))],
  });
}

const countRows = (rows: CountRow[]) => rows.map((r) => [r.name, r.dispatched, r.closed, r.onTime]);

export function resultsDocument(r: YearResults, o: { unitName: (code: string) => string; personName: (code: string) => string }): Document {
  const children: (Paragraph | Table)[] = [
    new Paragraph({ children: [run('附件', HEAD)] }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 400, after: 400 }, children: [run(`${r.year}年度大督导工作成效`, TITLE, 44)] }),
  ];
  let n = 0;
  children.push(heading(n++, '总体情况'));
  for (const s of resultSentences(r)) children.push(para(s));

  children.push(heading(n++, '问题协调解决情况'));
  const cats = r.byCategory.filter((c) => c.dispatched);
  children.push(para(cats.length ? `按类别：${cats.map((c) => `${c.name} ${c.dispatched} 项、已办结 ${c.closed} 项`).join('；')}。` : '按类别：本年度暂无督办事项。'));
  children.push(table(['类别', '协调督办（项）', '已办结（项）', '按期办结（项）'], countRows(r.byCategory)));
  const srcs = r.bySource.filter((c) => c.dispatched);
  children.push(para(srcs.length ? `按来源：${srcs.map((c) => `${c.name} ${c.dispatched} 项`).join('、')}。` : '按来源：本年度暂无督办事项。'));
  children.push(table(['来源', '协调督办（项）', '已办结（项）', '按期办结（项）'], countRows(r.bySource)));

  children.push(heading(n++, '一线督导和会议协调情况'));
  children.push(para(`现场督导 ${r.visits.total} 次，其中明察 ${r.visits.open} 次、暗访 ${r.visits.secret} 次，发现问题 ${r.visits.found} 个，现场协调解决 ${r.visits.settled} 个。专题协调会 ${r.meetings.group} 次，议定事项 ${r.meetings.groupDecisions} 项，提交市领导调度会 ${r.meetings.groupSentUp} 项。调度会 ${r.meetings.dispatch} 次。`));
  children.push(
    table(
      ['项目', '数量'],
      [
        ['现场督导（次）', r.visits.total],
        ['专题协调会（次）', r.meetings.group],
        ['调度会（次）', r.meetings.dispatch],
        ['督导提示函（份）', r.letters],
        ['重大事项报告（份）', r.majorReports],
        ['提级协调事项（项）', r.escalations],
        ['申诉成立（项）', r.appealsUpheld],
        ['重点项目（个）', r.projects.total],
        ['确认节点（个）', r.projects.milestonesReached],
      ],
    ),
  );

  children.push(heading(n++, '典型经验'));
  if (!r.highlights.length) children.push(para('本年度暂无标记的典型经验。'));
  r.highlights.forEach((h, i) => children.push(para(`${i + 1}. ${o.unitName(h.unit)}：${h.title}。${h.content}`)));

  children.push(heading(n++, '定性评价'));
  if (!r.grades.length) children.push(para('本年度暂未录入定性评价。'));
  else {
    const by = (g: string) => r.grades.filter((x) => x.grade === g).length;
    children.push(para(`共评价 ${r.grades.length} 个单位：好 ${by('好')} 个、较好 ${by('较好')} 个、一般 ${by('一般')} 个、差 ${by('差')} 个。`));
    children.push(table(['单位', '等次', '评价意见'], r.grades.map((g) => [o.unitName(g.unit), g.grade, g.remarks || '—'])));
  }
  children.push(para(`注：按期办结率 = 按期办结数 ÷ 已办结数（${percent(r.totals.onTimeRate)}）。`));
  return new Document({ creator: 'dudao', title: `${r.year}年度大督导工作成效`, sections: [{ properties: { page: { margin: { top: 2098, bottom: 1984, left: 1588, right: 1474 } } }, children }] });
}

export function resultsDocx(r: YearResults, o: { unitName: (code: string) => string; personName: (code: string) => string }): Promise<Buffer> {
  return Packer.toBuffer(resultsDocument(r, o));
}
