import fs from 'node:fs';
import path from 'node:path';
import { parseDispatch, parseTsv, type DraftTask } from '../../src/domain/dispatch';
import { ctx } from '../fixtures/dispatch/org';

const tasks = (text: string): DraftTask[] => {
  const r = parseDispatch(text, ctx());
  if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 1));
  return r.tasks;
};
const problems = (text: string) => {
  const r = parseDispatch(text, ctx());
  if (r.ok) throw new Error(`expected problems, got ${JSON.stringify(r.tasks)}`);
  return r.problems;
};
const tsv = (...rows: string[][]) => rows.map((r) => r.join('\t')).join('\n');
const row = (t: DraftTask) => [t.ref, t.title, t.leadUnit, t.coUnits.join(','), t.deadline, t.priority, t.category];

describe('parseTsv', () => {
  it.each([
    ['a\tb\nc\td', [['a', 'b'], ['c', 'd']]],
    ['"x\ny"\tz', [['x\ny', 'z']]],
    ['"say ""hi"""\t"a\tb"', [['say "hi"', 'a\tb']]],
    ['a\t\t\n', [['a', '', ''], ['']]],
    ['"unterminated\tb', [['"unterminated', 'b']]],
    ['5" pipe\tb', [['5" pipe', 'b']]],
  ])('%j', (text, rows) => {
    expect(parseTsv(text)).toEqual(rows);
  });
});

describe('parseDispatch: a table pasted from Excel/WPS (TAB-separated)', () => {
  it('reads the fixture: merged title row, section rows, quoted multi-line cells, "" escapes, ignored columns, trailing empty cells, CRLF', () => {
    const got = tasks(fs.readFileSync(path.join(__dirname, '../fixtures/dispatch/excel-q4.tsv'), 'utf8'));
    expect(got.map(row)).toEqual([
      ['第2行', '茂盛路征迁扫尾', 'ZJJ', 'MSZ,CGJD', '2026-12-15', '紧急', '重点项目'],
      ['第3行', '成功大道霞东段管线迁改', 'XMZ', 'ZRZYJ,FGJ', '2026-12-31', '一般', '重点项目'],
      ...['MSZ', 'CGJD', 'XMZ', 'FCZ', 'FCJD'].map((u) => ['第5行', '农村建房批后监管', u, '', '2026-11-30', '重要', '问题整改']),
    ]);
    expect(got[0].content).toBe('1.完成剩余3户签约；\n2.完成地上物清表，做到"应拆尽拆"。');
  });

  it('numbers data rows from 1 below the header', () => {
    const got = tasks(tsv(['事项', '责任单位', '完成时限'], ['甲', '梅山镇', '12月15日'], ['乙', '霞美镇', '12月20日']));
    expect(got.map((t) => [t.ref, t.title, t.leadUnit, t.deadline])).toEqual([
      ['第1行', '甲', 'MSZ', '2026-12-15'],
      ['第2行', '乙', 'XMZ', '2026-12-20'],
    ]);
  });

  it.each([['存在问题'], ['问题'], ['议定事项'], ['督办事项'], ['事项（必填）']])('%s is the title column', (key) => {
    expect(tasks(tsv([key, '责任单位', '整改时限', '整改措施'], ['违建未拆除', '梅山镇', '12月15日', '依法拆除']))[0]).toMatchObject({ title: '违建未拆除', content: '依法拆除' });
  });

  it('an empty cell is not filled from the row above', () => {
    const text = tsv(['序号', '事项', '责任单位', '完成时限'], ['1', '甲', '梅山镇', '12月15日前'], ['2', '乙', '', '12月15日前'], ['3', '', '霞美镇', '']);
    expect(problems(text)).toEqual([
      { where: '第2行', message: '第2行：“责任单位”一栏是空的，请填写（空单元格不会沿用上一行的内容）' },
      { where: '第3行', message: '第3行：“事项”一栏是空的，请填写（空单元格不会沿用上一行的内容）' },
      { where: '第3行', message: '第3行：缺少完成时限，请写明截止日期，例如“完成时限：12月31日前”', example: '完成时限：12月31日前' },
    ]);
  });

  it('an empty 牵头单位 cell (a merged cell) is a problem, not a reason to promote 责任单位', () => {
    const text = tsv(['事项', '牵头单位', '责任单位', '完成时限'], ['甲', '住建局', '梅山镇', '12月15日'], ['乙', '', '霞美镇', '12月15日']);
    expect(problems(text)).toEqual([{ where: '第2行', message: '第2行：“牵头单位”一栏是空的，请填写（空单元格不会沿用上一行的内容）' }]);
  });

  it('problems in rows name the row', () => {
    const text = tsv(['事项', '责任单位', '配合单位', '完成时限', '类别'], ['甲', '梅山', '住建委', '11月20日', '民生实事'], ['乙', '罗东镇', '', '12月15日', '']);
    expect(problems(text)).toEqual([
      { where: '第1行', message: '第1行：找不到配合单位“住建委”。您是不是指：住建局？', example: '配合单位：住建局' },
      { where: '第1行', message: '第1行：完成时限 2026-11-20 已过去（派单时间 2026-11-25），请写一个今天或以后的日期', example: '完成时限：12月31日前' },
      { where: '第2行', message: '第2行：责任单位“罗东镇”不在本督导组挂钩范围，请改派本组挂钩单位，或请综合协调组派单' },
    ]);
  });

  it('a header without a needed column is one problem, with a corrected header', () => {
    expect(problems(tsv(['序号', '事项', '责任单位', '工作要求'], ['1', '甲', '梅山镇', '抓紧']))).toEqual([
      { where: '表头', message: '表头：表格缺少“完成时限”列，请在表头加上“完成时限”列后再发', example: '序号\t事项\t责任单位\t工作要求\t完成时限' },
    ]);
  });

  it('content beyond the header is reported as a misaligned row', () => {
    expect(problems(tsv(['事项', '责任单位', '完成时限'], ['甲', '梅山镇', '12月15日', '多余']))).toEqual([
      { where: '第1行', message: '第1行：比表头多出内容“多余”，请检查是否有单元格错位' },
    ]);
  });

  it('rows with only a serial number or nothing are skipped', () => {
    const got = tasks(tsv(['序号', '事项', '责任单位', '完成时限'], ['1', '甲', '梅山镇', '12月15日'], ['2', '', '', ''], ['', '', '', '']));
    expect(got.map((t) => t.title)).toEqual(['甲']);
  });

  it('a Word two-column form (key TAB value) is read as a block', () => {
    const [t] = tasks('事项\t推进茂盛路征迁扫尾\n责任单位\t梅山镇\n完成时限\t12月15日前');
    expect([t.title, t.leadUnit, t.deadline]).toEqual(['推进茂盛路征迁扫尾', 'MSZ', '2026-12-15']);
  });
});

