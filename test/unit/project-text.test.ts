import { calendar, NOV25, org } from '../fixtures/dispatch/org';
import { milestoneLight, normalizeProjectCode, projectCode, projectLight, findProject } from '../../src/domain/project';
import { parseProjectText, projectRefusalText, splitMilestone } from '../../src/domain/project-text';
import { parseLocation, visitModeOf, visitOpen, visitText, VISIT_QUIET_MS } from '../../src/domain/visit';

const ctx = { now: NOV25, tz: 'Asia/Shanghai', calendar, org, groups: ['G1'] };

const GOOD = `项目：茂盛路二期征迁及道路贯通工程
类别：重点项目
牵头单位：梅山镇
配合单位：住建局、自然资源局
督导组：第一专项督导组
节点：12月31日前 完成剩余征迁签约
节点：2027年3月31日前 完成管线迁改
节点：2027年6月30日前道路全线贯通`;

describe('立项 text', () => {
  it('reads a clean project with its milestones in date order', () => {
    const r = parseProjectText(GOOD, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.draft).toEqual({
      name: '茂盛路二期征迁及道路贯通工程',
      category: '重点项目',
      leadUnit: 'MSZ',
      coUnits: ['ZJJ', 'ZRZYJ'],
      group: 'G1',
      leader: 'P-L1',
      milestones: [
        { date: '2026-12-31', label: '完成剩余征迁签约' },
        { date: '2027-03-31', label: '完成管线迁改' },
        { date: '2027-06-30', label: '道路全线贯通' },
      ],
    });
  });

  it('defaults the group to the author’s and the category to 重点项目', () => {
    const r = parseProjectText('项目：霞美工业园二期\n牵头单位：霞美镇\n节点：12月20日前 完成场平', ctx);
    expect(r.ok && r.draft.group === 'G1' && r.draft.category === '重点项目').toBe(true);
  });

  it('refuses the whole text when one line is bad, naming every problem', () => {
    const bad = GOOD.replace('配合单位：住建局、自然资源局', '配合单位：住建局、自然资源所').replace('节点：2027年3月31日前 完成管线迁改', '节点：待定 完成管线迁改') + '\n负责人：张三\n节点：12月10日前';
    const r = parseProjectText(bad, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = projectRefusalText(r.problems);
    expect(text).toMatch(/^立项未创建/);
    expect(r.problems.map((p) => p.where)).toEqual(['第4行', '第7行', '第9行', '第10行']);
    expect(text).toContain('自然资源所');
    expect(text).toContain('待定');
    expect(text).toContain('负责人');
    expect(text).toContain('形象进度');
  });

  it('names missing fields, a unit outside the group and a group the author is not in', () => {
    const r = parseProjectText('类别：重点项目\n牵头单位：罗东镇\n督导组：第二专项督导组', ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const all = r.problems.map((p) => p.message).join('\n');
    expect(all).toContain('缺少项目名称');
    expect(all).toContain('不能为该组立项');
    expect(all).toContain('至少写一个节点');
  });

  it('splits a milestone written with or without a space', () => {
    expect(splitMilestone('12月31日前 完成签约')).toEqual({ date: '12月31日前', label: '完成签约' });
    expect(splitMilestone('12月31日前完成签约')).toEqual({ date: '12月31日前', label: '完成签约' });
    expect(splitMilestone('12月底前，完成签约')).toEqual({ date: '12月底前', label: '完成签约' });
  });
});

describe('project rules', () => {
  it('codes and their loose forms', () => {
    expect(projectCode(2026, 7)).toBe('XM-2026-007');
    expect(normalizeProjectCode('xm2026-7')).toBe('XM-2026-007');
    expect(normalizeProjectCode('ＸＭ－２０２６－００１')).toBe('XM-2026-001');
    expect(normalizeProjectCode('DB-2026-0001')).toBeNull();
  });

  it('a milestone is late when its day passed without a confirmation on site', () => {
    const m = { seq: 1, date: '2026-11-20', label: '封顶' };
    expect(milestoneLight(m, '2026-11-25', calendar).color).toBe('red');
    expect(milestoneLight({ ...m, confirmedAt: NOV25, confirmedBy: 'P1' }, '2026-11-25', calendar).color).toBe('green');
    expect(milestoneLight({ ...m, date: '2026-11-26' }, '2026-11-25', calendar).color).toBe('yellow');
    expect(milestoneLight({ ...m, date: '2026-12-26' }, '2026-11-25', calendar).color).toBe('green');
    const p = projectLight({ milestones: [m, { seq: 2, date: '2026-12-26', label: 'x' }] }, '2026-11-25', calendar);
    expect(p).toMatchObject({ color: 'red', reached: 0 });
  });

  it('finds a project by code or name', () => {
    const ps = [{ code: 'XM-2026-001', name: '茂盛路二期' }, { code: 'XM-2026-002', name: '霞美工业园二期' }];
    expect(findProject('xm-2026-1', ps)).toMatchObject({ ok: true, project: { code: 'XM-2026-001' } });
    expect(findProject('茂盛路', ps)).toMatchObject({ ok: true, project: { code: 'XM-2026-001' } });
    expect(findProject('二期', ps)).toMatchObject({ ok: false });
    expect(findProject('XM-2026-009', ps)).toMatchObject({ ok: false });
  });
});

describe('visit rules', () => {
  it('mode, quiet window, thread texts, locations', () => {
    expect(visitModeOf('暗访 城东片')).toEqual({ mode: '暗访', note: '城东片' });
    expect(visitModeOf('')).toEqual({ mode: '明察', note: '' });
    const v = { lastAt: NOV25 };
    expect(visitOpen(v, new Date(NOV25.getTime() + VISIT_QUIET_MS - 1))).toBe(true);
    expect(visitOpen(v, new Date(NOV25.getTime() + VISIT_QUIET_MS))).toBe(false);
    expect(visitOpen({ ...v, endedAt: NOV25 }, NOV25)).toBe(false);
    expect(visitText('单位：梅山镇、住建局')).toEqual({ kind: 'units', value: '梅山镇、住建局' });
    expect(visitText('项目：XM-2026-001')).toEqual({ kind: 'project', value: 'XM-2026-001' });
    expect(visitText('施工围挡破损')).toEqual({ kind: 'finding', text: '施工围挡破损' });
    expect(parseLocation({ name: '茂盛路', address: '梅山镇茂盛路', latitude: '24.9', longitude: '118.6' })).toEqual({ name: '茂盛路', address: '梅山镇茂盛路', latitude: '24.9', longitude: '118.6' });
    expect(parseLocation({ name: 'x' })).toBeNull();
  });
});

describe('项目 line in a 派单 item', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseDispatch } = require('../../src/domain/dispatch') as typeof import('../../src/domain/dispatch');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ctx: dctx } = require('../fixtures/dispatch/org') as typeof import('../fixtures/dispatch/org');
  const projects = [{ code: 'XM-2026-001', name: '茂盛路二期征迁工程' }];
  it('links the task by code or name', () => {
    const r = parseDispatch('1. 完成剩余3户签约\n责任单位：梅山镇\n完成时限：12月15日前\n项目：茂盛路二期', dctx({ projects }));
    expect(r.ok && r.tasks[0].project).toBe('XM-2026-001');
    const t = parseDispatch('1. 完成剩余3户签约，责任单位：梅山镇，完成时限：12月15日前，项目：XM-2026-1', dctx({ projects }));
    expect(t.ok && t.tasks[0].project).toBe('XM-2026-001');
  });
  it('an unknown project refuses the whole order, named', () => {
    const r = parseDispatch('1. 甲\n责任单位：梅山镇\n完成时限：12月15日前\n\n2. 乙\n责任单位：梅山镇\n完成时限：12月15日前\n项目：XM-2026-009', dctx({ projects }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.message).join()).toContain('第2项：项目：找不到项目 XM-2026-009');
  });
  it('without a 项目 line nothing changes', () => {
    const r = parseDispatch('1. 甲\n责任单位：梅山镇\n完成时限：12月15日前', dctx());
    expect(r.ok && r.tasks[0].project).toBeUndefined();
  });
});
