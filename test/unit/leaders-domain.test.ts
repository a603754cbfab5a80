import { parseBulletin } from '../../src/domain/bulletin';
import { WorkCalendar } from '../../src/domain/calendar';
import { planMinutes, splitDecisions } from '../../src/domain/minutes';
import { DEFAULT_WEIGHTS, formulaText, parseWeights, rankUnits, scoreOf, scoreTerms, emptyTally } from '../../src/domain/ranking';
import { isFirstWorkdayFrom, isFirstWorkdayOfMonth, overdueWorkdaysWithin, parsePeriod, PeriodTally, previousPeriod, WorkdayCounter } from '../../src/domain/summary';
import { addDays } from '../../src/domain/time';
import { loadConfig } from '../../src/config';
import { org } from '../support/factories';
import { appealFooter, appealItems, appealItemsText, exclusionsOf, splitAppealItem } from '../../src/domain/appeal';

const monFri = new WorkCalendar({ lookup: () => undefined, hasYear: () => false });
// 2026-10-01..08 off (National Day), 2026-10-10 a Saturday worked (调休)
const holidays = new WorkCalendar({ lookup: () => undefined, hasYear: () => false }, { '2026-10-01': false, '2026-10-02': false, '2026-10-05': false, '2026-10-06': false, '2026-10-07': false, '2026-10-08': false, '2026-10-10': true, '2026-06-19': false });

describe('ranking weights and scores', () => {
  test('defaults, a subset overridden, and the formula in words', () => {
    expect(parseWeights('')).toEqual(DEFAULT_WEIGHTS);
    expect(parseWeights('onTime=3, letter=8')).toEqual({ ...DEFAULT_WEIGHTS, onTime: 3, letter: 8 });
    expect(parseWeights('OVERDUECAP=5').overdueCap).toBe(5);
    expect(formulaText(DEFAULT_WEIGHTS)).toBe('得分 = 100 + 2×按期办结数 − 1×超期工作日数（每项每期最多计 10 日） − 3×退回次数 − 5×督导提示函数；申诉成立的扣分项不计；“较上月”为名次升降。');
  });

  test.each([
    ['onTime', 'expected entries such as onTime=2'],
    ['clicks=1', 'unknown weight "clicks"'],
    ['onTime=-1', 'expected entries such as onTime=2'],
    ['overdueCap=0', 'overdueCap must be a whole number'],
    ['overdueCap=2.5', 'overdueCap must be a whole number'],
  ])('a bad weight "%s" is refused: %s', (text, message) => {
    expect(() => parseWeights(text)).toThrow(message);
  });

  test('a bad RANKING_WEIGHTS stops the configuration with the variable named', () => {
    expect(() => loadConfig({ RANKING_WEIGHTS: 'online=5' })).toThrow(/^RANKING_WEIGHTS: unknown weight "online"/);
    expect(loadConfig({ RANKING_WEIGHTS: 'return=4' }).RANKING_WEIGHTS.return).toBe(4);
  });

  test('score, its terms, ranks shared on equal scores and the change in places', () => {
    const t = { ...emptyTally('A'), closed: 4, onTime: 3, overdueWorkdays: 4, returns: 0, letters: 1 };
    expect(scoreOf(t, DEFAULT_WEIGHTS)).toBe(97);
    expect(scoreTerms(t, DEFAULT_WEIGHTS)).toBe('100 + 2×3 − 1×4 − 5×1 = 97');
    const rows = rankUnits([t, { ...emptyTally('B') }, { ...emptyTally('C'), closed: 1 }, { ...emptyTally('D'), onTime: 1, closed: 1, returns: 1 }], DEFAULT_WEIGHTS, new Map([['A', 1], ['B', 4]]));
    // C and B share first place (C has an on-time rate, B closed nothing), D third, A fourth
    expect(rows.map((r) => [r.unit, r.rank, r.score, r.change])).toEqual([
      ['C', 1, 100, null],
      ['B', 1, 100, 3],
      ['D', 3, 99, null],
      ['A', 4, 97, -3],
    ]);
  });

  test('equal scores: the better on-time rate comes first, then the code', () => {
    const rows = rankUnits([{ ...emptyTally('Z'), closed: 2, onTime: 0, overdueWorkdays: 0 }, { ...emptyTally('Y') }, { ...emptyTally('X'), closed: 1, onTime: 0 }], DEFAULT_WEIGHTS);
    expect(rows.map((r) => r.unit)).toEqual(['X', 'Z', 'Y']);
    expect(rows.map((r) => r.rank)).toEqual([1, 1, 1]);
  });
});

