import type { CardRender } from './outbox-item';
import {
  myTasksCard,
  noticeCard,
  rollupCard,
  statsCard,
  taskCard,
  urgeCard,
  type Card,
} from '../cards';
import type { HeaderTemplate } from '../cards/common';
import { lightOf } from '../domain/lights';
import { hasRole, officialUnits, supervisedGroups, type Org, type Person } from '../domain/org';
import { signDeadline } from '../domain/reminders';
import { OPEN_STATES, TASK_STATES, type Task, type TaskState } from '../domain/task';
import { localDate } from '../domain/time';
import type { AppDeps } from './deps';
import type { CardViews, TaskCardMode, TaskView } from './views';
import type { Feature } from './feature';
import type { CardRenderer } from './ports/card-renderer';

/**
 * Cards built from current data: what handlers answer with, and what the outbox renders when it sends
 * or updates a live card (so every copy shows the latest state, however late it goes out).
 */
export type ExtraRenderer = (r: CardRender, org: Org) => Promise<Card | null | undefined>;

/** What features add to the 统计 card (main.ts passes them): the ranking (summaries) and the supervisors' record (results). */
export interface StatsSections {
  /** The ranking of the current month for the caller's scope (docs/rules.md#summaries-and-ranking). */
  ranking?: (p: Person, org: Org) => Promise<{ unitName: string; score: number; formula: string }[] | undefined>;
  /** The supervisors' record per group (docs/rules.md#the-supervisors-record). */
  supervisors?: (p: Person, org: Org) => Promise<{ formula: string; rows: { name: string; score: number; formula: string }[] } | undefined>;
}

export class AppCardViews implements CardViews, CardRenderer {
  private readonly extra: ExtraRenderer[] = [];

  constructor(
    private readonly deps: AppDeps,
    private readonly sections: StatsSections = {},
  ) {}

  private addRenderer(r: ExtraRenderer): void {
    this.extra.push(r);
  }

  /** The features' live cards (by the kind before the colon of a ref). */
  useFeatures(features: readonly Feature[]): void {
    this.addRenderer(async (r, org) => {
      const colon = r.ref.indexOf(':');
      for (const f of features) {
        const render = f.renderers?.[r.ref.slice(0, colon)];
        if (render) return render(r.ref.slice(colon + 1), org);
      }
      return undefined;
    });
  }

  private today(): string {
    return localDate(this.deps.clock.now(), this.deps.settings.tz);
  }

  light(t: Pick<Task, 'state' | 'deadline' | 'dispatchedAt' | 'progress' | 'closedAt'>) {
    const { settings, cal, clock } = this.deps;
    return lightOf(t, clock.now(), settings.tz, cal, settings.lights);
  }

  async task(task: Task, view: TaskView, opts: { mode?: TaskCardMode; note?: string } = {}): Promise<Card> {
    const org = await this.deps.orgs.get();
    return taskCard(task, {
      org,
      view,
      light: this.light(task),
      today: this.today(),
      mode: opts.mode,
      note: opts.note,
      tz: this.deps.settings.tz,
      signBy: signDeadline(task.dispatchedAt, this.deps.settings.tz, this.deps.cal),
      unitOptions: opts.mode === 'escalation' ? org.units.map((u) => ({ code: u.code, name: u.name })) : undefined,
    });
  }

  async myTasks(p: Person): Promise<Card> {
    const org = await this.deps.orgs.get();
    const units = officialUnits(p);
    const tasks = await this.deps.tasks.find({ leadUnit: { $in: units }, state: { $in: [...OPEN_STATES] } }, { sort: { deadline: 1 }, limit: 200 });
    return myTasksCard({
      unitName: units.map((u) => org.unitName(u)).join('、'),
      items: tasks.map((t) => ({ code: t.code, title: t.title, state: t.state, light: this.light(t), deadline: t.deadline, progress: t.progress })),
      today: this.today(),
    });
  }

