import { onTime, SITE_SOURCE, type YearFacts } from './facts';

/**
 * The supervisors' own record (督导人员绩效考评单列管理, docs/rules.md#the-supervisors-record), pure: per group
 * and per supervisor, what their field work and dispatches came to. Outcome-only, as the unit ranking
 * is: the score counts problems settled and tasks closed on time, never visits made or messages sent;
 * the formula is shown beside every score.
 */
export interface RecordRow {
  key: string; // group code or person code
  group: string; // the group (for a person, the group of their supervisor role)
  visits: number;
  open: number; // 明察
  secret: number; // 暗访
  found: number; // problems found on visits
  settled: number; // settled on the spot (现场处置)
  meetingItems: number; // decided at the group's 专题协调会
  escalated: number; // sent to the leader (有所为 and 专题会 items sent up)
  majorReports: number; // 重大事项报告
  dispatched: number; // tasks they dispatched in the year
  closed: number;
  onTime: number;
  onTimeRate: number | null;
  milestones: number; // milestones confirmed on site
  score: number;
  terms: string;
}

export const RECORD_WEIGHTS = { settled: 2, meetingItems: 2, onTime: 1, milestones: 1 } as const;

export const RECORD_FORMULA = `得分 = ${RECORD_WEIGHTS.settled}×现场解决问题数 + ${RECORD_WEIGHTS.meetingItems}×专题会议定落实事项数 + ${RECORD_WEIGHTS.onTime}×派发事项按期办结数 + ${RECORD_WEIGHTS.milestones}×确认节点数；按期办结率 = 按期办结数 ÷ 已办结数。只计结果，不计督导次数、消息和点击。`;

function empty(key: string, group: string): RecordRow {
  return { key, group, visits: 0, open: 0, secret: 0, found: 0, settled: 0, meetingItems: 0, escalated: 0, majorReports: 0, dispatched: 0, closed: 0, onTime: 0, onTimeRate: null, milestones: 0, score: 0, terms: '0' };
}

function finish(r: RecordRow): RecordRow {
  const w = RECORD_WEIGHTS;
  const parts: [number, number][] = [
    [w.settled, r.settled],
    [w.meetingItems, r.meetingItems],
    [w.onTime, r.onTime],
    [w.milestones, r.milestones],
  ];
  const score = parts.reduce((s, [k, n]) => s + k * n, 0);
  const terms = parts.filter(([, n]) => n).map(([k, n]) => `${k}×${n}`).join(' + ') || '0';
  return { ...r, score, terms, onTimeRate: r.closed ? r.onTime / r.closed : null };
}

export interface SupervisorsRecord {
  year: number;
  formula: string;
  groups: RecordRow[];
  people: RecordRow[];
}

/**
 * `groupOf(person)` names a supervisor's group (people without one are left out of the per-person
 * rows); `groups` lists every group so a group with nothing done still shows its zeros.
 */
export function supervisorsRecord(f: YearFacts, groups: string[], groupOf: (person: string) => string | undefined): SupervisorsRecord {
  const byGroup = new Map(groups.map((g) => [g, empty(g, g)]));
  const byPerson = new Map<string, RecordRow>();
  const rows = (group: string, person?: string): RecordRow[] => {
    const out: RecordRow[] = [];
    const g = byGroup.get(group);
    if (g) out.push(g);
    const pg = person ? groupOf(person) : undefined;
    if (person && pg) {
      let p = byPerson.get(person);
      if (!p) byPerson.set(person, (p = empty(person, pg)));
      out.push(p);
    }
    return out;
  };
  for (const v of f.visits) {
    for (const r of rows(v.group, v.by)) {
      r.visits++;
      if (v.secret) r.secret++;
      else r.open++;
      r.found += v.findings;
    }
  }
  for (const m of f.groupMeetings) {
    for (const r of rows(m.group, m.by)) {
      r.meetingItems += m.decisions;
      r.escalated += m.sentUp;
    }
  }
  // items a 专题协调会 sent up are counted with their meeting
  for (const e of f.escalations) if (!e.direct) for (const r of rows(e.group, e.acceptedBy)) r.escalated++;
  for (const m of f.majorReports) for (const r of rows(m.group, m.by)) r.majorReports++;
  for (const t of f.tasks) {
    // tasks a supervisor dispatched (leaders' 领导交办 count for the group that tracks them, not for a person)
    for (const r of rows(t.group, groupOf(t.dispatcher) ? t.dispatcher : undefined)) {
      r.dispatched++;
      if (t.source === SITE_SOURCE) r.settled++;
      if (t.state === 'closed') r.closed++;
      if (onTime(t)) r.onTime++;
    }
  }
  for (const m of f.milestones) for (const r of rows(m.group, m.by)) r.milestones++;
  const order = (a: RecordRow, b: RecordRow) => b.score - a.score || a.key.localeCompare(b.key);
  return {
    year: f.year,
    formula: RECORD_FORMULA,
    groups: [...byGroup.values()].map(finish).sort((a, b) => groups.indexOf(a.key) - groups.indexOf(b.key)),
    people: [...byPerson.values()].map(finish).sort(order),
  };
}

export function rateText(r: number | null): string {
  return r === null ? '—' : `${Math.round(r * 1000) / 10}%`;
}
