import fc from 'fast-check';
import { parseHighlight } from '../../src/features/results/highlight';
import { LIMITS } from '../../src/limits';
import { org } from '../fixtures/dispatch/org';

/**
 * `亮点 单位 标题 内容` against generated text: always an answer, never an exception; what it reads is
 * what was written (the unit's code, the title as one word, the rest as the content); a refusal is in
 * Chinese.
 */
jest.setTimeout(120_000);
const RUNS = 3_000;
const units = ['梅山镇', '住建局', '自然资源局', '罗东镇', '霞美镇'];
const codes: Record<string, string> = { 梅山镇: 'MSZ', 住建局: 'ZJJ', 自然资源局: 'ZRZYJ', 罗东镇: 'LDZ', 霞美镇: 'XMZ' };
const char = fc.constantFrom('征', '迁', '包', '户', '到', '人', '1', '7', '，', '。', 'a', '😀', '（', '）', '\u0000', '‮');
const word = fc.string({ unit: char, minLength: 1, maxLength: 12 });
const gap = fc.constantFrom(' ', '  ', '\u3000', '\t', ' \n ');
const any = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...units, ' ', '\u3000', '\n', '亮点', '征迁', '、', 'x', '😀'), maxLength: 40 }),
  fc.constantFrom('', ' ', '\u3000', '梅山镇', '梅山镇 标题', `梅山镇 ${'长'.repeat(80)} 内容`, `梅山镇 标题 ${'很'.repeat(LIMITS.noteChars + 1)}`),
);

describe('parseHighlight on generated text', () => {
  it('always answers, never throws; what it accepts is well formed, a refusal is in Chinese and short', () => {
    fc.assert(
      fc.property(any, (text) => {
        const r = parseHighlight(text, org);
        if (r.ok) {
          expect(org.units.map((u) => u.code)).toContain(r.unit);
          expect(r.title).not.toMatch(/\s/);
          expect(r.content.length).toBeGreaterThan(0);
        } else {
          expect(r.message).toMatch(/[\u4e00-\u9fff]/);
          expect(r.message.length).toBeLessThan(2_000);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('reads back what was written: the unit, the title as one word, the rest as the content', () => {
    fc.assert(
      fc.property(fc.constantFrom(...units), word, gap, fc.array(word, { minLength: 1, maxLength: 5 }), gap, (unit, title, g, content, g2) => {
        const body = content.join(' ');
        const r = parseHighlight(`${unit}${g}${title}${g2}${body}`, org);
        const trimmedTitle = title.trim();
        fc.pre(trimmedTitle.length > 0 && body.trim().length > 0 && !/\s/.test(title) && [...title].length <= LIMITS.reportTitleChars);
        expect(r).toEqual({ ok: true, unit: codes[unit], title: trimmedTitle, content: body.trim() });
      }),
      { numRuns: RUNS },
    );
  });
});
