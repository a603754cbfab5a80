import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import type { Feature, RouteRequest } from '../../app/feature';
import { replyFile, replyText } from '../../app/notify';
import { writeXlsx, XLSX_TYPE } from '../../app/table-export';
import { parsePeriod } from '../../domain/summary';
import { normalize } from '../../domain/commands';
import { hasRole, supervisedGroups, type Org, type Person } from '../../domain/org';
import { localDate } from '../../domain/time';
import type { SummaryService } from '../summaries';
import { evaluationSheets, xlsxBytes } from './sheet';

const exportQuery = z.object({ year: z.string().regex(/^\d{4}$/, 'expected a year such as 2026').refine((y) => parsePeriod(y) !== null, 'expected a year between 2000 and 2100') }).strict();

/**
 * `评价表 [YYYY]`: the year's evaluation sheet (the file of `GET /api/evaluation/export`) as a file in
 * chat, for those who receive or oversee it: admins, observers (纪委、组织部), city leaders and the
 * coordination group (docs/architecture.md#files-out, maker `evaluation`); and the same sheet at
 * `GET /api/evaluation/export` for 纪委/组织部. Reads the ranking (summaries) and each unit's yearly
 * 定性评价 (`grades`, the results feature).
 */
export function evaluationFeature(deps: AppDeps, summary: SummaryService, grades?: (year: number) => Promise<Map<string, { grade: string; remarks: string }>>): Feature {
  const tz = deps.settings.tz;
  const today = () => localDate(deps.clock.now(), tz);

  deps.files.add('evaluation', async (args) => {
    const year = String(args.year);
    if (!/^\d{4}$/.test(year)) return null;
    const bytes = await xlsxBytes(await evaluationSheets(summary, await deps.orgs.get(), year, today(), grades));
    return { name: `${year}年度督导评价表.xlsx`, bytes, fileType: 'xls' };
  });

  const mayAsk = (p: Person, org: Org) => hasRole(p, 'admin') || hasRole(p, 'observer') || hasRole(p, 'cityLeader') || supervisedGroups(p).some((g) => org.group(g)?.kind === 'coordination');

  return {
    name: 'evaluation',
    commands: [
      {
        words: ['评价表'],
        async handle(m, person, body) {
          const org = await deps.orgs.get();
          if (!mayAsk(person, org)) return [replyText(m, '“评价表”供管理员、成果运用单位（纪委、组织部）、市领导和综合协调组使用。')];
          const now = today();
          const arg = normalize(body).replace(/年度?$/, '');
          if (arg && !/^\d{4}$/.test(arg)) return [replyText(m, `年份“${body.trim()}”不正确，请写作：评价表 ${now.slice(0, 4)}`)];
          const year = arg || now.slice(0, 4);
          if (year > now.slice(0, 4) || year < '2000') return [replyText(m, `${year} 年没有评价数据，请写作：评价表 ${now.slice(0, 4)}`)];
          const asOf = year === now.slice(0, 4) ? '（截至今天）' : '';
          return [replyText(m, `${year}年度督导评价表${asOf}，文件随后发出。`), replyFile(m, { kind: 'evaluation', args: { year } }, 1)];
        },
      },
    ],
    routes: [
      {
        method: 'get',
        path: '/evaluation/export',
        doc: { summary: "The year's evaluation for 纪委/组织部 (XLSX)", query: exportQuery, answers: { [XLSX_TYPE]: 'XLSX' } },
        handle: async ({ query: q }: RouteRequest<z.infer<typeof exportQuery>>) => {
          const sheets = await evaluationSheets(summary, await deps.orgs.get(), q.year, today(), grades);
          return { stream: { name: `evaluation-${q.year}.xlsx`, contentType: XLSX_TYPE, write: (out) => writeXlsx(sheets, out) } };
        },
      },
    ],
    help: (p) => (hasRole(p, 'admin') || hasRole(p, 'observer') || hasRole(p, 'cityLeader') ? [{ command: '评价表 [年份]', what: '年度督导评价表（Excel 文件）', example: '评价表 2026' }] : []),
  };
}
