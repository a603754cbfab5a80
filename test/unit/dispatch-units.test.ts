import { matchUnit, parseDispatch, splitUnits, type DraftTask } from '../../src/domain/dispatch';
import { coordination, ctx, org } from '../fixtures/dispatch/org';

describe('matchUnit: name, full name, code, alias, prefixes and suffixes', () => {
  it.each([
    ['梅山镇', 'MSZ'],
    ['梅山', 'MSZ'],
    ['MSZ', 'MSZ'],
    ['msz', 'MSZ'],
    ['梅山镇人民政府', 'MSZ'],
    ['梅山镇党委政府', 'MSZ'],
    ['梅山镇（联系人：张三 13800000000）', 'MSZ'],
    ['南安市梅山镇', 'MSZ'],
    ['城关街道办事处', 'CGJD'],
    ['城关街道办', 'CGJD'],
    ['城关', 'CGJD'],
    ['县住房和城乡建设局', 'ZJJ'],
    ['住房和城乡建设局', 'ZJJ'],
    ['住建', 'ZJJ'],
    ['市住建局', 'ZJJ'],
    ['住建局（城建股）', 'ZJJ'],
    ['县自然资源局', 'ZRZYJ'],
    ['自然资源', 'ZRZYJ'],
    ['发改', 'FGJ'],
    ['市场监管局', 'SCJGJ'],
    ['县市场监督管理局', 'SCJGJ'],
    [' 霞美镇 ', 'XMZ'],
    ['“霞美镇”', 'XMZ'],
  ])('%j → %s', (text, code) => {
    const r = matchUnit(text, org);
    expect(r.ok && r.unit.code).toBe(code);
  });

  it('an ambiguous name lists every candidate', () => {
    const r = matchUnit('凤城', org);
    expect(r).toEqual({ ok: false, reason: 'ambiguous', message: '“凤城”对应多个单位：凤城镇、凤城街道，请写全称', candidates: [org.unit('FCZ'), org.unit('FCJD')] });
  });

  it.each([
    ['梅山乡', ['梅山镇']],
    ['罗冬镇', ['罗东镇']],
    ['自然资原局', ['自然资源局']],
    ['住建委', ['住建局']],
    ['XX科技有限公司', []],
    ['旧城改造办', []], // inactive units are not in the org
  ])('unknown %s suggests %j', (text, names) => {
    const r = matchUnit(text, org);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('unknown');
      expect(r.candidates.map((u) => u.name)).toEqual(names);
    }
  });

  it('words for a set of units are not units', () => {
    for (const w of ['县直有关部门', '相关部门', '各有关单位', '有关单位']) {
      const r = matchUnit(w, org);
      expect(r).toEqual({ ok: false, reason: 'group', message: `“${w}”不是具体单位，请逐一写明单位名称`, candidates: [] });
    }
  });
});

describe('splitUnits', () => {
  it.each([
    ['住建局、自然资源局等', ['住建局', '自然资源局']],
    ['住建局，自然资源局；发改局/教育局', ['住建局', '自然资源局', '发改局', '教育局']],
    ['住建局,自然资源局;发改局', ['住建局', '自然资源局', '发改局']],
    ['住建局\n自然资源局', ['住建局', '自然资源局']],
    ['住建局　自然资源局', ['住建局', '自然资源局']],
    ['梅山镇。', ['梅山镇']],
    ['住建局（城建股、规划股）、发改局', ['住建局(城建股、规划股)', '发改局']],
    ['住建局、自然资源局等单位', ['住建局', '自然资源局']],
    ['无', []],
    ['——', []],
  ])('%j', (value, names) => {
    expect(splitUnits(value).map((i) => i.name)).toEqual(names);
  });

  it('marks the lead', () => {
    expect(splitUnits('住建局、教育局（牵头）、发改局(配合)')).toEqual([
      { name: '住建局', lead: false },
      { name: '教育局', lead: true },
      { name: '发改局', lead: false },
    ]);
    expect(splitUnits('住建局(牵头)')[0].lead).toBe(true);
  });

  it.each([
    ['各乡镇（街道）', ['township', 'street']],
    ['各镇(街道)', ['township', 'street']],
    ['各乡镇、街道', ['township', 'street']],
    ['各乡镇', ['township']],
    ['各街道', ['street']],
  ])('%s stands for every %j unit', (value, kinds) => {
    const items = splitUnits(value);
    expect(items).toHaveLength(1);
    expect(items[0].kinds).toEqual(kinds);
  });
});

const one = (text: string, c = ctx()): DraftTask[] => {
  const r = parseDispatch(text, c);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.tasks;
};
const problems = (text: string, c = ctx()) => {
  const r = parseDispatch(text, c);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
};
const units = (t: DraftTask) => [t.leadUnit, t.coUnits];

