import { messageKey } from '../../app/keys';
import { groupTargets } from '../../app/notify';
import type { OutboxItem } from '../../app/outbox-item';
import { weeklyDigestCard, type WeeklyUnit } from '../../cards';
import { lightOf, type Light } from '../../domain/lights';
import type { WorkCalendar } from '../../domain/calendar';
import { OPEN_STATES, type Task } from '../../domain/task';
import { addDays, isoWeekday, type LocalDate } from '../../domain/time';
import { workdayWhen, type JobDef } from '../../app/job';
import type { ReportSections } from '../../app/feature';

/**
 * `weekly-digest` (the week's first workday, 09:00 — Monday unless it is a holiday): each group's chat
 * gets its open tasks by unit and light; the coordination group gets every unit's. One query streams
 * the open tasks for all groups at once (on FerretDB every query reads the whole collection), and each
 * unit keeps only its counts and the few items its panel shows.
 */
const FIELDS = { code: 1, title: 1, state: 1, deadline: 1, dispatchedAt: 1, progress: 1, closedAt: 1, leadUnit: 1, group: 1 } as const;
type Brief = Pick<Task, keyof typeof FIELDS>;

/** Items kept per unit: the card shows at most 10 (list-cards.ts), worst first. */
const KEEP = 10;
const RANK: Record<string, number> = { red: 0, yellow: 1, green: 2, none: 3 };
type Item = WeeklyUnit['items'][number] & { light: Light };
const worse = (a: Item, b: Item) => RANK[a.light.color] - RANK[b.light.color] || b.light.overdueWorkdays - a.light.overdueWorkdays || a.light.workdaysLeft - b.light.workdaysLeft || a.code.localeCompare(b.code);

/** The first workday of today's ISO week (Monday, or later when Monday is a holiday). */
export function firstWorkdayOfWeek(today: LocalDate, cal: WorkCalendar): LocalDate | null {
  const monday = addDays(today, 1 - isoWeekday(today));
  for (let d = monday, i = 0; i < 7; d = addDays(d, 1), i++) if (cal.isWorkday(d)) return d;
  return null;
}

/** The week's first workday only; under a JOB_SCHEDULES override, every workday the override names. */
export const firstWorkdayOnly = workdayWhen((ctx) => {
  const first = firstWorkdayOfWeek(ctx.today, ctx.deps.cal);
  return first === ctx.today ? null : `周报在每周第一个工作日（本周是 ${first}）发送（可用 --force 强制运行）`;
});

export function weeklyDigestJob(sections?: ReportSections): JobDef {
  return {
    name: 'weekly-digest',
    description: '每周第一个工作日向各督导组群推送在办事项（按单位、红黄绿灯）',
    when: firstWorkdayOnly,
    async run({ deps, at, today }) {
      const { taskScan, settings, cal, outbox, log } = deps;
      const org = await deps.orgs.get();
      const weekOf = addDays(today, 1 - isoWeekday(today));
      const coordination = org.groups.filter((g) => g.kind === 'coordination').map((g) => g.code);
      const byGroup = new Map(org.groups.map((g) => [g.code, new Map<string, WeeklyUnit>()]));
      let tasks = 0;
      let skipped = 0;
      for await (const t of taskScan.scan<Brief>({ state: { $in: [...OPEN_STATES] } }, FIELDS, 1000, true)) {
        if (t.dispatchedAt > at) continue; // a slot caught up late leaves out what was dispatched after its moment
        let light: Light;
        try {
          light = lightOf(t, at, settings.tz, cal, settings.lights);
        } catch (e) {
          skipped++;
          log.warn({ code: t.code, err: (e as Error).message }, 'weekly-digest: task skipped');
          continue;
        }
        tasks++;
        for (const g of new Set([t.group, ...coordination])) {
          const units = byGroup.get(g);
          if (!units) continue; // a group no longer active
          const u = units.get(t.leadUnit) ?? { unitName: org.unitName(t.leadUnit), red: 0, yellow: 0, green: 0, items: [] };
          if (light.color !== 'none') u[light.color]++;
          keepWorst(u.items as Item[], { code: t.code, title: t.title, light });
          units.set(t.leadUnit, u);
        }
      }
      const items: OutboxItem[] = [];
      for (const group of org.groups) {
        // the projects' section: the group's (every group's for the coordination group), milestones confirmed since last week's digest
        const extra = sections ? await sections({ groups: coordination.includes(group.code) ? null : [group.code], from: addDays(weekOf, -7), to: today, at }) : [];
        const card = weeklyDigestCard({ groupName: group.name, weekOf, units: [...byGroup.get(group.code)!.values()], sections: extra });
        for (const to of groupTargets(org, group.code)) items.push({ key: messageKey('weekly', group.code, weekOf, to.id), kind: 'send', to, msgType: 'interactive', content: card });
      }
      await outbox.put(items);
      return { groups: org.groups.length, tasks, messages: items.length, skipped };
    },
  };
}

/** Keeps the KEEP worst items, sorted: memory stays small however many tasks a unit has. */
function keepWorst(list: Item[], x: Item): void {
  if (list.length >= KEEP && worse(x, list[list.length - 1]) >= 0) return;
  let i = list.length;
  while (i > 0 && worse(x, list[i - 1]) < 0) i--;
  list.splice(i, 0, x);
  if (list.length > KEEP) list.pop();
}
