import { localDate, startOfDay } from '../../domain/time';
import type { EscalationFact, GroupMeetingFact, TaskFact, YearFacts } from '../../features/results/facts';
import type { Models } from './models';

/**
 * The facts of one year for the supervisors' record and the 成效 (src/features/results): tasks
 * dispatched in the year (one streamed scan, by the dispatchedAt index), the groups' meetings, the
 * escalations, the 调度会, letters, reports and upheld appeals. Field work (visits, milestones, projects)
 * comes from `field` (src/adapters/mongo/field-work-facts.ts, over the projects' and visits' stores);
 * without it those read as none.
 */
export interface FieldWorkFacts {
  fieldWork(year: number): Promise<Pick<YearFacts, 'visits' | 'milestones' | 'projects'>>;
}

const months = (year: number) => Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

export async function yearFactsFromMongo(models: Models, tz: string, year: number, field?: FieldWorkFacts): Promise<Omit<YearFacts, 'highlights' | 'grades'>> {
  const from = startOfDay(`${year}-01-01`, tz);
  const to = startOfDay(`${year + 1}-01-01`, tz);
  const tasks: TaskFact[] = [];
  const projection = { code: 1, category: 1, source: 1, state: 1, group: 1, dispatcher: 1, leadUnit: 1, dispatchedAt: 1, closedAt: 1, deadline: 1 };
  for await (const raw of models.tasks.collection.find({ dispatchedAt: { $gte: from, $lt: to } }, { projection, batchSize: 2000 })) {
    const t = raw as unknown as { code: string; category: string; source: string; state: string; group: string; dispatcher: string; leadUnit: string; dispatchedAt: Date; closedAt?: Date; deadline: string };
    tasks.push({ code: t.code, category: t.category, source: t.source, state: t.state, group: t.group, dispatcher: t.dispatcher, leadUnit: t.leadUnit, dispatchedOn: localDate(t.dispatchedAt, tz), closedOn: t.closedAt ? localDate(t.closedAt, tz) : undefined, deadline: t.deadline });
  }
  const [meetings, escalations, dispatchMeetings, letters, reports, appeals, field2] = await Promise.all([
    models.groupMeetings.collection.find({ year }, { projection: { group: 1, by: 1, date: 1, tasks: 1, escalations: 1, state: 1 } }).toArray(),
    models.escalations.collection.find({ acceptedAt: { $gte: from, $lt: to } }, { projection: { group: 1, acceptedBy: 1, requestId: 1 } }).toArray(),
    models.meetings.countDocuments({ month: { $in: months(year) } }),
    models.letters.countDocuments({ year }),
    models.majorReports.collection.find({ year }, { projection: { group: 1, by: 1 } }).toArray(),
    models.appeals.collection.find({ state: 'upheld' }, { projection: { decidedAt: 1 } }).toArray(),
    field ? field.fieldWork(year) : Promise.resolve(null),
  ]);
  const groupMeetings: GroupMeetingFact[] = meetings.map((m) => ({ group: String(m.group), by: String(m.by), date: String(m.date), decisions: Array.isArray(m.tasks) ? m.tasks.length : 0, sentUp: Array.isArray(m.escalations) ? m.escalations.length : 0 }));
  const esc: EscalationFact[] = escalations.map((e) => ({ group: String(e.group), acceptedBy: String(e.acceptedBy ?? ''), direct: e.requestId === 'direct' }));
  const upheld = appeals.filter((a) => a.decidedAt instanceof Date && a.decidedAt >= from && a.decidedAt < to).length;
  return {
    year,
    tasks,
    visits: field2?.visits ?? [],
    milestones: field2?.milestones ?? [],
    projects: field2?.projects ?? { total: 0, milestones: 0, milestonesReached: 0, completed: 0 },
    groupMeetings,
    escalations: esc,
    dispatchMeetings,
    letters,
    majorReports: reports.map((r) => ({ group: String(r.group), by: String(r.by) })),
    appealsUpheld: upheld,
  };
}