describe('units in a dispatch', () => {
  it('牵头单位 with 责任单位: 牵头 is the lead, 责任 the co-units', () => {
    const [t] = one('1. 茂盛路征迁扫尾\n牵头单位：住建局\n责任单位：梅山镇、城关街道\n配合单位：自然资源局\n完成时限：12月15日前');
    expect(units(t)).toEqual(['ZJJ', ['MSZ', 'CGJD', 'ZRZYJ']]);
  });

  it('in a single list the unit marked （牵头） leads, else the first', () => {
    expect(units(one('1. 甲\n责任单位：梅山镇、住建局（牵头）\n完成时限：12月15日前')[0])).toEqual(['ZJJ', ['MSZ']]);
    expect(units(one('1. 甲\n责任单位：梅山镇、住建局\n完成时限：12月15日前')[0])).toEqual(['MSZ', ['ZJJ']]);
  });

  it('each of the other lead keys is a lead key', () => {
    for (const key of ['主要责任单位', '主办单位', '承办单位', '牵头责任单位']) {
      expect(units(one(`1. 甲\n${key}：霞美镇\n协办单位：发改局\n完成时限：12月15日前`)[0])).toEqual(['XMZ', ['FGJ']]);
    }
  });

  it('co keys: 协同配合单位, 协同责任单位, 其他责任单位', () => {
    const [t] = one('1. 甲\n责任单位：梅山镇\n协同配合单位：住建局\n协同责任单位：发改局\n其他责任单位：自然资源局\n完成时限：12月15日前');
    expect(t.coUnits).toEqual(['ZJJ', 'FGJ', 'ZRZYJ']);
  });

  it('各乡镇（街道） as lead: one task per township/street of the group, in org order', () => {
    const tasks = one('1. 农村建房批后监管\n责任单位：各乡镇（街道）\n配合单位：住建局、自然资源局\n完成时限：12月31日前');
    expect(tasks.map(units)).toEqual([
      ['MSZ', ['ZJJ', 'ZRZYJ']],
      ['CGJD', ['ZJJ', 'ZRZYJ']],
      ['XMZ', ['ZJJ', 'ZRZYJ']],
      ['FCZ', ['ZJJ', 'ZRZYJ']],
      ['FCJD', ['ZJJ', 'ZRZYJ']],
    ]);
    expect(tasks.every((t) => t.ref === '第1项' && t.title === '农村建房批后监管')).toBe(true);
  });

  it('各乡镇、街道 as co-units: all of them; the lead is not repeated among them', () => {
    const [t] = one('1. 甲\n牵头单位：住建局\n责任单位：各乡镇、街道，梅山镇\n完成时限：12月31日前');
    expect(units(t)).toEqual(['ZJJ', ['MSZ', 'CGJD', 'XMZ', 'FCZ', 'FCJD']]);
  });

  it('各乡镇 for the coordination group means every township', () => {
    const tasks = one('1. 甲\n责任单位：各乡镇\n完成时限：12月31日前', coordination());
    expect(tasks.map((t) => t.leadUnit)).toEqual(['MSZ', 'XMZ', 'FCZ', 'LDZ']);
  });

  it('各乡镇（街道） when the group is linked to none', () => {
    expect(problems('1. 甲\n责任单位：各乡镇（街道）\n完成时限：12月31日前', ctx({ allowedUnits: ['ZJJ'] }))).toEqual([
      { where: '第1项', message: '第1项：责任单位“各乡镇(街道)”：本督导组没有挂钩的乡镇、街道，请写明具体单位' },
    ]);
  });

  it('a unit outside the group is refused; the coordination group may dispatch to it', () => {
    const text = '1. 城区学校扩容\n责任单位：县教育局\n完成时限：12月31日前';
    expect(problems(text)).toEqual([{ where: '第1项', message: '第1项：责任单位“县教育局”（教育局）不在本督导组挂钩范围，请改派本组挂钩单位，或请综合协调组派单' }]);
    expect(one(text, coordination())[0].leadUnit).toBe('JYJ');
  });

  it('unknown, ambiguous and group words, each with a corrected line', () => {
    expect(problems('1. 甲\n责任单位：梅山乡\n配合单位：住建局、凤城、县直有关部门\n完成时限：12月31日前')).toEqual([
      { where: '第1项', message: '第1项：找不到责任单位“梅山乡”。您是不是指：梅山镇？', example: '责任单位：梅山镇' },
      { where: '第1项', message: '第1项：配合单位“凤城”对应多个单位：凤城镇、凤城街道，请写全称', example: '配合单位：住建局、凤城镇、自然资源局、发改局' },
      {
        where: '第1项',
        message: '第1项：配合单位“县直有关部门”不是具体单位，请逐一写明单位名称，例如：住建局、自然资源局、发改局',
        example: '配合单位：住建局、凤城镇、自然资源局、发改局',
      },
    ]);
  });

  it('a unit nothing resembles lists some of the group’s units', () => {
    expect(problems('1. 甲\n责任单位：XX科技有限公司\n完成时限：12月31日前')).toEqual([
      { where: '第1项', message: '第1项：找不到责任单位“XX科技有限公司”，请核对单位名称（本组挂钩单位如：梅山镇、城关街道、霞美镇等）' },
    ]);
  });

  it('only co-units, no lead', () => {
    expect(problems('1. 甲\n配合单位：住建局\n完成时限：12月31日前')).toEqual([
      { where: '第1项', message: '第1项：缺少责任单位，请写明牵头办理的单位', example: '责任单位：梅山镇' },
    ]);
  });
});
