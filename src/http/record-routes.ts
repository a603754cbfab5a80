import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { yearParam } from '../app/query-params';
import { auditQuery, type AuditRow } from '../app/audit-log';
import type { AppDeps } from '../app/deps';
import { lettersQuery, type LetterRow } from '../app/letters-registry';
import { localStamp, sendTable, type Column } from '../app/table-export';
import { startOfDay, addDays } from '../domain/time';
import { appRouter } from './guard';
import { ApiError } from './middleware';
import { doc } from './openapi';

/**
 * The record for 纪委/审计: `GET /api/audit` (every step: tasks' histories and the audit log, newest
 * first) and `GET /api/letters` (the 督导提示函 registry), as JSON lists or, with `format=csv|xlsx`, as a
 * spreadsheet of everything that matches (up to 100,000 rows).
 */
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('at most 500; an export (format) takes up to 100,000 rows and ignores it'),
  offset: z.coerce.number().int().min(0).default(0),
  format: z.enum(['json', 'csv', 'xlsx']).default('json').describe('csv or xlsx: a spreadsheet of every matching row'),
};
const auditQuerySchema = z
  .object({
    task: z.string().trim().max(40).optional().describe('a task code: its history and what was sent about it'),
    actor: z.string().trim().max(60).optional().describe("who acted: a person's code, or system"),
    action: z.string().trim().max(60).optional().describe('e.g. accept, progress, decide_extension, letter, remind_overdue, upheld, import'),
    from: day.optional().describe('from this local day (inclusive)'),
    to: day.optional().describe('to this local day (inclusive)'),
    ...paging,
  })
  .strict();
const lettersQuerySchema = z
  .object({
    year: yearParam.optional(),
    unit: z.string().trim().max(40).optional().describe('a unit code'),
    task: z.string().trim().max(40).optional().describe('a task code'),
    ...paging,
  })
  .strict();

const EXPORT_LIMIT = 100_000;

function send<T>(ctx: Context, deps: AppDeps, name: string, sheet: string, columns: Column<T>[], rows: T[], format: 'csv' | 'xlsx'): void {
  sendTable(ctx, { name, format, sheet, columns, rows }, (e) => deps.log.error({ err: e, name }, 'export failed'));
}

const json = (v: unknown) => (v === undefined || v === null ? '' : JSON.stringify(v));

export function recordRoutes(o: { deps: AppDeps }): Router {
  const { deps } = o;
  const tz = deps.settings.tz;
  const router = appRouter('/api');

  router.get('/audit', doc({ summary: 'The record: every step on tasks and beside them, newest first', query: auditQuerySchema, answers: { 'application/json': '{items, total}', 'text/csv': 'CSV (format=csv)', [XLSX]: 'XLSX (format=xlsx)' } }), async (ctx) => {
    const q = ctx.state.query as z.infer<typeof auditQuerySchema>;
    if (q.from && q.to && q.from > q.to) throw new ApiError(400, 'invalid_query', `from: ${q.from} is after to: ${q.to}`);
    const exporting = q.format !== 'json';
    const r = await auditQuery(deps, {
      task: q.task,
      actor: q.actor,
      action: q.action,
      from: q.from ? startOfDay(q.from, tz) : undefined,
      to: q.to ? startOfDay(addDays(q.to, 1), tz) : undefined,
      limit: exporting ? EXPORT_LIMIT : q.limit,
      offset: exporting ? 0 : q.offset,
    });
    if (!exporting) return void (ctx.body = r);
    const org = await deps.orgs.get();
    const columns: Column<AuditRow>[] = [
      ['时间', (a) => localStamp(a.at, tz)],
      ['操作人', (a) => (a.by === 'system' ? '系统' : org.personName(a.by))],
      ['操作人编号', (a) => a.by],
      ['动作', (a) => a.action],
      ['对象', (a) => a.entity],
      ['事项', (a) => a.task ?? ''],
      ['说明', (a) => a.note ?? ''],
      ['变更前', (a) => json(a.before)],
      ['变更后', (a) => json(a.after)],
    ];
    send(ctx, deps, 'audit', '操作记录', columns, r.items, q.format as 'csv' | 'xlsx');
  });

  router.get('/letters', doc({ summary: 'The 督导提示函 registry, with the letters an upheld appeal removed', query: lettersQuerySchema, answers: { 'application/json': '{items, total}', 'text/csv': 'CSV (format=csv)', [XLSX]: 'XLSX (format=xlsx)' } }), async (ctx) => {
    const q = ctx.state.query as z.infer<typeof lettersQuerySchema>;
    const exporting = q.format !== 'json';
    const r = await lettersQuery(deps, { year: q.year, unit: q.unit, task: q.task, limit: exporting ? EXPORT_LIMIT : q.limit, offset: exporting ? 0 : q.offset });
    if (!exporting) return void (ctx.body = r);
    const org = await deps.orgs.get();
    const columns: Column<LetterRow>[] = [
      ['文号', (l) => l.label],
      ['事项', (l) => l.code],
      ['标题', (l) => l.title ?? ''],
      ['责任单位', (l) => org.unitName(l.unit)],
      ['督导组', (l) => org.group(l.group)?.name ?? l.group],
      ['截止日期', (l) => l.deadline],
      ['发出日期', (l) => l.issuedOn],
      ['超期工作日', (l) => l.overdueWorkdays],
      ['申诉撤销', (l) => (l.removed ? `是（${l.removedBy}）` : '否')],
    ];
    send(ctx, deps, 'letters', '督导提示函', columns, r.items, q.format as 'csv' | 'xlsx');
  });

  return router;
}