describe('periods and workdays overdue', () => {
  test('months and years, the period before, bad labels', () => {
    expect(parsePeriod('2026-11')).toEqual({ kind: 'month', label: '2026-11', from: '2026-11-01', to: '2026-11-30' });
    expect(parsePeriod('2028-02')!.to).toBe('2028-02-29');
    expect(parsePeriod('2026')).toEqual({ kind: 'year', label: '2026', from: '2026-01-01', to: '2026-12-31' });
    expect(previousPeriod(parsePeriod('2026-01')!).label).toBe('2025-12');
    expect(previousPeriod(parsePeriod('2026')!).label).toBe('2025');
    for (const bad of ['2026-13', '2026-00', '26-11', '2026/11', 'November', '1999', '2026-1']) expect(parsePeriod(bad)).toBeNull();
  });

  test('the first workday of a month, and from the 20th, follow holidays', () => {
    expect(isFirstWorkdayOfMonth('2026-10-09', holidays)).toBe(true); // 1–8 off
    expect(isFirstWorkdayOfMonth('2026-10-12', holidays)).toBe(false);
    expect(isFirstWorkdayOfMonth('2026-12-01', monFri)).toBe(true);
    expect(isFirstWorkdayOfMonth('2026-11-02', monFri)).toBe(true); // the 1st is a Sunday
    expect(isFirstWorkdayOfMonth('2026-11-03', monFri)).toBe(false);
    expect(isFirstWorkdayFrom('2026-06-22', '2026-06-20', holidays)).toBe(true); // 20 Sat, 21 Sun
    expect(isFirstWorkdayFrom('2026-11-20', '2026-11-20', monFri)).toBe(true);
    expect(isFirstWorkdayFrom('2026-11-23', '2026-11-20', monFri)).toBe(false);
    expect(isFirstWorkdayFrom('2026-11-19', '2026-11-20', monFri)).toBe(false);
  });

  test('overdue workdays are counted inside the period only', () => {
    const nov = parsePeriod('2026-11')!;
    expect(overdueWorkdaysWithin('2026-11-13', '2026-11-18', nov, monFri)).toBe(3);
    expect(overdueWorkdaysWithin('2026-10-30', '2026-11-04', nov, monFri)).toBe(3); // from Nov 1
    expect(overdueWorkdaysWithin('2026-11-25', '2026-12-04', nov, monFri)).toBe(3); // to Nov 30
    expect(overdueWorkdaysWithin('2026-11-25', '2026-11-25', nov, monFri)).toBe(0);
    expect(overdueWorkdaysWithin('2026-12-10', '2026-12-20', nov, monFri)).toBe(0);
  });

  test('the running workday count agrees with the calendar, in both directions and across a rebuild', () => {
    const counter = new WorkdayCounter(holidays);
    const days = Array.from({ length: 60 }, (_, i) => addDays('2026-06-01', i * 7 - 200));
    for (const a of days) for (const b of days.slice(0, 20)) expect(counter.between(a, b)).toBe(holidays.workdaysBetween(a, b));
    expect(counter.between('2020-01-01', '2020-01-08')).toBe(holidays.workdaysBetween('2020-01-01', '2020-01-08'));
  });

  test('a tally caps each task, skips cancelled ones and appealed deductions, item by item', () => {
    // X's overdue and 〔2026〕第1号 were appealed with success; its return and 第2号 were not
    const excluded = exclusionsOf([{ code: 'X', items: { overdueWorkdays: 6, returns: 0, letters: ['2026-1'] } }]);
    const t = new PeriodTally(parsePeriod('2026-11')!, '2026-12-01', 'Asia/Shanghai', monFri, DEFAULT_WEIGHTS, excluded);
    t.addTask({ code: 'A', leadUnit: 'U', state: 'in_progress', deadline: '2026-10-01' }); // 21 workdays in Nov → 10
    t.addTask({ code: 'B', leadUnit: 'U', state: 'cancelled', deadline: '2026-10-01' });
    t.addTask({ code: 'X', leadUnit: 'U', state: 'closed', deadline: '2026-11-02', closedAt: new Date('2026-11-10T10:00:00+08:00') });
    t.addTask({ code: 'C', leadUnit: 'V', state: 'closed', deadline: '2026-11-30', closedAt: new Date('2026-11-30T23:30:00+08:00') });
    t.addReturn('U', 'X');
    t.addReturn('U', 'A');
    t.addLetter('U', '2026-1');
    t.addLetter('U', '2026-2');
    expect(t.tallies(['W'])).toEqual([
      { unit: 'U', dispatched: 0, closed: 1, onTime: 0, overdueWorkdays: 10, returns: 2, letters: 1 },
      { unit: 'V', dispatched: 0, closed: 1, onTime: 1, overdueWorkdays: 0, returns: 0, letters: 0 },
      { unit: 'W', dispatched: 0, closed: 0, onTime: 0, overdueWorkdays: 0, returns: 0, letters: 0 },
    ]);
  });
});