describe('parseDispatch: |-separated tables', () => {
  it('markdown with outer pipes, a |---| row, <br> in a cell and an escaped pipe', () => {
    const text = [
      '| 序号 | 事项 | 责任单位 | 配合单位 | 完成时限 | 优先级 |',
      '|:---:|---|---|---|---|---|',
      '| 1 | 茂盛路征迁扫尾 | 梅山镇 | 住建局<br>自然资源局 | 12月15日前 | 紧急 |',
      '| 2 | 路灯A\\|B段改造 | 城关街道 |  | 2026-12-31 |  |',
    ].join('\n');
    expect(tasks(text).map(row)).toEqual([
      ['第1行', '茂盛路征迁扫尾', 'MSZ', 'ZJJ,ZRZYJ', '2026-12-15', '紧急', '其他'],
      ['第2行', '路灯A|B段改造', 'CGJD', '', '2026-12-31', '一般', '其他'],
    ]);
  });

  it('without outer pipes', () => {
    const text = '事项 | 责任单位 | 完成时限\n--- | --- | ---\n茂盛路征迁扫尾 | 梅山镇 | 12月15日前\n城区学校扩容 | 霞美镇 | 年底前';
    expect(tasks(text).map((t) => [t.ref, t.title, t.leadUnit, t.deadline])).toEqual([
      ['第1行', '茂盛路征迁扫尾', 'MSZ', '2026-12-15'],
      ['第2行', '城区学校扩容', 'XMZ', '2026-12-31'],
    ]);
  });

  it('a title line above the table is skipped', () => {
    const text = '第四季度督办清单\n\n| 事项 | 责任单位 | 完成时限 |\n|---|---|---|\n| 甲 | 梅山镇 | 12月15日 |';
    expect(tasks(text).map((t) => t.title)).toEqual(['甲']);
  });
});
