import { planGroupMeeting, type GroupMeetingInput } from '../../src/features/group-meetings/plan';
import { parseReport, reportIdOf, reportLabel } from '../../src/features/major-reports/report';
import { parseHighlight } from '../../src/features/results/highlight';
import { org } from '../support/factories';

const base: GroupMeetingInput = { date: '2026-12-05', topic: '茂盛路征迁扫尾', attendees: '张督导、住建局李局长', units: ['MSZ', 'ZJJ'], items: [] };
const o = { org, today: '2026-12-06', scope: ['MSZ', 'ZJJ', 'ZRZYJ'] };

describe('专题协调会 plan', () => {
  it('turns decisions into tasks and sends an item up', () => {
    const r = planGroupMeeting({ ...base, items: [
      { decision: '梅山镇完成剩余3户签约', units: ['MSZ', 'ZJJ'], deadline: '2026-12-20', up: false },
      { decision: '1. 住建局出具安置方案\n2. 梅山镇入户做工作', units: ['ZJJ', 'MSZ'], deadline: '2026-12-25', up: false },
      { decision: '规划调整需市政府研究', units: ['ZRZYJ'], deadline: '', up: true },
    ] }, o);
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.decisions.map((d) => [d.leadUnit, d.coUnits])).toEqual([['MSZ', ['ZJJ']], ['ZJJ', []], ['MSZ', []]]);
    expect(r.sentUp).toEqual([{ item: 2, title: '规划调整需市政府研究', text: '规划调整需市政府研究', units: ['ZRZYJ'] }]);
  });

  it('names every problem and records nothing', () => {
    const r = planGroupMeeting({ ...base, date: '2026-12-09', topic: '', attendees: '', items: [
      { decision: '签约', units: [], deadline: '2026-12-01', up: false },
      { decision: '', units: ['MSZ'], deadline: '', up: false },
      { decision: '罗东镇配合', units: ['LDZ'], deadline: '2026-12-20', up: false },
    ] }, o);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      '会议日期 2026-12-09 还没到，请填写已召开会议的日期',
      '请填写会议议题',
      '请填写参会人员',
      '事项 1：请选择落实单位，或选“提交调度会”',
      '事项 1：完成时限 2026-12-01 已过去',
      '事项 2：请填写议定事项，或清空本项',
      '事项 3：罗东镇 不在本督导组挂钩范围，不能牵头落实',
    ]);
  });
});

describe('重大事项报告', () => {
  it('numbers and parses', () => {
    expect(reportLabel(2026, 3)).toBe('〔2026〕重报第3号');
    expect(reportIdOf('〔2026〕重报第3号')).toBe('2026-3');
    expect(parseReport('茂盛路征迁受阻\n3户拒签')).toEqual({ ok: true, title: '茂盛路征迁受阻', content: '3户拒签' });
    expect(parseReport('').ok).toBe(false);
    expect(parseReport('字'.repeat(41))).toMatchObject({ ok: false, message: expect.stringContaining('41 字') });
  });
});

describe('亮点', () => {
  it('reads unit, title and content; refuses with every problem', () => {
    expect(parseHighlight('梅山镇 包户到人 每人包3户', org)).toEqual({ ok: true, unit: 'MSZ', title: '包户到人', content: '每人包3户' });
    const bad = parseHighlight('梅花镇 包户到人', org);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.message).toContain('找不到单位');
      expect(bad.message).toContain('请在标题后写上内容');
    }
  });
});
