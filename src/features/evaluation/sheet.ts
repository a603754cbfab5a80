import { PassThrough } from 'node:stream';
import type { Org } from '../../domain/org';
import { formulaText } from '../../domain/ranking';
import { parsePeriod } from '../../domain/summary';
import type { LocalDate } from '../../domain/time';
import { sheet, writeXlsx, type Column, type SheetSpec } from '../../app/table-export';
import type { SummaryService } from '../summaries/service';

/**
 * The year's evaluation for 纪委/组织部 (docs/rules.md#summaries-and-ranking): every unit's rank and score
 * with its terms, and the scoring method. One builder for `GET /api/evaluation/export` and the
 * `评价表` file in chat.
 */
export async function evaluationSheets(summary: SummaryService, o: Org, year: string, today: LocalDate, gradesOf?: (year: number) => Promise<Map<string, { grade: string; remarks: string }>>): Promise<SheetSpec<unknown>[]> {
  const period = parsePeriod(year)!;
  const [{ rows }, grades] = await Promise.all([summary.ranking(summary.cityScope(o), period, today), gradesOf ? gradesOf(Number(year)) : Promise.resolve(new Map<string, { grade: string; remarks: string }>())]);
  type Row = (typeof rows)[number];
  const columns: Column<Row>[] = [
    ['名次', (r) => r.rank],
    ['单位', (r) => o.unitName(r.unit)],
    ['派发事项', (r) => r.dispatched],
    ['办结事项', (r) => r.closed],
    ['按期办结', (r) => r.onTime],
    ['按期办结率', (r) => (r.onTimeRate === null ? '—' : Math.round(r.onTimeRate * 1000) / 10 + '%')],
    ['超期工作日', (r) => r.overdueWorkdays],
    ['退回次数', (r) => r.returns],
    ['督导提示函', (r) => r.letters],
    ['得分', (r) => r.score],
    // the 定性评价 beside the outcome score (docs/rules.md#the-years-results)
    ['定性评价', (r) => grades.get(r.unit)?.grade ?? '未评'],
    ['评价意见', (r) => grades.get(r.unit)?.remarks ?? ''],
  ];
  const method = sheet<string>({ name: '计分方法', columns: [['计分方法', (line) => line]], rows: [formulaText(summary.weights), `统计期间：${period.from} 至 ${period.to}；只计办理结果，不计在线时长、点击等活动。`], widths: [100] });
  return [sheet({ name: `${year}年督导评价`, columns, rows, widths: [6, 20, 10, 10, 10, 12, 12, 10, 12, 8, 10, 40] }), method];
}

/** The sheets as one XLSX in memory (a file for chat; the API streams instead). */
export async function xlsxBytes(sheets: SheetSpec<unknown>[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve, reject) => out.on('end', resolve).on('error', reject));
  await writeXlsx(sheets, out);
  await ended;
  return Buffer.concat(chunks);
}
