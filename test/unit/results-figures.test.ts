import mammoth from 'mammoth';
import { emptyFacts, type TaskFact, type YearFacts } from '../../src/features/results/facts';
import { resultsDocx } from '../../src/features/results/docx';
import { supervisorsRecord } from '../../src/features/results/record';
import { yearResults } from '../../src/features/results/results';

const task = (o: Partial<TaskFact>): TaskFact => ({ code: 'DB-2026-0001', category: '征迁', source: '日常督导', state: 'in_progress', group: 'G1', dispatcher: 'P1', leadUnit: 'MSZ', dispatchedOn: '2026-03-01', deadline: '2026-03-31', ...o });

function facts(): YearFacts {
  return {
    ...emptyFacts(2026),
    tasks: [
      task({ code: 'A', state: 'closed', closedOn: '2026-03-20' }),
      task({ code: 'B', state: 'closed', closedOn: '2026-04-02', category: '信访' }),
      task({ code: 'C', source: '现场督导' }),
      task({ code: 'D', source: '专题协调会', group: 'G2', dispatcher: 'P2' }),
      task({ code: 'E', source: '领导交办', dispatcher: 'LEADER' }),
    ],
    visits: [
      { by: 'P1', group: 'G1', secret: true, findings: 2, date: '2026-05-01' },
      { by: 'P1', group: 'G1', secret: false, findings: 1, date: '2026-05-02' },
    ],
    groupMeetings: [{ group: 'G2', by: 'P2', date: '2026-06-01', decisions: 3, sentUp: 1 }],
    escalations: [{ group: 'G1', acceptedBy: 'P1', direct: false }, { group: 'G2', acceptedBy: 'P2', direct: true }],
    majorReports: [{ group: 'G1', by: 'P1' }],
    dispatchMeetings: 2,
    letters: 4,
    appealsUpheld: 1,
    highlights: [{ no: 1, unit: 'MSZ', title: '征迁包户到人', content: '三天签约', by: 'P1', date: '2026-07-01' }],
    grades: [{ unit: 'MSZ', grade: '好', remarks: '作风扎实' }],
  };
}

const groupOf = (p: string) => ({ P1: 'G1', P2: 'G2' })[p];

describe('supervisors record', () => {
  it('counts per group and per person, outcome-only, with the formula', () => {
    const r = supervisorsRecord(facts(), ['G0', 'G1', 'G2'], groupOf);
    const g1 = r.groups.find((g) => g.key === 'G1')!;
    expect(g1).toMatchObject({ visits: 2, open: 1, secret: 1, found: 3, settled: 1, escalated: 1, majorReports: 1, dispatched: 4, closed: 2, onTime: 1, onTimeRate: 0.5 });
    // 2×1 settled + 1×1 on time
    expect(g1.score).toBe(3);
    expect(g1.terms).toBe('2×1 + 1×1');
    expect(r.groups.find((g) => g.key === 'G0')).toMatchObject({ visits: 0, score: 0 });
    const p1 = r.people.find((p) => p.key === 'P1')!;
    expect(p1.dispatched).toBe(3); // the leader's 领导交办 is not P1's
    const p2 = r.people.find((p) => p.key === 'P2')!;
    expect(p2).toMatchObject({ meetingItems: 3, escalated: 1, dispatched: 1 });
    expect(r.formula).toContain('按期办结率');
  });
});

describe('year results', () => {
  it('tallies by category and source, and the Word document reads back', async () => {
    const r = yearResults(facts(), { categories: ['重点项目', '征迁', '信访'], sources: ['日常督导', '现场督导', '专题协调会'] });
    expect(r.totals).toMatchObject({ dispatched: 5, closed: 2, onTime: 1, open: 3 });
    expect(r.byCategory.find((c) => c.name === '征迁')).toMatchObject({ dispatched: 4, closed: 1 });
    expect(r.bySource.find((c) => c.name === '领导交办')).toMatchObject({ dispatched: 1 });
    expect(r.visits).toMatchObject({ total: 2, secret: 1, found: 3, settled: 1 });
    const buf = await resultsDocx(r, { unitName: (c) => (c === 'MSZ' ? '梅山镇' : c), personName: (c) => c });
    const { value } = await mammoth.extractRawText({ buffer: buf });
    expect(value).toContain('2026年度大督导工作成效');
    for (const h of ['一、总体情况', '二、问题协调解决情况', '三、一线督导和会议协调情况', '四、典型经验', '五、定性评价']) expect(value).toContain(h);
    expect(value).toContain('共协调督办问题 5 项，已办结 2 项');
    expect(value).toContain('梅山镇：征迁包户到人');
    expect(value).toMatch(/梅山镇\s+好\s+作风扎实/);
  });
});
