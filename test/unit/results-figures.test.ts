import { cardText } from '../../src/cards/inspect';
import { resultsCard } from '../../src/features/results/cards';
import { fieldWorkOf, type ProjectRow, type VisitRow } from '../../src/features/results/field-work';
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

describe('the year field work (fieldWorkOf)', () => {
  const projects: ProjectRow[] = [
    // created last year; one milestone due and confirmed in 2026, one confirmed early in 2026 though due in 2027
    { group: 'G1', createdOn: '2025-11-02', milestones: [{ date: '2025-12-20', confirmedOn: '2025-12-19', confirmedBy: 'P1' }, { date: '2026-03-01', confirmedOn: '2026-02-27', confirmedBy: 'P1B' }, { date: '2027-01-10', confirmedOn: '2026-12-30', confirmedBy: 'P1' }] },
    // created in 2026, one of two milestones confirmed
    { group: 'G2', createdOn: '2026-06-01', milestones: [{ date: '2026-07-01', confirmedOn: '2026-07-03', confirmedBy: 'P2' }, { date: '2026-09-01' }] },
    // nothing in 2026
    { group: 'G1', createdOn: '2025-01-01', milestones: [{ date: '2025-05-01', confirmedOn: '2025-05-01', confirmedBy: 'P1' }] },
    // created in 2027
    { group: 'G1', createdOn: '2027-01-02', milestones: [] },
  ];
  const visits: VisitRow[] = [
    { supervisor: 'P1', group: 'G1', mode: '明察', openedOn: '2026-03-01', findings: 2 },
    { supervisor: 'P1B', group: 'G1', mode: '暗访', openedOn: '2026-12-31', findings: 0 },
    { supervisor: 'P1', group: 'G1', mode: '暗访', openedOn: '2025-12-31', findings: 5 },
  ];

  test('projects of the year, milestones due and reached, completed, confirmations by whom, visits opened in the year', () => {
    const f = fieldWorkOf(2026, projects, visits);
    expect(f.projects).toEqual({ total: 2, milestones: 3, milestonesReached: 2, completed: 1 });
    expect(f.milestones).toEqual([
      { by: 'P1B', group: 'G1', date: '2026-02-27' },
      { by: 'P1', group: 'G1', date: '2026-12-30' },
      { by: 'P2', group: 'G2', date: '2026-07-03' },
    ]);
    expect(f.visits).toEqual([
      { by: 'P1', group: 'G1', secret: false, findings: 2, date: '2026-03-01' },
      { by: 'P1B', group: 'G1', secret: true, findings: 0, date: '2026-12-31' },
    ]);
    expect(fieldWorkOf(2024, projects, visits).projects).toEqual({ total: 0, milestones: 0, milestonesReached: 0, completed: 0 });
  });
});

describe('the 成效 card', () => {
  const opts = { categories: ['征迁', '信访'], sources: ['日常督导', '现场督导'] };
  test('a year with nothing: no empty 按类别 heading or 按来源 line; the Word version offered as a file or the command, never the admin API', () => {
    for (const fileFollows of [true, false]) {
      const text = cardText(resultsCard(yearResults(emptyFacts(2026), opts), { asOf: '2026-12-01', unitName: (c) => c, fileFollows }));
      expect(text).not.toContain('按类别');
      expect(text).not.toContain('按来源');
      expect(text).not.toMatch(/\/api\/|管理接口/);
      expect(text).toContain(fileFollows ? 'Word 版（公文附件格式）随后以文件发送' : '发送“成效 2026”可收到 Word 版');
    }
  });
  test('a year with tasks: the categories that had some, and the sources', () => {
    const card = resultsCard(yearResults(facts(), opts), { asOf: '2026-12-01', unitName: (c) => c, fileFollows: true });
    const text = cardText(card);
    expect(text).toContain('问题协调解决（按类别）');
    expect(text).toContain('按来源');
    expect(JSON.stringify(card)).toContain('"name":"信访"');
  });
});
