import { calendar, ctx as dctx, NOV25, org } from '../fixtures/dispatch/org';
import { parseDispatch } from '../../src/domain/dispatch';
import { findProject } from '../../src/domain/project';
import { parseProjectForm, parseProjectText, type ProjectForm } from '../../src/domain/project-text';
import { DEFAULT_CATEGORIES } from '../../src/domain/task';
import { attachWords } from '../../src/features/projects';
import { projectCard } from '../../src/features/projects/card';
import { projectFormCard, readProjectForm } from '../../src/features/projects/form';
import { cardText, findButton } from '../../src/cards/inspect';

/** The 立项 form and the review findings on projects (docs/rules.md#projects), at the lowest level each lives. */
const categories = [...DEFAULT_CATEGORIES];
const base = { now: NOV25, tz: 'Asia/Shanghai', calendar, org, groups: ['G1'], categories };
const TEXT = '项目：茂盛路二期\n牵头单位：梅山镇\n节点：12月20日前 完成场平';

const FORM: ProjectForm = { name: '霞美工业园二期', category: '重点项目', leadUnit: '霞美镇', coUnits: '住建局、自然资源局', group: 'G1', leader: '', milestones: [{ date: '2027-03-31', label: '完成管线迁改' }, { date: '2026-12-31', label: '完成场平' }, { date: '', label: '' }] };

describe('the 立项 form', () => {
  it('a clean form makes the same draft the pasted list would', () => {
    const r = parseProjectForm(FORM, base);
    expect(r).toEqual({ ok: true, draft: { name: '霞美工业园二期', category: '重点项目', leadUnit: 'XMZ', coUnits: ['ZJJ', 'ZRZYJ'], group: 'G1', leader: 'P-L1', milestones: [{ date: '2026-12-31', label: '完成场平' }, { date: '2027-03-31', label: '完成管线迁改' }] } });
    const text = parseProjectText('项目：霞美工业园二期\n类别：重点项目\n牵头单位：霞美镇\n配合单位：住建局、自然资源局\n督导组：第一专项督导组\n节点：2027年3月31日前 完成管线迁改\n节点：12月31日前 完成场平', base);
    expect(text).toEqual(r);
  });

  it('refuses the whole form, every problem named by its Chinese field label', () => {
    const r = parseProjectForm({ ...FORM, name: '', category: '形象工程', leadUnit: '罗东镇', milestones: [{ date: '2026-11-01', label: '完成场平' }, { date: '2026-12-31', label: '' }, { date: '', label: '道路贯通' }] }, base);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.where)).toEqual(['项目名称', '类别', '牵头单位', '节点 1', '节点 2', '节点 3']);
    const all = r.problems.map((p) => p.message).join('\n');
    expect(all).toContain('缺少项目名称');
    expect(all).toContain('重点项目、问题整改');
    expect(all).toContain('已过去');
    expect(all).toContain('形象进度');
    expect(all).toContain('缺少节点日期');
    expect(all).not.toMatch(/[a-z]{4,}/); // no field names in English
  });

  it('reads what Feishu sends (a date picker gives "2026-12-31 +0800") and shows it again with the problems', () => {
    const form = readProjectForm({ name: ' 甲 ', category: '重点项目', lead_unit: '梅山镇', group: 'G1', deadline_0: '2026-12-31 +0800', progress_0: '完成场平', deadline_3: '2027-01-05' });
    expect(form.milestones[0]).toEqual({ date: '2026-12-31', label: '完成场平' });
    expect(form.milestones[3]).toEqual({ date: '2027-01-05', label: '' });
    const card = projectFormCard({ formId: 'f1', categories, groups: [{ code: 'G1', name: '第一专项督导组' }, { code: 'G2', name: '第二专项督导组' }], values: form, error: '节点 4：节点缺少形象进度描述' });
    const json = JSON.stringify(card);
    expect(json).toContain('"default_value":"完成场平"');
    expect(json).toContain('"initial_date":"2026-12-31"');
    expect(json).toContain('"initial_option":"G1"');
    expect(cardText(card)).toContain('节点 4：节点缺少形象进度描述');
    expect(findButton(card, '提交立项')).toBeDefined();
  });
});

