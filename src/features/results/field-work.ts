import type { LocalDate } from '../../domain/time';
import type { MilestoneFact, ProjectFacts, VisitFact } from './facts';

/**
 * Field work of one year, from the projects' and visits' own records (docs/rules.md#the-years-results),
 * pure: the rows carry local dates, read by the adapter (src/adapters/mongo/field-work-facts.ts).
 * - visits: opened in the year; 暗访 or 明察; the findings recorded on them;
 * - milestones confirmed (the supervisors' record): confirmed in the year, by whom, for the project's group;
 * - the year's projects: created in the year, or with a milestone due or confirmed in it; their
 *   milestones due in the year and how many of those are confirmed; completed (突破): every milestone
 *   confirmed, the last of them in the year.
 */
export interface ProjectRow {
  group: string;
  createdOn: LocalDate;
  milestones: { date: LocalDate; confirmedOn?: LocalDate; confirmedBy?: string }[];
}

export interface VisitRow {
  supervisor: string;
  group: string;
  mode: string; // 明察 | 暗访
  openedOn: LocalDate;
  findings: number;
}

export interface FieldWork {
  visits: VisitFact[];
  milestones: MilestoneFact[];
  projects: ProjectFacts;
}

const inYear = (d: LocalDate | undefined, year: number) => !!d && d.slice(0, 4) === String(year);

export function fieldWorkOf(year: number, projects: ProjectRow[], visits: VisitRow[]): FieldWork {
  const milestones: MilestoneFact[] = [];
  const facts: ProjectFacts = { total: 0, milestones: 0, milestonesReached: 0, completed: 0 };
  for (const p of projects) {
    if (p.createdOn.slice(0, 4) > String(year)) continue;
    for (const m of p.milestones) if (m.confirmedOn && inYear(m.confirmedOn, year)) milestones.push({ by: m.confirmedBy ?? '', group: p.group, date: m.confirmedOn });
    const due = p.milestones.filter((m) => inYear(m.date, year));
    const confirmedInYear = p.milestones.some((m) => inYear(m.confirmedOn, year));
    if (!inYear(p.createdOn, year) && !due.length && !confirmedInYear) continue;
    facts.total++;
    facts.milestones += due.length;
    facts.milestonesReached += due.filter((m) => m.confirmedOn).length;
    const confirmed = p.milestones.flatMap((m) => (m.confirmedOn ? [m.confirmedOn] : []));
    if (confirmed.length && confirmed.length === p.milestones.length && inYear(confirmed.sort().at(-1), year)) facts.completed++;
  }
  const visitFacts = visits.filter((v) => inYear(v.openedOn, year)).map((v) => ({ by: v.supervisor, group: v.group, secret: v.mode === '暗访', findings: v.findings, date: v.openedOn }));
  return { visits: visitFacts, milestones, projects: facts };
}