  /** The caller's scope: everything for admins and observers, their group(s) for supervisors, led groups for leaders, their unit for officials. */
  scopeOf(p: Person, org: Org): { label: string; filter: Record<string, unknown> } {
    if (hasRole(p, 'admin') || hasRole(p, 'observer')) return { label: '全市', filter: {} };
    const groups = supervisedGroups(p);
    if (groups.some((g) => org.group(g)?.kind === 'coordination')) return { label: '全市（综合协调组）', filter: {} };
    if (groups.length) return { label: groups.map((g) => org.group(g)?.name ?? g).join('、'), filter: { group: { $in: groups } } };
    if (hasRole(p, 'cityLeader')) {
      const led = org.groupsLedBy(p.code).map((g) => g.code);
      return { label: `${p.name} 挂钩的督导组`, filter: { group: { $in: led } } };
    }
    const units = officialUnits(p);
    return { label: units.map((u) => org.unitName(u)).join('、'), filter: { leadUnit: { $in: units } } };
  }

  async stats(p: Person): Promise<Card> {
    const org = await this.deps.orgs.get();
    const scope = this.scopeOf(p, org);
    const byState = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
    Object.assign(byState, await this.deps.tasks.countByState(scope.filter));
    const byLight = { red: 0, yellow: 0, green: 0 };
    const overdue: { code: string; title: string; unitName: string; overdueWorkdays: number }[] = [];
    const fields = { code: 1, title: 1, state: 1, deadline: 1, dispatchedAt: 1, progress: 1, leadUnit: 1 } as const;
    for await (const t of this.deps.tasks.stream({ ...scope.filter, state: { $in: [...OPEN_STATES] } }, { projection: fields })) {
      const l = this.light(t);
      if (l.color === 'red' || l.color === 'yellow' || l.color === 'green') byLight[l.color]++;
      if (l.color === 'red') overdue.push({ code: t.code, title: t.title, unitName: org.unitName(t.leadUnit), overdueWorkdays: l.overdueWorkdays });
    }
    const { ranking, supervisors } = this.sections;
    return statsCard({ scopeLabel: scope.label, byState, byLight, overdue, ranking: await ranking?.(p, org), supervisors: await supervisors?.(p, org) });
  }


  notice(title: string, text: string, color?: string): Card {
    return noticeCard({ title, text, color: color as HeaderTemplate | undefined });
  }

  /**
   * An order's tasks, read by _id from the list its order keeps (a confirmed preview's codes, a recorded
   * meeting's tasks): on FerretDB's SQLite handler a query by `order` reads every task, and the daily
   * reminders refresh many roll-ups. An order still being created has no list yet: queried by `order`.
   */
  private async orderTasks(id: string): Promise<Task[]> {
    const codes = await this.deps.orders.codes(id);
    if (!codes?.length) return this.deps.tasks.find({ order: id }, { sort: { code: 1 } });
    const tasks = await Promise.all(codes.map((c) => this.deps.tasks.get(c)));
    return tasks.filter((t): t is Task => t !== null && t.order === id).sort((a, b) => a.code.localeCompare(b.code));
  }

  /** The outbox's renderer: live cards by reference. */
  async render(r: CardRender): Promise<Card | null> {
    const [kind, id] = [r.ref.slice(0, r.ref.indexOf(':')), r.ref.slice(r.ref.indexOf(':') + 1)];
    const org = await this.deps.orgs.get();
    if (r.card === 'task' && kind === 'task') {
      const t = await this.deps.tasks.get(id);
      return t ? this.task(t, r.view === 'group' || r.view === 'co' ? r.view : 'unit') : null;
    }
    if (r.card === 'urge' && kind === 'task') {
      const t = await this.deps.tasks.get(id);
      if (!t) return null;
      const urge = [...t.history].reverse().find((h) => h.action === 'urge');
      return urgeCard({ task: t, unitName: org.unitName(t.leadUnit), light: this.light(t), groupName: org.group(t.group)?.name ?? t.group, urgedBy: urge ? org.personName(urge.by) : '督导组', note: urge?.note, at: urge?.at, today: this.today(), tz: this.deps.settings.tz });
    }
    if (r.card === 'rollup' && kind === 'order') {
      const tasks = await this.orderTasks(id);
      if (!tasks.length) return null;
      return rollupCard({
        orderId: id,
        dispatcherName: org.personName(tasks[0].dispatcher),
        groupName: org.group(tasks[0].group)?.name ?? tasks[0].group,
        tasks: tasks.map((t) => ({ code: t.code, title: t.title, unitName: org.unitName(t.leadUnit), state: t.state, light: this.light(t), deadline: t.deadline })),
        today: this.today(),
      });
    }
    for (const x of this.extra) {
      const card = await x(r, org);
      if (card !== undefined) return card;
    }
    this.deps.log.warn({ render: r }, 'no renderer for card');
    return null;
  }
}