describe('review findings', () => {
  it('a duplicate project name is refused at 立项, naming the project that has it', () => {
    const r = parseProjectText(TEXT, { ...base, existing: [{ code: 'XM-2026-001', name: '茂盛路二期' }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ where: '第1行' });
    if (!r.ok) expect(r.problems[0].message).toContain('已有同名项目 XM-2026-001');
    expect(parseProjectText(TEXT, { ...base, existing: [{ code: 'XM-2026-001', name: '茂盛路三期' }] }).ok).toBe(true);
  });

  it('an ambiguous 项目： names every candidate and picks none', () => {
    const ps = [{ code: 'XM-2026-003', name: '茂盛路二期' }, { code: 'XM-2026-001', name: '茂盛路二期' }];
    const r = findProject('茂盛路二期', ps);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/对应 2 个项目.*XM-2026-003.*XM-2026-001/);
  });

  it('a leader linked to several groups must name the 督导组 (no silent 综合协调组)', () => {
    const r = parseProjectText(TEXT, { ...base, groups: ['G0', 'G1', 'G2'] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.message).join()).toContain('请写明督导组（您可为综合协调组、第一专项督导组、第二专项督导组立项）');
    const named = parseProjectText(`${TEXT}\n督导组：第一专项督导组`, { ...base, groups: ['G0', 'G1', 'G2'] });
    expect(named.ok && named.draft.group).toBe('G1');
    expect(parseProjectText(TEXT, base)).toMatchObject({ ok: true, draft: { group: 'G1' } }); // one group: it is the default
  });

  it('an unknown 类别 is refused naming the allowed TASK_CATEGORIES', () => {
    const r = parseProjectText(`${TEXT}\n类别：重点线性工程`, base);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0].message).toBe(`类别“重点线性工程”不在可选范围，可选：${categories.join('、')}`);
    expect(parseProjectText(`${TEXT}\n类别：征迁`, base)).toMatchObject({ ok: true, draft: { category: '征迁' } });
  });

  it('a task dispatched into a project takes its category unless the order gives one', () => {
    const projects = [{ code: 'XM-2026-001', name: '茂盛路二期', category: '征迁' }];
    const plain = parseDispatch('1. 完成剩余3户签约\n责任单位：梅山镇\n完成时限：12月15日前\n项目：XM-2026-001', dctx({ projects }));
    expect(plain.ok && plain.tasks[0].category).toBe('征迁');
    const own = parseDispatch('1. 完成剩余3户签约\n责任单位：梅山镇\n完成时限：12月15日前\n类别：信访\n项目：XM-2026-001', dctx({ projects }));
    expect(own.ok && own.tasks[0].category).toBe('信访');
    const none = parseDispatch('1. 完成剩余3户签约\n责任单位：梅山镇\n完成时限：12月15日前', dctx({ projects }));
    expect(none.ok && none.tasks[0].category).toBe('其他');
  });

  it('归入项目 names every bad code', () => {
    expect(attachWords('DB-2026-0001 XM-2026-001')).toEqual({ ok: true, tasks: ['DB-2026-0001'], project: 'XM-2026-001' });
    const r = attachWords('DB-2026-0001 甲乙 XM-2026-001 XM-2026-002 丙');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/“甲乙”、“丙” 不是督办单编号.*一次只能归入一个项目（写了 XM-2026-001、XM-2026-002）/);
  });

  it('the 确认节点 button says which milestone it confirms', () => {
    const p = { code: 'XM-2026-001', name: '茂盛路二期', category: '重点项目', leadUnit: 'MSZ', coUnits: [], group: 'G1', leader: 'P-L1', tasks: [], photos: [], createdAt: NOV25, createdBy: 'P1', rev: 1, milestones: [{ seq: 1, date: '2026-12-10', label: '完成签约', confirmedAt: NOV25, confirmedBy: 'P1' }, { seq: 2, date: '2026-12-25', label: '完成管线迁改' }] };
    const card = projectCard(p, [], { org, now: NOV25, tz: 'Asia/Shanghai', cal: calendar });
    const button = findButton(card, '确认节点');
    expect(button?.value).toMatchObject({ a: 'project.confirm', c: 'XM-2026-001', x: '2' });
    expect(button?.confirm).toBe(true);
    expect(JSON.stringify(card)).toContain('"title":{"tag":"plain_text","content":"确认第 2 个节点"},"text":{"tag":"plain_text","content":"12-25 完成管线迁改：确认已在现场达到？');
    expect(cardText(card)).toContain('待确认节点**：第 2 个 · 12-25 完成管线迁改');
  });
});
