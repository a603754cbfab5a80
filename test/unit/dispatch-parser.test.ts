import fs from 'node:fs';
import path from 'node:path';
import { parseDispatch, type DraftTask, type ParseContext } from '../../src/domain/dispatch';
import { ctx } from '../fixtures/dispatch/org';

const tasks = (text: string, c: ParseContext = ctx()): DraftTask[] => {
  const r = parseDispatch(text, c);
  if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 1));
  return r.tasks;
};
const problems = (text: string, c: ParseContext = ctx()) => {
  const r = parseDispatch(text, c);
  if (r.ok) throw new Error(`expected problems, got ${JSON.stringify(r.tasks)}`);
  return r.problems;
};
const UNIT_AND_DATE = '责任单位：梅山镇\n完成时限：12月15日前';

describe('parseDispatch: block form (清单式派单)', () => {
  it('reads the README example', () => {
    const text = '\n1. 推进茂盛路征迁扫尾\n责任单位：梅山镇\n配合单位：住建局、自然资源局\n完成时限：12月15日前\n工作要求：本周内完成剩余3户签约\n优先级：紧急\n';
    expect(parseDispatch(text, ctx())).toEqual({
      ok: true,
      tasks: [
        {
          ref: '第1项',
          title: '推进茂盛路征迁扫尾',
          content: '本周内完成剩余3户签约',
          leadUnit: 'MSZ',
          coUnits: ['ZJJ', 'ZRZYJ'],
          deadline: '2026-12-15',
          milestones: [],
          priority: '紧急',
          category: '其他',
          source: '日常督导',
        },
      ],
    });
  });

  it('reads a real-looking notice: preamble, headings, 牵头/责任, stage dates, sub-items, 各乡镇（街道）, closing line', () => {
    const text = fs.readFileSync(path.join(__dirname, '../fixtures/dispatch/notice-q4.txt'), 'utf8');
    const got = tasks(text);
    expect(got.map((t) => [t.ref, t.title, t.leadUnit, t.coUnits.join(','), t.deadline, t.priority, t.category, t.source, t.sourceLabel])).toEqual([
      ['第1项', '推进茂盛路征迁扫尾', 'ZJJ', 'MSZ,CGJD', '2026-12-25', '紧急', '重点项目', '日常督导', undefined],
      ['第2项', '成功大道霞东段贯通', 'XMZ', 'ZRZYJ', '2026-12-18', '一般', '重点项目', '调度会', '县政府常务会议议定事项'],
      ...['MSZ', 'CGJD', 'XMZ', 'FCZ', 'FCJD'].map((u) => ['第3项', '农村建房批后监管“四到场”落实不到位', u, 'ZJJ,ZRZYJ', '2026-11-30', '一般', '问题整改', '日常督导', undefined]),
    ]);
    expect(got[0].milestones).toEqual([
      { date: '2026-11-30', label: '完成剩余3户签约' },
      { date: '2026-12-15', label: '完成地上物清表' },
    ]);
    expect(got[0].content).toBe('（1）逐户研究补偿方案，做好政策解释；\n（2）依法依规推进，严防发生信访事件。');
    expect(got[2].content).toBe('对照“四到场”要求逐户核查，建立问题台账。');
  });

  it.each([
    ['1. '], ['1.'], ['1、'], ['1．'], ['（一）'], ['(一)'], ['(1)'], ['（1）'], ['一、'], ['①'], ['第1项：'], ['第一条 '],
  ])('numbering %j: the numbered line is the title', (num) => {
    expect(tasks(`${num}推进茂盛路征迁扫尾\n${UNIT_AND_DATE}`)[0].title).toBe('推进茂盛路征迁扫尾');
  });

  it.each([['事项'], ['标题'], ['督办事项'], ['工作任务'], ['议定事项']])('title key %s wins over the numbered line', (key) => {
    expect(tasks(`1. 茂盛路\n${key}：推进茂盛路征迁扫尾\n${UNIT_AND_DATE}`)[0].title).toBe('推进茂盛路征迁扫尾');
  });

  it('blank lines separate unnumbered blocks; an unnumbered first line is the title', () => {
    const got = tasks(`事项：推进茂盛路征迁扫尾\n${UNIT_AND_DATE}\n\n城关片区改造\n责任单位：城关街道\n完成时限：12月31日前`);
    expect(got.map((t) => [t.ref, t.title, t.leadUnit])).toEqual([
      ['第1项', '推进茂盛路征迁扫尾', 'MSZ'],
      ['第2项', '城关片区改造', 'CGJD'],
    ]);
  });

  it('a numbered title separated from its fields by a blank line is one task', () => {
    const got = tasks(`1. 推进茂盛路征迁扫尾\n\n${UNIT_AND_DATE}\n\n2. 城关片区改造\n\n责任单位：城关街道\n完成时限：12月31日前`);
    expect(got.map((t) => [t.ref, t.title, t.leadUnit])).toEqual([
      ['第1项', '推进茂盛路征迁扫尾', 'MSZ'],
      ['第2项', '城关片区改造', 'CGJD'],
    ]);
  });

  it('accepts half-width colons, spaces in keys, full-width spaces, 【key】value and CRLF', () => {
    const text = '1. 推进茂盛路征迁扫尾\r\n责任单位 : 梅山镇\r\n配合　单位：　住建局　自然资源局\r\n【完成时限】12月15日前\r\n工作要求:本周内完成签约\r\n';
    const [t] = tasks(text);
    expect([t.leadUnit, t.coUnits, t.deadline, t.content]).toEqual(['MSZ', ['ZJJ', 'ZRZYJ'], '2026-12-15', '本周内完成签约']);
  });

  it('reads several fields on one line and fields in brackets after the title', () => {
    const [a] = tasks('1. 推进茂盛路征迁扫尾\n责任单位：梅山镇；配合单位：住建局；完成时限：12月15日前');
    expect([a.leadUnit, a.coUnits, a.deadline]).toEqual(['MSZ', ['ZJJ'], '2026-12-15']);
    const [b] = tasks('1. 推进茂盛路征迁扫尾（责任单位：梅山镇；完成时限：12月15日前）');
    expect([b.title, b.leadUnit, b.deadline]).toEqual(['推进茂盛路征迁扫尾', 'MSZ', '2026-12-15']);
  });

  it('reads fields written after the title on the numbered line', () => {
    const [t] = tasks('1、茂盛路征迁扫尾，责任单位：梅山镇，配合单位：无，完成时限：12月15日前');
    expect([t.title, t.leadUnit, t.coUnits, t.deadline]).toEqual(['茂盛路征迁扫尾', 'MSZ', [], '2026-12-15']);
  });

  it('a long numbered line: the first sentence is the title, the rest content', () => {
    const [t] = tasks(`1. 加快茂盛路征迁扫尾。确保剩余3户全部签约。\n${UNIT_AND_DATE}\n工作要求：做好政策解释`);
    expect([t.title, t.content]).toEqual(['加快茂盛路征迁扫尾', '确保剩余3户全部签约。\n做好政策解释']);
  });

  it('values continue on the next lines; unknown key-like lines inside 要求 stay in 要求', () => {
    const [t] = tasks('1. 茂盛路征迁\n责任单位：梅山镇\n要求：\n一是：加快签约；\n二是：完成清表。\n完成时限：12月15日前');
    expect(t.content).toBe('一是：加快签约；\n二是：完成清表。');
  });

  it.each([['要求'], ['内容'], ['工作要求'], ['具体要求'], ['整改要求'], ['整改措施']])('content key %s', (key) => {
    expect(tasks(`1. 甲\n${UNIT_AND_DATE}\n${key}：逐户核查`)[0].content).toBe('逐户核查');
  });

  it.each([['截止'], ['期限'], ['时限'], ['完成时限'], ['完成时间'], ['截止时间'], ['整改时限']])('deadline key %s', (key) => {
    expect(tasks(`1. 甲\n责任单位：梅山镇\n${key}：2026年12月20日`)[0].deadline).toBe('2026-12-20');
  });

  it('ignores person, status, remark, serial and unknown keys', () => {
    const [t] = tasks(`1. 甲\n序号：1\n${UNIT_AND_DATE}\n责任领导：张三\n办理状态：未启动\n备注：无\n联系人：李四 13800000000\n督导组：第一组`);
    expect([t.title, t.content, t.leadUnit]).toEqual(['甲', '', 'MSZ']);
  });

  it('accepts the text right after 派单： with its colon', () => {
    expect(tasks(`：推进茂盛路征迁扫尾\n${UNIT_AND_DATE}`)[0].title).toBe('推进茂盛路征迁扫尾');
  });

  it.each([
    ['特急', '紧急'], ['加急', '紧急'], ['紧急', '紧急'], ['重要', '重要'], ['普通', '一般'], ['一般', '一般'],
  ])('priority %s → %s', (written, priority) => {
    expect(tasks(`1. 甲\n${UNIT_AND_DATE}\n优先级：${written}`)[0].priority).toBe(priority);
  });

  it.each([
    ['征迁', { category: '征迁' }],
    ['巡视整改', { category: '巡视整改' }],
    ['民生实事', { category: '其他', categoryLabel: '民生实事' }],
  ])('category %s', (written, expected) => {
    const [t] = tasks(`1. 甲\n${UNIT_AND_DATE}\n类别：${written}`);
    expect({ category: t.category, ...(t.categoryLabel ? { categoryLabel: t.categoryLabel } : {}) }).toEqual(expected);
  });

  it('a heading naming a category gives it to its tasks unless they say otherwise', () => {
    const got = tasks(`一、信访积案化解\n1. 甲\n${UNIT_AND_DATE}\n2. 乙\n${UNIT_AND_DATE}\n类别：征迁\n二、其他工作\n3. 丙\n${UNIT_AND_DATE}`);
    expect(got.map((t) => t.category)).toEqual(['信访', '征迁', '其他']);
  });

  it.each([
    ['县政府常务会议议定事项', '调度会', { source: '调度会', sourceLabel: '县政府常务会议议定事项' }],
    ['县政府常务会议议定事项', '领导交办', { source: '领导交办', sourceLabel: '县政府常务会议议定事项' }],
    ['暗访', '调度会', { source: '明察暗访', sourceLabel: '暗访' }],
    ['明察暗访', '调度会', { source: '明察暗访' }],
    ['市领导批示', '调度会', { source: '领导交办', sourceLabel: '市领导批示' }],
    ['调度会', '领导交办', { source: '调度会' }],
    ['群众来信', '调度会', { source: '其他', sourceLabel: '群众来信' }],
  ] as const)('source %s (meetings → %s)', (written, meetingSource, expected) => {
    const [t] = tasks(`1. 甲\n${UNIT_AND_DATE}\n来源：${written}`, ctx({ meetingSource }));
    expect({ source: t.source, ...(t.sourceLabel ? { sourceLabel: t.sourceLabel } : {}) }).toEqual(expected);
  });

  it('without 来源 the dispatcher’s default source applies', () => {
    expect(tasks(`1. 甲\n${UNIT_AND_DATE}`, ctx({ defaultSource: '领导交办' }))[0].source).toBe('领导交办');
  });
});