describe('appeals: one item or all of a task', () => {
  const d = { overdueWorkdays: 4, returns: 0, letters: [{ id: '2026-3', year: 2026, number: 3 }, { id: '2026-9', year: 2026, number: 9 }] };

  test('an item stands alone at the front of the reason; else the whole task is appealed', () => {
    expect(splitAppealItem('超期 系上级规划调整所致')).toEqual({ choice: { kind: 'overdue' }, reason: '系上级规划调整所致' });
    expect(splitAppealItem('超期系上级规划调整所致')).toEqual({ choice: { kind: 'all' }, reason: '超期系上级规划调整所致' });
    expect(splitAppealItem('〔2026〕第9号 已按期报送')).toEqual({ choice: { kind: 'letter', year: 2026, number: 9 }, reason: '已按期报送' });
    expect(splitAppealItem('第3号　已报送')).toEqual({ choice: { kind: 'letter', year: undefined, number: 3 }, reason: '已报送' });
    expect(splitAppealItem('提示函')).toEqual({ choice: { kind: 'letters' }, reason: '' });
    expect(splitAppealItem('  退回 审核标准有误 ')).toEqual({ choice: { kind: 'returns' }, reason: '审核标准有误' });
  });

  test('the items cover just the choice; a choice that costs nothing is refused by name', () => {
    expect(appealItems('DB-1', d, { kind: 'all' })).toEqual({ ok: true, items: { overdueWorkdays: 4, returns: 0, letters: ['2026-3', '2026-9'] } });
    expect(appealItems('DB-1', d, { kind: 'overdue' })).toEqual({ ok: true, items: { overdueWorkdays: 4, returns: 0, letters: [] } });
    expect(appealItems('DB-1', d, { kind: 'letter', number: 9 })).toEqual({ ok: true, items: { overdueWorkdays: 0, returns: 0, letters: ['2026-9'] } });
    expect(appealItems('DB-1', d, { kind: 'returns' })).toEqual({ ok: false, message: 'DB-1 没有被退回，无需对退回申诉。' });
    expect(appealItems('DB-1', d, { kind: 'letter', year: 2025, number: 9 })).toEqual({ ok: false, message: 'DB-1 没有督导提示函〔2025〕第9号（该事项的提示函：〔2026〕第3号、〔2026〕第9号）。' });
    expect(appealItems('DB-1', { overdueWorkdays: 0, returns: 0, letters: [] }, { kind: 'all' })).toMatchObject({ ok: false, message: expect.stringContaining('无需申诉') });
    expect(appealItemsText({ overdueWorkdays: 4, returns: 1, letters: ['2026-9'] })).toBe('超期 4 个工作日、退回 1 次、督导提示函〔2026〕第9号');
  });
});

