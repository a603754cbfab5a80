import type { Feature } from '../../app/feature';
import { hasRole, supervisedGroups, type Org, type Person } from '../../domain/org';
import { resultsCard } from './cards';
import { resultsCommands, submitGrade } from './commands';
import { HIGHLIGHT_USAGE } from './highlight';
import type { ResultsStores } from './ports';
import { rateText } from './record';
import { resultsRoutes } from './routes';
import { ResultsService, seesResults, type ResultsDeps } from './service';

/**
 * The supervisors' record and the year's 成效 (docs/rules.md#the-supervisors-record,
 * docs/rules.md#the-years-results): 亮点 (典型经验) and 定性评价 on the record, the record per group and
 * supervisor (in 统计 and the API), the 成效 card, JSON and Word document (sent in chat as a file).
 * The data side is service.ts, the chat side commands.ts, the admin routes routes.ts.
 */
export { RESULTS_FILE, seesResults } from './service';

export interface ResultsFeature extends Feature {
  /** The supervisors' record for the 统计 card (null for those who do not see it). */
  statsRows(p: Person, org: Org): Promise<{ formula: string; rows: { name: string; score: number; formula: string }[] } | undefined>;
  /** The year's 成效 card (sent with the December monthly summary). */
  yearCard(year: number): Promise<unknown>;
  /** The year's grades by unit (the evaluation XLSX). */
  gradesOf(year: number): Promise<Map<string, { grade: string; remarks: string }>>;
}

function help(p: Person) {
  const lines = [];
  if (supervisedGroups(p).length) lines.push({ command: '亮点 单位 标题 内容', what: '把单位的好做法记为典型经验', example: HIGHLIGHT_USAGE.split('\n').at(-1)! });
  if (hasRole(p, 'cityLeader') || hasRole(p, 'admin')) lines.push({ command: '成效 [年份]', what: '本年度督导成效（附 Word 版）；市领导、综合协调组可用', example: '成效 2026' });
  return lines;
}

export function resultsFeature(deps: ResultsDeps, stores: ResultsStores): ResultsFeature {
  const svc = new ResultsService(deps, stores);
  return {
    name: 'results',
    commands: resultsCommands(deps, svc, stores),
    actions: { 'grade.submit': (c) => submitGrade(deps, svc, c) },
    help,
    routes: resultsRoutes(deps, svc, stores),
    relay: () => Promise.all([stores.highlights.changes.relayAll(), stores.grades.changes.relayAll()]),
    async statsRows(p, org) {
      if (!seesResults(p, org)) return undefined;
      const r = await svc.record(svc.thisYear(), org);
      return { formula: `${r.year}年督导组实绩：${r.formula}`, rows: r.groups.map((g) => ({ name: org.group(g.key)?.name ?? g.key, score: g.score, formula: `${g.terms}；按期率 ${rateText(g.onTimeRate)}；现场督导 ${g.visits} 次` })) };
    },
    async yearCard(year) {
      const org = await deps.orgs.get();
      return resultsCard(await svc.results(year), { asOf: svc.today(), unitName: (c) => org.unitName(c), fileFollows: false });
    },
    gradesOf: (year) => svc.gradesOf(year),
  };
}
