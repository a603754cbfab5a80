import { parseDeadline, parseDispatch, type ParseContext } from '../../src/domain/dispatch';
import { LIMITS } from '../../src/limits';
import { HOSTILE } from '../fixtures/dispatch/hostile';
import { ctx } from '../fixtures/dispatch/org';

const UNIT_AND_DATE = '责任单位：梅山镇\n完成时限：12月15日前';
const messages = (text: string, c: ParseContext = ctx()): string[] => {
  const r = parseDispatch(text, c);
  return r.ok ? [] : r.problems.map((p) => p.message);
};
const item = (i: number, extra = '') => `${i}. 事项${i}\n${UNIT_AND_DATE}${extra}`;

describe('parseDispatch: the limits of src/limits.ts, checked before the work', () => {
  it('a paste over dispatchChars is refused with the limit named, before any parsing', () => {
    const steps = { n: 0 };
    const text = `${item(1)}\n工作要求：${'甲'.repeat(LIMITS.dispatchChars)}`;
    expect(messages(text, ctx({ steps }))).toEqual([`派单内容 ${(text.length).toLocaleString('en-US')} 字，超过上限 64,000 字，请分批派发`]);
    expect(steps.n).toBe(0);
  });

  it('more than dispatchItems items are refused as a whole', () => {
    const text = Array.from({ length: LIMITS.dispatchItems + 1 }, (_, i) => item(i + 1)).join('\n');
    expect(messages(text)).toEqual(['派单事项 201 项，超过上限 200 项，请分批派发']);
    expect(parseDispatch(Array.from({ length: LIMITS.dispatchItems }, (_, i) => item(i + 1)).join('\n'), ctx()).ok).toBe(true);
  });

  it('an item numbered 1000 is refused, not merged into the item before it', () => {
    for (const num of ['1000. ', '1000、', '(1000)', '第1000项：', '123456. ']) {
      expect(messages(`1. 甲\n${UNIT_AND_DATE}\n${num}乙\n${UNIT_AND_DATE}`)).toEqual([`第2项：事项编号 ${Number(num.replace(/\D/g, '')).toLocaleString('en-US')} 项，超过上限 200 项，请分批派发`]);
    }
  });

  it('a title over titleChars is refused, never cut', () => {
    expect(parseDispatch(`1. ${'甲'.repeat(LIMITS.titleChars)}\n${UNIT_AND_DATE}`, ctx()).ok).toBe(true);
    expect(messages(`1. ${'甲'.repeat(LIMITS.titleChars + 1)}\n${UNIT_AND_DATE}`)).toEqual(['第1项：事项标题 101 字，超过上限 100 字，请精简标题，详细内容写在“工作要求”中']);
  });

  it('a requirement over requirementChars is refused, never cut (an 11,951-character one was cut on the card)', () => {
    expect(parseDispatch(`${item(1)}\n工作要求：${'乙'.repeat(LIMITS.requirementChars)}`, ctx()).ok).toBe(true);
    expect(messages(`${item(1)}\n工作要求：${'乙'.repeat(11_951)}`)).toEqual(['第1项：工作要求 11,951 字，超过上限 2,000 字，请精简，或将附件材料另行发送']);
  });

  it('more than unitsPerItem units in one item are refused before any is looked up', () => {
    expect(messages(`1. 标题\n责任单位：${'梅山镇x、'.repeat(1000)}\n完成时限：12月15日前`)).toEqual(['第1项：本项所列单位 1,000 个，超过上限 30 个，请分项派发']);
  });

  it('a unit name over unitNameChars is refused (a run of 。 after the name)', () => {
    expect(messages(`1. 标题\n责任单位：梅山镇${'。'.repeat(2000)}x\n完成时限：12月15日前`)).toEqual([
      `第1项：责任单位“梅山镇${'。'.repeat(9)}…”：单位名称 2,004 字，超过上限 50 字，请用顿号（、）分隔各单位`,
    ]);
  });

  it('a deadline over deadlineChars is refused', () => {
    expect(messages(`1. 标题\n责任单位：梅山镇\n完成时限：${'，'.repeat(2000)}x`)).toEqual(['第1项：完成时限 2,001 字，超过上限 500 字，请只写截止日期和阶段节点']);
  });

  it('a table row with more cells than sheetColumns is refused', () => {
    expect(messages(`事项\t责任单位\t完成时限\n甲\t梅山镇\t12月15日前${'\t'.repeat(200)}`)).toEqual(['第1行：表格列数 203 列，超过上限 100 列，请检查是否有单元格错位']);
  });
});

describe('parseDispatch: linear work on hostile inputs (steps counted, not timed)', () => {
  const steps = (text: string): number => {
    const s = { n: 0 };
    parseDispatch(text, ctx({ steps: s }));
    return s.n;
  };
  it.each(Object.keys(HOSTILE))('%s: four times the text, at most 4.5 times the steps', (name) => {
    const n = 3_000;
    const small = steps(HOSTILE[name](n));
    const large = steps(HOSTILE[name](4 * n));
    expect(small).toBeGreaterThan(n / 2); // the counter sees the work
    expect(large).toBeLessThanOrEqual(4.5 * small);
  });
});

describe('parseDeadline: linear work past the field limit too (it is also used alone)', () => {
  const inputs: Record<string, (n: number) => string> = {
    'many dates': (n) => '12月1日，'.repeat(n / 6),
    'commas then x': (n) => `${'，'.repeat(n)}x`,
    'spaces after a date': (n) => `12月1日${' '.repeat(n)}x`,
    'numerals': (n) => `${'一'.repeat(n)}x`,
    'ranges': (n) => '12月1日至12月20日'.repeat(n / 11),
    'dashes': (n) => `12月1日${'—'.repeat(n)}x`,
  };
  const steps = (text: string): number => {
    const s = { n: 0 };
    const c = ctx();
    parseDeadline(text, { now: c.now, tz: c.tz, calendar: c.calendar, steps: s });
    return s.n;
  };
  it.each(Object.keys(inputs))('%s: four times the text, at most 4.5 times the steps', (name) => {
    const small = steps(inputs[name](3_000));
    expect(small).toBeGreaterThan(1_500);
    expect(steps(inputs[name](12_000))).toBeLessThanOrEqual(4.5 * small);
  });
});