describe('minutes: decisions from the form', () => {
  const agenda = new Set(['E1', 'E2']);
  const ctx = { org, today: '2026-12-01', agenda };

  test('numbered decisions split; each goes to the selected unit it names', () => {
    expect(splitDecisions('1. 住建局牵头审定方案\n   补充说明\n2、自然资源局报批')).toEqual(['住建局牵头审定方案\n补充说明', '自然资源局报批']);
    expect(splitDecisions('（一）甲\n（二）乙')).toEqual(['甲', '乙']);
    expect(splitDecisions('由住建局牵头，自然资源局配合')).toEqual(['由住建局牵头，自然资源局配合']);
    const r = planMinutes({ date: '2026-12-01 +0800', attendees: '王市长', items: [{ escalationId: 'E1', decision: '1. 资源局完成规划调整报批\n2. 住建局牵头、梅山镇配合审定补偿方案', units: ['MSZ', 'ZJJ', 'ZRZYJ'], deadline: '2026-12-20' }, { escalationId: 'E2', decision: '', units: [], deadline: '' }] }, ctx);
    expect(r).toEqual({
      ok: true,
      date: '2026-12-01',
      attendees: '王市长',
      decisions: [
        { escalationId: 'E1', item: 0, title: '资源局完成规划调整报批', text: '资源局完成规划调整报批', leadUnit: 'ZRZYJ', coUnits: [], deadline: '2026-12-20' },
        { escalationId: 'E1', item: 0, title: '住建局牵头、梅山镇配合审定补偿方案', text: '住建局牵头、梅山镇配合审定补偿方案', leadUnit: 'MSZ', coUnits: ['ZJJ'], deadline: '2026-12-20' },
      ],
    });
  });

  test('one unnumbered decision: the first selected unit leads', () => {
    const r = planMinutes({ date: '2026-11-28', attendees: 'x', items: [{ escalationId: 'E2', decision: '两部门联合办理', units: ['ZJJ', 'ZRZYJ'], deadline: '2026-12-01' }] }, ctx);
    expect(r.ok && r.decisions.map((d) => [d.leadUnit, d.coUnits])).toEqual([['ZJJ', ['ZRZYJ']]]);
  });

  test.each([
    [{ date: '', attendees: 'x', items: [{ escalationId: 'E1', decision: 'd', units: ['ZJJ'], deadline: '2026-12-20' }] }, '请选择会议日期'],
    [{ date: '2026-12-02', attendees: 'x', items: [{ escalationId: 'E1', decision: 'd', units: ['ZJJ'], deadline: '2026-12-20' }] }, '还没到'],
    [{ date: '2026-12-01', attendees: ' ', items: [{ escalationId: 'E1', decision: 'd', units: ['ZJJ'], deadline: '2026-12-20' }] }, '请填写参会人员'],
    [{ date: '2026-12-01', attendees: 'x', items: [{ escalationId: 'E9', decision: 'd', units: ['ZJJ'], deadline: '2026-12-20' }] }, 'E9 不在待研究的议程上'],
    [{ date: '2026-12-01', attendees: 'x', items: [{ escalationId: 'E1', decision: 'd', units: [], deadline: '2026-12-20' }] }, '议题 1：请选择落实单位'],
    [{ date: '2026-12-01', attendees: 'x', items: [{ escalationId: 'E1', decision: 'd', units: ['XYZ'], deadline: '2026-12-20' }] }, '找不到落实单位 XYZ'],
    [{ date: '2026-12-01', attendees: 'x', items: [{ escalationId: 'E1', decision: 'd', units: ['ZJJ'], deadline: '12月20日' }] }, '请选择完成时限'],
    [{ date: '2026-12-01', attendees: 'x', items: [{ escalationId: 'E1', decision: 'd', units: ['ZJJ'], deadline: '2026-11-30' }] }, '已过去'],
    [{ date: '2026-12-01', attendees: 'x', items: [{ escalationId: 'E1', decision: ' ', units: ['ZJJ'], deadline: '2026-12-20' }] }, '没有填写任何会议决定'],
  ])('bad minutes are refused with what is wrong (%#)', (input, message) => {
    const r = planMinutes(input, ctx);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.join('；')).toContain(message);
  });
});

