import type { LocalDate } from '../../domain/time';

/**
 * The facts the supervisors' record and the year's 成效 count (docs/rules.md#the-years-results), read
 * by the results feature's ports. Field work (visits, milestones, projects) is counted from the
 * projects' and visits' records by field-work.ts.
 */
export interface TaskFact {
  code: string;
  category: string;
  source: string;
  state: string;
  group: string;
  dispatcher: string;
  leadUnit: string;
  dispatchedOn: LocalDate;
  closedOn?: LocalDate;
  deadline: LocalDate;
}

export interface VisitFact {
  by: string; // the supervisor (person code)
  group: string;
  secret: boolean; // 暗访 (else 明察)
  findings: number; // problems found
  date: LocalDate;
}

export interface MilestoneFact {
  by: string; // who confirmed it
  group: string;
  date: LocalDate;
}

export interface ProjectFacts {
  total: number;
  milestones: number;
  milestonesReached: number;
  /** Projects whose every milestone is confirmed (突破). */
  completed: number;
}

export interface GroupMeetingFact {
  group: string;
  by: string;
  date: LocalDate;
  decisions: number; // tasks made from its decisions
  sentUp: number; // items sent to the leader's 调度会
}

export interface EscalationFact {
  group: string;
  acceptedBy: string;
  /** Put on the agenda without a task's request (a 专题协调会 item sent up, a report scheduled). */
  direct: boolean;
}

export interface HighlightFact {
  no: number;
  unit: string;
  title: string;
  content: string;
  by: string;
  date: LocalDate;
}

export interface GradeFact {
  unit: string;
  grade: string;
  remarks: string;
}

export interface YearFacts {
  year: number;
  tasks: TaskFact[];
  visits: VisitFact[];
  milestones: MilestoneFact[];
  projects: ProjectFacts;
  groupMeetings: GroupMeetingFact[];
  escalations: EscalationFact[];
  /** 调度会 held (minutes recorded) in the year. */
  dispatchMeetings: number;
  letters: number;
  majorReports: { group: string; by: string }[];
  appealsUpheld: number;
  highlights: HighlightFact[];
  grades: GradeFact[];
}

/** Task sources of field work (docs/rules.md#on-site-visits): a problem settled on the spot, a group meeting's decision. */
export const SITE_SOURCE = '现场督导';
export const GROUP_MEETING_SOURCE = '专题协调会';

export const NO_PROJECTS: ProjectFacts = { total: 0, milestones: 0, milestonesReached: 0, completed: 0 };

export function emptyFacts(year: number): YearFacts {
  return { year, tasks: [], visits: [], milestones: [], projects: NO_PROJECTS, groupMeetings: [], escalations: [], dispatchMeetings: 0, letters: 0, majorReports: [], appealsUpheld: 0, highlights: [], grades: [] };
}

/** Closed on or before the deadline in force (docs/rules.md#tasks-and-their-states). */
export function onTime(t: TaskFact): boolean {
  return t.state === 'closed' && !!t.closedOn && t.closedOn <= t.deadline;
}
