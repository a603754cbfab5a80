import { onTime, type GradeFact, type HighlightFact, type ProjectFacts, type YearFacts } from './facts';

/**
 * The year's 成效 (成果运用, docs/rules.md#the-years-results), pure: problems coordinated (dispatched) and
 * solved (closed) by category and by source, projects and milestones, visits, meetings held, letters and
 * reports sent, appeals upheld, 典型经验 and the 定性评价. The card, the JSON and the Word document all
 * show these figures.
 */
export interface CountRow {
  name: string;
  dispatched: number;
  closed: number;
  onTime: number;
}

export interface YearResults {
  year: number;
  totals: { dispatched: number; closed: number; onTime: number; onTimeRate: number | null; open: number };
  byCategory: CountRow[];
  bySource: CountRow[];
  projects: ProjectFacts;
  visits: { total: number; open: number; secret: number; found: number; settled: number };
  meetings: { group: number; groupDecisions: number; groupSentUp: number; dispatch: number };
  letters: number;
  majorReports: number;
  escalations: number;
  appealsUpheld: number;
  highlights: HighlightFact[];
  grades: GradeFact[];
}

function tally(names: string[], facts: YearFacts['tasks'], key: (t: YearFacts['tasks'][number]) => string): CountRow[] {
  const rows = new Map(names.map((n) => [n, { name: n, dispatched: 0, closed: 0, onTime: 0 }]));
  for (const t of facts) {
    const k = key(t);
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { name: k, dispatched: 0, closed: 0, onTime: 0 }));
    r.dispatched++;
    if (t.state === 'closed') r.closed++;
    if (onTime(t)) r.onTime++;
  }
  return [...rows.values()];
}

export function yearResults(f: YearFacts, o: { categories: string[]; sources: string[] }): YearResults {
  const closed = f.tasks.filter((t) => t.state === 'closed').length;
  const ontime = f.tasks.filter(onTime).length;
  const open = f.tasks.filter((t) => t.state !== 'closed' && t.state !== 'cancelled').length;
  const settled = f.tasks.filter((t) => t.source === '现场督导').length;
  return {
    year: f.year,
    totals: { dispatched: f.tasks.length, closed, onTime: ontime, onTimeRate: closed ? ontime / closed : null, open },
    byCategory: tally(o.categories, f.tasks, (t) => t.category),
    bySource: tally(o.sources, f.tasks, (t) => t.source),
    projects: f.projects,
    visits: { total: f.visits.length, open: f.visits.filter((v) => !v.secret).length, secret: f.visits.filter((v) => v.secret).length, found: f.visits.reduce((n, v) => n + v.findings, 0), settled },
    meetings: { group: f.groupMeetings.length, groupDecisions: f.groupMeetings.reduce((n, m) => n + m.decisions, 0), groupSentUp: f.groupMeetings.reduce((n, m) => n + m.sentUp, 0), dispatch: f.dispatchMeetings },
    letters: f.letters,
    majorReports: f.majorReports.length,
    escalations: f.escalations.length,
    appealsUpheld: f.appealsUpheld,
    highlights: f.highlights,
    grades: f.grades,
  };
}

export function percent(r: number | null): string {
  return r === null ? '—' : `${Math.round(r * 1000) / 10}%`;
}

/** The opening sentences (the card's summary and the document's first section). */
export function resultSentences(r: YearResults): string[] {
  const t = r.totals;
  const out = [
    `${r.year}年，全市大督导共协调督办问题 ${t.dispatched} 项，已办结 ${t.closed} 项，其中按期办结 ${t.onTime} 项，按期办结率 ${percent(t.onTimeRate)}；尚在办理 ${t.open} 项。`,
    `督导组开展现场督导 ${r.visits.total} 次（明察 ${r.visits.open} 次、暗访 ${r.visits.secret} 次），发现问题 ${r.visits.found} 个，现场协调解决 ${r.visits.settled} 个；召开专题协调会 ${r.meetings.group} 次，议定落实事项 ${r.meetings.groupDecisions} 项，提交调度会 ${r.meetings.groupSentUp} 项。`,
    `市领导召开调度会 ${r.meetings.dispatch} 次，研究提级事项 ${r.escalations} 项；发出督导提示函 ${r.letters} 份、重大事项报告 ${r.majorReports} 份；申诉成立 ${r.appealsUpheld} 项。`,
  ];
  if (r.projects.total) out.push(`跟踪重点项目 ${r.projects.total} 个，本年度到期节点 ${r.projects.milestones} 个，已现场确认 ${r.projects.milestonesReached} 个；全部节点完成的项目 ${r.projects.completed} 个。`);
  else out.push('项目化督导：本年度暂无登记的重点项目。');
  return out;
}