describe('通报 syntax', () => {
  test('objects first, then the content; 标题 and 发送到 lines', () => {
    const r = parseBulletin('批评 DB-2026-0001 梅山镇、住建局 超期未办结，责令整改\n标题：关于超期事项的通报\n发送到：各督导组、梅山镇、本群', org);
    expect(r).toEqual({ ok: true, draft: { kind: '批评', title: '关于超期事项的通报', body: '超期未办结，责令整改', tasks: ['DB-2026-0001'], units: ['MSZ', 'ZJJ'], targets: { units: ['MSZ'], groups: ['G0', 'G1', 'G2'], here: true } } });
    const preview = parseBulletin('表扬 住建 提前完成老旧小区改造', org);
    expect(preview).toMatchObject({ ok: true, draft: { kind: '表扬', units: ['ZJJ'], body: '提前完成老旧小区改造', targets: null } });
    expect(parseBulletin('表扬 ZJJ 好\n发送到：各单位', org)).toMatchObject({ ok: true, draft: { targets: { units: ['MSZ', 'ZJJ', 'LDZ', 'ZRZYJ'] } } });
  });

  test.each([
    ['', '请写明通报的种类'],
    ['嘉奖 梅山镇 很好', '请写明通报的种类'],
    ['表扬 工作很好', '请在“通报 表扬”后写上被通报的督办单编号或单位名称'],
    ['批评 DB-2026-0001', '请写明通报内容'],
    ['批评 梅山镇 超期\n发送到：火星局', '“发送到”中找不到：火星局'],
    ['批评 梅山镇 超期\n发送到：', '“发送到”后请写明发布范围'],
  ])('“通报 %s” is answered with: %s', (body, message) => {
    const r = parseBulletin(body, org);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(message);
  });
});

describe('the appeal card footer names what an upheld appeal removes (issue 14, rough edge 14)', () => {
  test.each([
    [{ overdueWorkdays: 0, returns: 0, letters: ['2026-3'] }, '申诉成立：督导提示函〔2026〕第3号不再计入排名扣分（该提示函视为撤销）；维持原评：计分不变。'],
    [{ overdueWorkdays: 4, returns: 0, letters: [] }, '申诉成立：超期 4 个工作日不再计入排名扣分；维持原评：计分不变。'],
    [{ overdueWorkdays: 0, returns: 2, letters: [] }, '申诉成立：退回 2 次不再计入排名扣分；维持原评：计分不变。'],
    [{ overdueWorkdays: 4, returns: 1, letters: ['2026-3', '2026-5'] }, '申诉成立：超期 4 个工作日、退回 1 次、督导提示函〔2026〕第3号、〔2026〕第5号不再计入排名扣分（这些提示函视为撤销）；维持原评：计分不变。'],
  ])('%j', (items, footer) => {
    expect(appealFooter(items)).toBe(footer);
  });
});
