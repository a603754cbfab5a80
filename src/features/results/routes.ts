import { z } from 'zod';
import { RouteError, type RouteDef } from '../../app/feature';
import { yearParam } from '../../app/query-params';
import { hasRole } from '../../domain/org';
import { GRADES } from './highlight';
import type { ResultsStores } from './ports';
import type { SupervisorsRecord } from './record';
import { leadsCoordination, type ResultsDeps, type ResultsService } from './service';

/** The results feature's admin routes: the record, the 成效 (JSON or .docx), 亮点, grades. */
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const yearQuery = z.object({ year: yearParam }).strict();
const resultsQuery = z.object({ year: yearParam, format: z.enum(['json', 'docx']).default('json') }).strict();
const gradeBody = z.object({ unit: z.string().trim().min(1).max(50), year: z.number().int().min(2000).max(2100), grade: z.enum(GRADES), remarks: z.string().trim().max(2000).default(''), by: z.string().trim().min(1).max(60).describe('person code or open_id of a coordination group 组长/副组长') }).strict();

type YearQuery = z.infer<typeof yearQuery>;

function recordRoute(deps: ResultsDeps, svc: ResultsService): RouteDef {
  return {
    method: 'get',
    path: '/supervisors/record',
    doc: { summary: "The supervisors' own record for a year, per group and per supervisor, with its formula", query: yearQuery },
    handle: async (req) => {
      const q = req.query as YearQuery;
      const org = await deps.orgs.get();
      const r = await svc.record(q.year, org);
      const named = (rows: SupervisorsRecord['groups'], kind: 'group' | 'person') => rows.map((x) => ({ ...x, name: kind === 'group' ? (org.group(x.key)?.name ?? x.key) : org.personName(x.key), groupName: org.group(x.group)?.name ?? x.group }));
      return { body: { year: r.year, formula: r.formula, groups: named(r.groups, 'group'), people: named(r.people, 'person') } };
    },
  };
}

function resultsRoute(svc: ResultsService): RouteDef {
  return {
    method: 'get',
    path: '/results',
    doc: { summary: "The year's 成效: JSON, or with format=docx the Word document (a 公文 attachment)", query: resultsQuery, answers: { 'application/json': 'the figures', [DOCX]: 'format=docx' } },
    handle: async (req) => {
      const q = req.query as z.infer<typeof resultsQuery>;
      if (q.format === 'docx') {
        const f = await svc.docx(q.year);
        return { file: { name: f.name, contentType: DOCX, data: f.bytes } };
      }
      return { body: await svc.results(q.year) };
    },
  };
}

function gradeRoute(deps: ResultsDeps, svc: ResultsService): RouteDef {
  return {
    method: 'post',
    path: '/grades',
    doc: { summary: "Record a unit's yearly 定性评价 (好/较好/一般/差); the latest per unit and year is kept", body: gradeBody },
    handle: async (req) => {
      const b = req.body as z.infer<typeof gradeBody>;
      const org = await deps.orgs.get();
      const p = org.person(b.by) ?? org.byOpenId(b.by);
      if (!p) throw new RouteError(400, 'unknown_by', `by: no person ${b.by}`);
      if (!leadsCoordination(p, org) && !hasRole(p, 'admin')) throw new RouteError(403, 'forbidden', `by: ${p.code} is not a coordination group 组长 or 副组长`);
      const r = await svc.grade(p, { unit: b.unit, year: String(b.year), grade: b.grade, remarks: b.remarks }, org);
      if (!r.ok) throw new RouteError(400, 'invalid_grade', r.problems.join('; '), r.problems);
      return { body: r.doc };
    },
  };
}

export function resultsRoutes(deps: ResultsDeps, svc: ResultsService, stores: ResultsStores): RouteDef[] {
  const { highlights, grades } = stores;
  return [
    recordRoute(deps, svc),
    resultsRoute(svc),
    {
      method: 'get',
      path: '/highlights',
      doc: { summary: '典型经验 (亮点) marked in a year', query: yearQuery },
      handle: async (req) => ({ body: await highlights.records.list({ year: (req.query as YearQuery).year }, { sort: { number: 1 }, limit: 500, offset: 0 }) }),
    },
    {
      method: 'get',
      path: '/grades',
      doc: { summary: "Units' yearly 定性评价", query: yearQuery },
      handle: async (req) => ({ body: await grades.records.list({ year: (req.query as YearQuery).year }, { sort: { unit: 1 }, limit: 500, offset: 0 }) }),
    },
    gradeRoute(deps, svc),
  ];
}
