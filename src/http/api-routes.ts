import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { AppDeps } from '../app/deps';
import { calendarYear } from '../app/calendar-view';
import { taskQuery, tasksToCsv, tasksToXlsx, withLight, type TaskQuery } from '../app/task-queries';
import { exportOrg, importOrg, OrgImportError, parseOrg, formatProblem, type ContactResolver } from '../org';
import type { JobRunner } from '../jobs/runner';
import { UnknownJob } from '../jobs/runner';
import { localDate } from '../domain/time';
import { appRouter } from './guard';
import { ApiError, jsonBody } from './middleware';

/**
 * The admin REST API behind `Authorization: Bearer ADMIN_TOKEN` (checked by `apiGuard` before routing). Lists answer
 * `{items, total}` with limit/offset; errors `{error: {code, message}}`.
 */
export interface ApiOptions {
  deps: AppDeps;
  runner: JobRunner;
  resolver?: ContactResolver;
  extend?: (router: Router) => void;
}

function parse<T extends z.ZodTypeAny>(schema: T, value: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ApiError(400, 'invalid_' + what, `${i.path.join('.') || what}: ${i.message}`);
  }
  return r.data;
}

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

export function apiRoutes(o: ApiOptions): Router {
  const router = appRouter('/api');
  const { deps } = o;

  router.get('/org', async (ctx) => {
    ctx.body = await exportOrg(deps.models);
  });

  router.post('/org/import', async (ctx) => {
    const { buffer, filename, dryRun } = importInput(ctx);
    try {
      const src = await parseOrg(buffer, filename);
      const report = await importOrg(deps.models, deps.locks, src, { resolver: o.resolver, by: 'api', now: deps.clock.now(), dryRun });
      deps.orgs.invalidate();
      ctx.body = report;
    } catch (e) {
      if (e instanceof OrgImportError) throw new ApiError(422, 'invalid_org', e.message, e.problems.map(formatProblem));
      throw e;
    }
  });

  router.get('/tasks', async (ctx) => {
    const q = parse(taskFilterSchema, ctx.query, 'query') as TaskQuery;
    ctx.body = await taskQuery(deps, q);
  });

  router.get('/tasks/export', async (ctx) => {
    const format = parse(z.enum(['csv', 'xlsx']).default('csv'), ctx.query.format, 'format');
    const { format: _f, ...rest } = ctx.query;
    void _f;
    const q = parse(taskFilterSchema.extend({ limit: z.coerce.number().int().min(1).max(100_000).default(100_000) }), rest, 'query') as TaskQuery;
    const { items } = await taskQuery(deps, q);
    const org = await deps.orgs.get();
    if (format === 'csv') {
      ctx.type = 'text/csv; charset=utf-8';
      ctx.attachment('tasks.csv');
      ctx.body = tasksToCsv(items, org);
    } else {
      ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      ctx.attachment('tasks.xlsx');
      ctx.body = await tasksToXlsx(items, org);
    }
  });

  router.get('/tasks/:code', async (ctx) => {
    // the whole history, oldest first: entries moved out of the task included
    const task = await deps.tasks.getWithHistory(ctx.params.code);
    if (!task) throw new ApiError(404, 'task_not_found', `no task ${ctx.params.code}`);
    ctx.body = withLight(deps, task);
  });

  router.get('/outbox', async (ctx) => {
    const q = parse(z.object({ status: z.enum(['pending', 'retrying', 'sent', 'failed', 'superseded']).optional(), ...page }).strict(), ctx.query, 'query');
    ctx.body = await deps.outbox.list(q.status, q.limit, q.offset);
  });

  router.post('/outbox/:id/retry', async (ctx) => {
    const row = await deps.outbox.get(ctx.params.id);
    if (!row) throw new ApiError(404, 'outbox_not_found', `no outbox message ${ctx.params.id}`);
    if (row.status !== 'failed') throw new ApiError(409, 'not_failed', `message ${row._id} is ${row.status}, only failed ones can be retried`);
    await deps.outbox.update(row._id, { status: 'pending', attempts: 0, nextAttemptAt: new Date() });
    ctx.body = { ok: true, id: row._id };
  });

  router.get('/jobs', async (ctx) => {
    const q = parse(z.object({ name: z.string().optional(), ...page }).strict(), ctx.query, 'query');
    const filter = q.name ? { name: q.name } : {};
    const [items, total] = await Promise.all([deps.models.jobRuns.find(filter).sort({ startedAt: -1 }).skip(q.offset).limit(q.limit).lean(), deps.models.jobRuns.countDocuments(filter)]);
    ctx.body = { jobs: o.runner.names(), items, total };
  });

  router.post('/jobs/:name/run', async (ctx) => {
    const body = parse(z.object({ at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO moment such as 2026-12-15T09:00:00+08:00').optional(), force: z.boolean().optional() }).strict(), jsonBody(ctx), 'body');
    try {
      o.runner.get(ctx.params.name);
    } catch (e) {
      if (e instanceof UnknownJob) throw new ApiError(404, 'unknown_job', e.message);
      throw e;
    }
    ctx.body = await o.runner.run(ctx.params.name, body.at ? new Date(body.at) : deps.clock.now(), { trigger: 'manual', force: body.force });
  });

  router.get('/calendar', async (ctx) => {
    const q = parse(calendarQuerySchema, ctx.query, 'query');
    ctx.body = calendarYear(deps.cal, q.year ?? Number(localDate(deps.clock.now(), deps.settings.tz).slice(0, 4)));
  });

  o.extend?.(router);
  return router;
}

function importInput(ctx: Context): { buffer: Buffer; filename: string; dryRun: boolean } {
  const type = ctx.get('content-type');
  const dryRun = ctx.query.dryRun === 'true' || ctx.query.dry_run === 'true';
  if (/json/.test(type)) {
    const body = parse(
      z.object({ filename: z.string().min(1).max(200), content: z.string().optional(), contentBase64: z.string().optional(), dryRun: z.boolean().optional() }).strict().refine((b) => b.content !== undefined || b.contentBase64 !== undefined, 'give content (text) or contentBase64 (xlsx)'),
      jsonBody(ctx),
      'body',
    );
    const buffer = body.contentBase64 !== undefined ? Buffer.from(body.contentBase64, 'base64') : Buffer.from(body.content!, 'utf8');
    return { buffer, filename: body.filename, dryRun: dryRun || Boolean(body.dryRun) };
  }
  const filename = typeof ctx.query.filename === 'string' ? ctx.query.filename : '';
  if (!filename) throw new ApiError(400, 'missing_filename', 'send JSON {filename, content} or the file itself with ?filename=org.yaml|.json|.csv|.xlsx');
  return { buffer: ctx.state.raw ?? Buffer.alloc(0), filename, dryRun };
}
