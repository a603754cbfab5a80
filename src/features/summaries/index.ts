import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import { RouteError, type Feature, type ReportSections, type RouteRequest } from '../../app/feature';
import { code, personLookup } from '../../app/route-inputs';
import { hasRole, type Org, type Person } from '../../domain/org';
import { formulaText, scoreTerms } from '../../domain/ranking';
import { monthOf, parsePeriod } from '../../domain/summary';
import { localDate } from '../../domain/time';
import { machineNow } from '../../clock';
import type { EscalationService } from '../escalation';
import { monthlySummaryJob } from './monthly-job';
import { SummaryService } from './service';

export { SummaryService, type Scope } from './service';

/**
 * Summaries and ranking (docs/rules.md#summaries-and-ranking): the ranking on the 统计 card and at
 * `GET /api/ranking`, and the `monthly-summary` job (each city leader's and the city-wide summary, with
 * the agenda of the escalation feature; with the December summary the year's 成效 card from `yearEnd`). `service` is
 * read by the evaluation sheet.
 */
export interface SummariesFeature {
  feature: Feature;
  service: SummaryService;
  /** The 统计 card's ranking for this person's scope, each score written out (undefined: no scope). */
  ranking(p: Person, org: Org): Promise<RankingRow[] | undefined>;
}

export interface RankingRow {
  unitName: string;
  score: number;
  formula: string;
}

const RANKING_CACHE_MS = 5 * 60_000;
const periodParam = z.string().refine((s) => parsePeriod(s) !== null, 'expected a month such as 2026-11 or a year such as 2026');
const rankingQuery = z.object({ period: periodParam, group: code.optional(), leader: code.optional() }).strict();

/** `yearEnd(year)`: the year's 成效 card sent with the December summary (the results feature); absent → none. */
export function summariesFeature(deps: AppDeps, escalations: EscalationService, o: { yearEnd?: (year: number) => Promise<unknown>; sections?: ReportSections } = {}): SummariesFeature {
  const service = new SummaryService(deps, escalations);
  const person = personLookup(deps);
  const relay = () => Promise.all([deps.escalations.relayAll(), deps.appeals.relayAll()]);
  const feature: Feature = {
    name: 'summaries',
    jobs: [monthlySummaryJob(service, relay, o.yearEnd, o.sections)],
    routes: [
      {
        method: 'get',
        path: '/ranking',
        doc: { summary: 'Unit ranking for a month or a year, with its formula', query: rankingQuery },
        handle: async ({ query: q }: RouteRequest<z.infer<typeof rankingQuery>>) => {
          const org = await deps.orgs.get();
          if (q.group && !org.group(q.group)) throw new RouteError(400, 'unknown_group', `group: no group ${q.group}`);
          const scope = q.leader ? service.leaderScope(await person(q.leader, 'leader', (p) => hasRole(p, 'cityLeader'), 'is not a city leader'), org) : q.group ? service.groupsScope([q.group], org) : service.cityScope(org);
          const period = parsePeriod(q.period)!;
          const { rows } = await service.ranking(scope, period, localDate(deps.clock.now(), deps.settings.tz));
          const w = service.weights;
          return { body: { period: period.label, scope: scope.label, formula: formulaText(w), weights: w, items: rows.map((r) => ({ ...r, unitName: org.unitName(r.unit), terms: scoreTerms(r, w) })), total: rows.length } };
        },
      },
    ],
  };
  return { feature, service, ranking: statsRanking(deps, service) };
}

/**
 * 统计 shows the ranking of the current month for the caller's scope, each score written out. It costs
 * a scan of the tasks, so a scope's ranking is reused for a few minutes (machine time).
 */
function statsRanking(deps: AppDeps, summary: SummaryService): SummariesFeature['ranking'] {
  const cache = new Map<string, { until: number; rows: RankingRow[] }>();
  return async (p, org) => {
    const scope = summary.scopeOf(p, org);
    if (!scope) return undefined;
    const today = localDate(deps.clock.now(), deps.settings.tz);
    const key = `${scope.key}|${today}`;
    const hit = cache.get(key);
    if (hit && hit.until > machineNow()) return hit.rows;
    const { rows } = await summary.ranking(scope, monthOf(today), today);
    const out = rows.map((r) => ({ unitName: org.unitName(r.unit), score: r.score, formula: scoreTerms(r, summary.weights) }));
    if (cache.size > 200) cache.clear();
    cache.set(key, { until: machineNow() + RANKING_CACHE_MS, rows: out });
    return out;
  };
}
