import fc from 'fast-check';
import { parseProjectForm, parseProjectText, type ProjectForm } from '../../src/domain/project-text';
import { DEFAULT_CATEGORIES } from '../../src/domain/task';
import { readProjectForm, PROJECT_FORM_MILESTONES } from '../../src/features/projects/form';
import { planGroupMeeting } from '../../src/features/group-meetings/plan';
import { parseSettleForm } from '../../src/features/visits/settle';
import { LIMITS } from '../../src/limits';
import { calendar, NOV25, org } from '../fixtures/dispatch/org';

/**
 * Generated submissions of the form cards (立项, 专题协调会, 现场处置) against their pure parsers: always a
 * value, never an exception; a clean result keeps the rules; a refusal names its problems in Chinese
 * (no English field name), and one bad field refuses the whole form.
 */
jest.setTimeout(120_000);
const RUNS = 2_000;
const categories = [...DEFAULT_CATEGORIES];
const ctx = { now: NOV25, tz: 'Asia/Shanghai', calendar, org, groups: ['G1'], categories };
const today = '2026-11-25';
const ENGLISH_FIELD = /\b(name|category|lead_unit|co_units|group|leader|deadline|progress|decision|units|topic|attendees|date)\b/;

const word = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('梅山镇', '住建局', '自然资源局', '罗东镇', '霞美镇', '旧城改造办', '各乡镇', '', ' ', '、', '茂盛路二期', '完成签约', '重点项目', '征迁', '形象工程', 'G1', 'G2', '第一专项督导组', '王五', '张三') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('梅', '山', '镇', '局', '、', '（', '）', ' ', '1', '-', '\n', '：', 'x', '\u0000', '😀'), maxLength: 6 }) }, // no English words: refusals may quote what was typed
);
const field = fc.array(word, { maxLength: 4 }).map((a) => a.join(''));
const day = fc.oneof(fc.constantFrom('', '2026-11-01', '2026-11-25', '2026-12-31', '2027-03-31', '2026-02-30', '2026-12-31 +0800', '下月'), fc.date({ min: new Date('2025-01-01'), max: new Date('2028-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
const projectForm = fc.record({
  name: field,
  category: fc.oneof(fc.constantFrom(...categories, '', '重点线性工程'), field),
  leadUnit: field,
  coUnits: field,
  group: fc.constantFrom('', 'G1', 'G2', '第一专项督导组', '不存在组'),
  leader: fc.constantFrom('', '王五', '张三'),
  milestones: fc.array(fc.record({ date: day, label: field }), { maxLength: PROJECT_FORM_MILESTONES }),
});

describe('the 立项 form parser', () => {
  it('answers a draft within the rules or problems in Chinese, and never throws', () => {
    fc.assert(
      fc.property(projectForm, (f) => {
        const r = parseProjectForm(f, ctx);
        if (r.ok) {
          expect(r.draft.name.length).toBeGreaterThan(0);
          expect([...r.draft.name].length).toBeLessThanOrEqual(LIMITS.titleChars);
          expect(categories).toContain(r.draft.category);
          expect(r.draft.group).toBe('G1');
          expect(org.unitsOfGroup('G1').map((u) => u.code)).toContain(r.draft.leadUnit);
          expect(r.draft.milestones.length).toBeGreaterThan(0);
          for (const m of r.draft.milestones) expect(m.date >= today && m.label.length > 0).toBe(true);
        } else {
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) {
            expect(p.where.length > 0 && p.message.length > 0).toBe(true);
            expect(p.message).not.toMatch(ENGLISH_FIELD);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('reads any submission (fields of any type) into the form, and agrees with the pasted list on a clean one', () => {
    const anyValue = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('name', 'category', 'lead_unit', 'co_units', 'group', 'leader', 'deadline_0', 'progress_0', 'deadline_5', 'other'), anyValue), (raw) => {
        const f = readProjectForm(raw);
        expect(f.milestones).toHaveLength(PROJECT_FORM_MILESTONES);
        expect(() => parseProjectForm(f, ctx)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
    const clean: ProjectForm = { name: '茂盛路二期', category: '征迁', leadUnit: '梅山镇', coUnits: '住建局', group: 'G1', leader: '', milestones: [{ date: '2026-12-31', label: '完成签约' }] };
    expect(parseProjectForm(clean, ctx)).toEqual(parseProjectText('项目：茂盛路二期\n类别：征迁\n牵头单位：梅山镇\n配合单位：住建局\n节点：12月31日前 完成签约', ctx));
  });

  it('one bad field in a clean form refuses the whole form and names that field', () => {
    const clean: ProjectForm = { name: '茂盛路二期', category: '征迁', leadUnit: '梅山镇', coUnits: '住建局、自然资源局', group: 'G1', leader: '王五', milestones: [{ date: '2026-12-31', label: '完成签约' }, { date: '2027-03-31', label: '道路贯通' }] };
    const bads: [keyof ProjectForm | 'm', string, string][] = [['name', '', '项目名称'], ['category', '形象工程', '类别'], ['leadUnit', '罗东镇', '牵头单位'], ['coUnits', '住建局、梅花所', '配合单位'], ['group', '第二专项督导组', '督导组'], ['leader', '张三', '挂钩市领导'], ['m', '2026-11-01', '节点 2']];
    fc.assert(
      fc.property(fc.constantFrom(...bads), ([k, v, where]) => {
        const f: ProjectForm = k === 'm' ? { ...clean, milestones: [clean.milestones[0], { date: v, label: '道路贯通' }] } : { ...clean, [k]: v };
        const r = parseProjectForm(f, ctx);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.problems.map((p) => p.where)).toContain(where);
      }),
    );
    expect(parseProjectForm(clean, ctx).ok).toBe(true);
  });
});

const unitCode = fc.constantFrom('MSZ', 'ZJJ', 'ZRZYJ', 'LDZ', 'NOPE', ' ', '');
describe('the 专题协调会 form parser', () => {
  const item = fc.record({ decision: field, units: fc.array(unitCode, { maxLength: 4 }), deadline: day, up: fc.boolean() });
  const input = fc.record({ date: day, topic: field, attendees: field, units: fc.array(unitCode, { maxLength: 4 }), items: fc.array(item, { maxLength: 5 }) });
  const scope = org.unitsOfGroup('G1').map((u) => u.code);
  it('answers a plan within the rules or problems in Chinese, and never throws', () => {
    fc.assert(
      fc.property(input, (i) => {
        const r = planGroupMeeting(i, { org, today, scope });
        if (r.ok) {
          expect(r.date <= today).toBe(true);
          expect(r.topic && r.attendees).toBeTruthy();
          expect(r.decisions.length + r.sentUp.length).toBeGreaterThan(0);
          for (const d of r.decisions) {
            expect(scope).toContain(d.leadUnit);
            expect(d.deadline >= today).toBe(true);
          }
        } else {
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) expect(p).not.toMatch(ENGLISH_FIELD);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the 现场处置 form parser', () => {
  const raw = fc.record({ decision: fc.oneof(field, fc.integer(), fc.constant(undefined)), units: fc.oneof(field, fc.array(fc.constantFrom('梅山镇', '住建局', '梅花所'), { maxLength: 3 })), deadline: day }, { requiredKeys: [] });
  it('answers a settlement within the rules or problems in Chinese, and never throws', () => {
    fc.assert(
      fc.property(raw, (form) => {
        const r = parseSettleForm(form as Record<string, unknown>, { org, today });
        if (r.ok) {
          expect(r.decision.length).toBeGreaterThan(0);
          expect(r.units.length).toBeGreaterThan(0);
          for (const u of r.units) expect(org.unit(u)).toBeDefined();
          expect(r.deadline >= today).toBe(true);
        } else {
          expect(r.problems.length).toBeGreaterThan(0);
          for (const p of r.problems) expect(p).not.toMatch(ENGLISH_FIELD);
        }
      }),
      { numRuns: RUNS },
    );
    expect(parseSettleForm({ decision: '', units: '梅花所', deadline: '2026-11-01' }, { org, today })).toMatchObject({ ok: false, problems: ['请填写现场处置决定', expect.stringContaining('责任单位：'), '完成时限 2026-11-01 已过去'] });
  });
});
