import fc from 'fast-check';
import { parseProjectText } from '../../src/domain/project-text';
import { LIMITS } from '../../src/limits';
import { calendar, NOV25, org } from '../fixtures/dispatch/org';

/**
 * Generated 立项 texts against the pure parser: always a value, never an exception; a clean project is
 * within the limits and the author's group; one bad line anywhere refuses the whole text and is named.
 */
jest.setTimeout(60_000);
const RUNS = 10_000;
const ctx = { now: NOV25, tz: 'Asia/Shanghai', calendar, org, groups: ['G1'] };

const TOKENS = [
  '项目：', '项目名称：', '类别：', '牵头单位：', '配合单位：', '督导组：', '市领导：', '节点：', '节点2：', '【节点】', '负责人：', '备注：',
  '茂盛路二期', '霞美工业园', '重点项目', '重点线性工程', '梅山镇', '住建局', '自然资源局', '罗东镇', '各乡镇（街道）', '（牵头）', '、', '，', ' ',
  '第一专项督导组', '第二专项督导组', 'G1', '王五', '12月31日前', '2027年3月31日前', '12月底前', '待定', '11月1日前', '3个工作日', '完成签约', '道路贯通',
  '\n', '\n\n', ':', '：', '1. ', '（一）',
];
const CHARS = fc.string({ unit: 'binary', maxLength: 4 });
const soup = fc.array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: CHARS }), { maxLength: 40 }).map((a) => a.join(''));

const GOOD_LINES = ['项目：茂盛路二期征迁工程', '类别：重点项目', '牵头单位：梅山镇', '配合单位：住建局、自然资源局', '督导组：第一专项督导组', '节点：12月31日前 完成剩余征迁签约', '节点：2027年3月31日前 完成管线迁改', '节点：2027年6月30日前 道路全线贯通'];
const BAD_LINES = ['配合单位：自然资源所', '节点：待定 完成管线迁改', '负责人：张三', '节点：11月1日前 完成签约', '节点：12月20日前', '牵头单位：罗东镇', '督导组：第二专项督导组', '随便写一句话', '项目：'];

describe('parseProjectText on 10,000 generated texts', () => {
  it('answers a draft within the limits or problems in words, and never throws', () => {
    fc.assert(
      fc.property(soup, (text) => {
        const r = parseProjectText(text, ctx);
        if (r.ok) {
          expect(r.draft.name.length).toBeGreaterThan(0);
          expect([...r.draft.name].length).toBeLessThanOrEqual(LIMITS.titleChars);
          expect(r.draft.group).toBe('G1');
          expect(org.unitsOfGroup('G1').map((u) => u.code)).toContain(r.draft.leadUnit);
          expect(r.draft.milestones.length).toBeGreaterThan(0);
          for (const m of r.draft.milestones) {
            expect(m.date >= '2026-11-25').toBe(true);
            expect(m.label.length).toBeGreaterThan(0);
          }
        } else {
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) expect(p.message.length > 0 && p.where.length > 0).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a clean project with one bad line put anywhere is refused whole, the bad line named', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([GOOD_LINES[1], GOOD_LINES[3], GOOD_LINES[4], GOOD_LINES[6], GOOD_LINES[7]], { minLength: 0 }), fc.constantFrom(...BAD_LINES), fc.nat(), (rest, bad, at) => {
        const good = [GOOD_LINES[0], GOOD_LINES[2], ...rest, GOOD_LINES[5]];
        expect(parseProjectText(good.join('\n'), ctx).ok).toBe(true);
        const lines = [...good];
        const pos = at % (lines.length + 1);
        if (bad === '项目：') lines[0] = bad; // the name line emptied
        else lines.splice(pos, 0, bad);
        const r = parseProjectText(lines.join('\n'), ctx);
        expect(r.ok).toBe(false);
        if (r.ok) return;
        const badLine = bad === '项目：' ? 1 : pos + 1;
        expect(r.problems.some((p) => p.where === `第${badLine}行`)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