describe('parseDispatch: problems (all or nothing)', () => {
  it('the examples of the brief, word for word', () => {
    const text = `1. 甲\n责任单位：梅山镇\n完成时限：长期坚持\n\n2. 乙\n${UNIT_AND_DATE}\n\n3. 丙\n责任单位：梅山镇\n完成时限：11月20日`;
    expect(parseDispatch(text, ctx())).toEqual({
      ok: false,
      problems: [
        { where: '第1项', message: '第1项：完成时限“长期坚持”不是具体日期，请写明截止日期，例如“完成时限：12月31日前”', example: '完成时限：12月31日前' },
        { where: '第3项', message: '第3项：完成时限 2026-11-20 已过去（派单时间 2026-11-25），请写一个今天或以后的日期', example: '完成时限：12月31日前' },
      ],
    });
  });

  it('every problem of every block is listed, in order', () => {
    const text = `1. 甲\n责任单位：梅山乡\n完成时限：【待补】\n优先级：很急\n\n2. 乙\n${UNIT_AND_DATE}\n\n3.\n要求：完成清表工作，确保按时交地\n${UNIT_AND_DATE}\n优先级：高`;
    expect(problems(text)).toEqual([
      { where: '第1项', message: '第1项：找不到责任单位“梅山乡”。您是不是指：梅山镇？', example: '责任单位：梅山镇' },
      { where: '第1项', message: '第1项：完成时限“【待补】”还没有确定，请写明截止日期，例如“完成时限：12月31日前”', example: '完成时限：12月31日前' },
      { where: '第1项', message: '第1项：优先级“很急”无法识别，请写“一般”“重要”或“紧急”', example: '优先级：紧急' },
      { where: '第3项', message: '第3项：缺少事项标题，请在编号后写明督办事项，或加一行“事项：……”', example: '事项：完成清表工作' },
      { where: '第3项', message: '第3项：优先级“高”无法识别，请写“一般”“重要”或“紧急”', example: '优先级：一般' },
    ]);
  });

  it('要求 is never the title', () => {
    expect(problems(`要求：完成清表\n${UNIT_AND_DATE}`)[0]).toEqual({
      where: '第1项',
      message: '第1项：缺少事项标题，请在编号后写明督办事项，或加一行“事项：……”',
      example: '事项：完成清表',
    });
  });

  it('a numbered line without fields among numbered tasks is a task missing its unit and deadline, not a heading', () => {
    expect(problems(`1. 甲\n${UNIT_AND_DATE}\n2. 乙\n3. 丙\n${UNIT_AND_DATE}`)).toEqual([
      { where: '第2项', message: '第2项：缺少责任单位，请写明牵头办理的单位', example: '责任单位：梅山镇' },
      { where: '第2项', message: '第2项：缺少完成时限，请写明截止日期，例如“完成时限：12月31日前”', example: '完成时限：12月31日前' },
    ]);
  });

  it('an empty deadline line is missing', () => {
    expect(problems('1. 甲\n责任单位：梅山镇\n完成时限：')[0].message).toBe('第1项：缺少完成时限，请写明截止日期，例如“完成时限：12月31日前”');
  });

  it.each([[''], ['   \n  '], ['各镇（街道）：\n请认真落实。'], ['一、重点项目推进']])('nothing to dispatch in %j', (text) => {
    expect(problems(text)).toEqual([
      {
        where: '全文',
        message: '没有找到要派发的事项：每项至少写明事项、责任单位和完成时限，可参照下面的格式',
        example: '1. 推进某某工作\n责任单位：梅山镇\n完成时限：12月31日前\n工作要求：……',
      },
    ]);
  });
});
