import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { WiredDeps } from '../adapters/mongo/models';
import { calendarYear } from '../app/calendar-view';
import { auditsOfTask } from '../app/audit-log';
import { sendTable } from '../app/table-export';
import { taskColumns, taskQuery, taskRows, withLight, type TaskQuery } from '../app/task-queries';
import type { JobRunner } from '../jobs/runner';
import { UnknownJob } from '../jobs/runner';
import { localDate } from '../domain/time';
import { appRouter } from './guard';
import { ApiError } from './middleware';
import { doc } from './openapi';
import { machineDate } from '../clock';

/**
 * The admin REST API behind `Authorization: Bearer ADMIN_TOKEN` (checked by `apiGuard` before routing). Lists answer
 * `{items, total}` with limit/offset; errors `{error: {code, message}}`.
 */
export interface ApiOptions {
  deps: WiredDeps;
  runner: JobRunner;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const page = { limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) };
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
export const taskFilterSchema = z
  .object({
    state: z.enum(['dispatched', 'in_progress', 'submitted', 'closed', 'cancelled', 'open']).optional(),
    unit: z.string().max(40).optional(),
    group: z.string().max(40).optional(),
    light: z.enum(['red', 'yellow', 'green']).optional(),
    overdue: z.enum(['true', 'false']).optional(),
    deadline_from: date.optional(),
    deadline_to: date.optional(),
    q: z.string().max(100).optional(),
    ...page,
  })
  .strict();

export const calendarQuerySchema = z.object({ year: z.coerce.number().int().min(2000).max(2099).optional() }).strict();
const exportQuery = taskFilterSchema.extend({ format: z.enum(['csv', 'xlsx']).default('csv'), limit: z.coerce.number().int().min(1).max(100_000).default(100_000) });
const outboxQuery = z.object({ status: z.enum(['pending', 'retrying', 'sent', 'failed', 'superseded']).optional(), ...page }).strict();
const jobsQuery = z.object({ name: z.string().optional(), ...page }).strict();
const jobRunBody = z
  .object({
    at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO moment such as 2026-12-15T09:00:00+08:00').optional().describe('the moment to run as (default: now)'),
    force: z.boolean().optional().describe('run on a day the job would skip (a holiday)'),
  })
  .strict();
export function apiRoutes(o: ApiOptions): Router {
  const router = appRouter('/api');
  for (const add of [taskRoutes, opsRoutes]) add(router, o);
  return router;
}

/** Tasks: the filtered list, its spreadsheet, one task with its whole history. */
function taskRoutes(router: Router, { deps }: ApiOptions): void {
  router.get('/tasks', doc({ summary: 'Tasks of every state unless filtered, newest first, with their lights', query: taskFilterSchema }), async (ctx) => {
    const q = ctx.state.query as TaskQuery;
    ctx.body = await taskQuery(deps, q);
  });

  router.get('/tasks/export', doc({ summary: 'The filtered tasks as a spreadsheet', query: exportQuery, answers: { 'text/csv': 'CSV (format=csv)', [XLSX]: 'XLSX (format=xlsx)' } }), async (ctx) => {
    const { format, ...q } = ctx.state.query as z.infer<typeof exportQuery> & TaskQuery;
    const org = await deps.orgs.get();
    sendTable(ctx, { name: 'tasks', format, sheet: '督办事项', columns: taskColumns(org, deps.settings.tz), rows: taskRows(deps, q), widths: [14, 30, 40] }, (e) => deps.log.error({ err: e }, 'tasks export failed'));
  });

  router.get('/tasks/:code', doc({ summary: 'One task with its light and its whole history, oldest first: its changes and what was sent or decided about it (reminders, letters, appeals)' }), async (ctx) => {
    // the whole history: entries moved out of the task included, and the record kept beside it
    const task = await deps.tasks.getWithHistory(ctx.params.code);
    if (!task) throw new ApiError(404, 'task_not_found', `no task ${ctx.params.code}`);
    const t = withLight(deps, task);
    const own = t.history.map((h) => ({ ...h, entity: `task:${t.code}` }));
    const beside = (await auditsOfTask(deps, t.code)).map(({ task: _t, ...a }) => (void _t, a));
    ctx.body = { ...t, history: [...own, ...beside].sort((a, b) => a.at.getTime() - b.at.getTime()) }; // stable: equal times keep seq order
  });
}

/** Operations: the outbox, the jobs, the calendar. */
function opsRoutes(router: Router, o: ApiOptions): void {
  const { deps } = o;
  router.get('/outbox', doc({ summary: 'Outgoing messages by status', query: outboxQuery }), async (ctx) => {
    const q = ctx.state.query as z.infer<typeof outboxQuery>;
    ctx.body = await deps.outbox.list(q.status, q.limit, q.offset);
  });

  router.post('/outbox/:id/retry', doc({ summary: 'Send a failed message again' }), async (ctx) => {
    const row = await deps.outbox.get(ctx.params.id);
    if (!row) throw new ApiError(404, 'outbox_not_found', `no outbox message ${ctx.params.id}`);
    if (row.status !== 'failed') throw new ApiError(409, 'not_failed', `message ${row._id} is ${row.status}, only failed ones can be retried`);
    await deps.outbox.update(row._id, { status: 'pending', attempts: 0, nextAttemptAt: machineDate() });
    ctx.body = { ok: true, id: row._id };
  });

  router.get('/jobs', doc({ summary: 'The job names and their runs, newest first', query: jobsQuery }), async (ctx) => {
    const q = ctx.state.query as z.infer<typeof jobsQuery>;
    const { items, total } = await deps.jobRuns.list(q.name, q.limit, q.offset);
    ctx.body = { jobs: o.runner.names(), items, total };
  });

  router.post('/jobs/:name/run', doc({ summary: 'Run a job now, as it would run at `at`', body: jobRunBody }), async (ctx) => {
    const body = ctx.state.body as z.infer<typeof jobRunBody>;
    try {
      o.runner.get(ctx.params.name);
    } catch (e) {
      if (e instanceof UnknownJob) throw new ApiError(404, 'unknown_job', e.message);
      throw e;
    }
    ctx.body = await o.runner.run(ctx.params.name, body.at ? new Date(body.at) : deps.clock.now(), { trigger: 'manual', force: body.force, by: requester(ctx) });
  });

  router.get('/calendar', doc({ summary: "A year's days off and extra workdays, each with its source", query: calendarQuerySchema }), async (ctx) => {
    const q = ctx.state.query as z.infer<typeof calendarQuerySchema>;
    ctx.body = calendarYear(deps.cal, q.year ?? Number(localDate(deps.clock.now(), deps.settings.tz).slice(0, 4)));
  });
}

/** Who asked, for the audit log: the client's address (X-Forwarded-For behind a proxy) and the peer's when it differs. */
function requester(ctx: Context): string {
  const peer = ctx.req.socket.remoteAddress ?? 'unknown';
  return ctx.ip && ctx.ip !== peer ? `admin-api ${ctx.ip} (via ${peer})` : `admin-api ${peer}`;
}
