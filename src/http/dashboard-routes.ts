import type Router from '@koa/router';
import { z } from 'zod';
import { calendarFallback } from '../app/calendar-view';
import { momentText } from '../cards/common';
import type { AppDeps } from '../app/deps';
import { lightOf, type LightColor } from '../domain/lights';
import { OPEN_STATES, TASK_STATES, type Task } from '../domain/task';
import { localDate } from '../domain/time';
import type { JobRunner } from '../jobs/runner';
import { appRouter } from './guard';
import { ApiError } from './middleware';
import { doc } from './openapi';

/**
 * Read-only figures for the admin dashboard (/admin), behind the admin token:
 * `GET /api/stats[?group=G1]` → tasks by state, open tasks by light (with their overdue count) overall,
 * per unit and per group, the outbox's failed/pending counts, each job's last run, and the years whose
 * workday calendar is computed from the law until the State Council notice is in the data.
 * Lights are derived on read (docs/rules.md#tasks-and-their-states), so open tasks are streamed with a projection and counted in
 * code (FerretDB 1.24 miscounts `$group` with several accumulators).
 */
export interface DashboardOptions {
  deps: AppDeps;
  runner: JobRunner;
}

type Lights = Record<'red' | 'yellow' | 'green', number>;
interface Row extends Lights {
  open: number;
  overdue: number;
}

const statsQuery = z.object({ group: z.string().trim().min(1).max(40).optional() }).strict();
const LIGHT_FIELDS = { code: 1, state: 1, deadline: 1, dispatchedAt: 1, progress: 1, closedAt: 1, leadUnit: 1, group: 1 } as const;

export function dashboardRoutes(o: DashboardOptions): Router {
  const router = appRouter('/api');
  const { deps } = o;

  router.get('/stats', doc({ summary: 'Dashboard figures: tasks by state and light, per unit and group, outbox, last job runs' }), async (ctx) => {
    const parsed = statsQuery.safeParse(ctx.query);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new ApiError(400, 'invalid_query', `${i.path.join('.') || 'query'}: ${i.message}`);
    }
    const { group } = parsed.data;
    const org = await deps.orgs.get();
    if (group && !org.group(group)) throw new ApiError(404, 'unknown_group', `no group ${group}; groups: ${org.groups.map((g) => g.code).join(', ')}`);
    const scope = group ? { group } : {};
    const now = deps.clock.now();

    const states = Object.fromEntries(await Promise.all(TASK_STATES.map(async (s) => [s, await deps.tasks.count({ ...scope, state: s })] as const)));
    const blank = (): Row => ({ open: 0, overdue: 0, red: 0, yellow: 0, green: 0 });
    const total = blank();
    const units = new Map<string, Row>();
    const groups = new Map<string, Row>();
    const open: Pick<Task, keyof typeof LIGHT_FIELDS>[] = await deps.tasks.find({ ...scope, state: { $in: [...OPEN_STATES] } }, { projection: LIGHT_FIELDS });
    for (const t of open) {
      const color: LightColor = lightOf(t, now, deps.settings.tz, deps.cal, deps.settings.lights).color;
      for (const row of [total, get(units, t.leadUnit, blank), get(groups, t.group, blank)]) {
        row.open++;
        if (color !== 'none') row[color]++;
        if (color === 'red') row.overdue++;
      }
    }
    const { failed, pending } = await deps.outboxFigures.counts();
    const worker = continuousState({ pending, failed, lastSentAt: await deps.outboxFigures.lastSentAt() }, deps.settings.tz, now);
    const jobs = await Promise.all(
      o.runner.names().map(async (name) => {
        const last = await deps.jobRuns.last(name);
        return { name, last, ...(CONTINUOUS.has(name) ? { continuous: worker } : {}) };
      }),
    );
    const worst = (a: [string, Row], b: [string, Row]) => b[1].red - a[1].red || b[1].yellow - a[1].yellow || b[1].open - a[1].open || a[0].localeCompare(b[0]);
    ctx.body = {
      at: now.toISOString(),
      today: localDate(now, deps.settings.tz),
      tz: deps.settings.tz,
      group: group ?? null,
      states,
      open: total.open,
      overdue: total.overdue,
      lights: { red: total.red, yellow: total.yellow, green: total.green },
      units: [...units].sort(worst).map(([code, r]) => ({ unit: code, name: org.unitName(code), ...r })),
      groups: [...groups].sort(worst).map(([code, r]) => ({ group: code, name: org.group(code)?.name ?? code, ...r })),
      outbox: { failed, pending },
      jobs,
      calendar: calendarFallback(deps.cal, Number(localDate(now, deps.settings.tz).slice(0, 4))),
    };
  });

  return router;
}

/** Jobs whose work runs all the time in the service (the outbox worker, src/jobs/outbox.ts), not in slots. */
const CONTINUOUS = new Set(['outbox']);

/** What a continuous job is doing, for the dashboard's job list: `持续运行 · 待发 2 · 最近送达 12-01 10:05`. */
export function continuousState(o: { pending: number; failed: number; lastSentAt: Date | null }, tz: string, now: Date): string {
  const parts = ['持续运行', `待发 ${o.pending}`];
  if (o.failed) parts.push(`发送失败 ${o.failed}`);
  parts.push(o.lastSentAt ? `最近送达 ${momentText(o.lastSentAt, tz, localDate(now, tz))}` : '尚无送达');
  return parts.join(' · ');
}

function get<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}
