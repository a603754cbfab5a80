import { localDate, startOfDay } from '../../domain/time';
import { fieldWorkOf, type ProjectRow, type VisitRow } from '../../features/results/field-work';
import type { FieldWorkFacts } from './year-facts';

/**
 * The year's field work read from the projects' and visits' collections (src/adapters/mongo/coded-store.ts),
 * read-only, for the supervisors' record and the 成效: every project (few, and a project of any year may
 * have milestones due or confirmed in this one) and the visits opened in the year, counted by
 * src/features/results/field-work.ts.
 */
type Scan = { scan(where: Record<string, unknown>, projection: Record<string, 1>): AsyncIterable<Record<string, unknown>> };

const dateOf = (v: unknown, tz: string) => (v instanceof Date ? localDate(v, tz) : undefined);

export function fieldWorkFromMongo(stores: { projects: Scan; visits: Scan }, tz: string): FieldWorkFacts {
  return {
    async fieldWork(year) {
      const projects: ProjectRow[] = [];
      for await (const p of stores.projects.scan({}, { group: 1, createdAt: 1, milestones: 1 })) {
        const ms = Array.isArray(p.milestones) ? (p.milestones as Record<string, unknown>[]) : [];
        projects.push({
          group: String(p.group),
          createdOn: dateOf(p.createdAt, tz) ?? `${year}-01-01`,
          milestones: ms.map((m) => ({ date: String(m.date), confirmedOn: dateOf(m.confirmedAt, tz), confirmedBy: typeof m.confirmedBy === 'string' ? m.confirmedBy : undefined })),
        });
      }
      const visits: VisitRow[] = [];
      const opened = { $gte: startOfDay(`${year}-01-01`, tz), $lt: startOfDay(`${year + 1}-01-01`, tz) };
      for await (const v of stores.visits.scan({ openedAt: opened }, { supervisor: 1, group: 1, mode: 1, openedAt: 1, findings: 1 })) {
        visits.push({ supervisor: String(v.supervisor), group: String(v.group), mode: String(v.mode), openedOn: dateOf(v.openedAt, tz)!, findings: Array.isArray(v.findings) ? v.findings.length : 0 });
      }
      return fieldWorkOf(year, projects, visits);
    },
  };
}
