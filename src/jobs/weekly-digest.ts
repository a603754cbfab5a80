import { messageKey } from '../adapters/mongo/keys';
import type { OutboxItem } from '../adapters/mongo/models/outbox';
import { groupTargets } from '../app/notify';
import { weeklyDigestCard, type WeeklyUnit } from '../cards';
import { lightOf } from '../domain/lights';
import { OPEN_STATES, type Task } from '../domain/task';
import { addDays, isoWeekday } from '../domain/time';
import { workdaysOnly, type JobDef } from './runner';

/** `weekly-digest` (Mon 09:00): each group's chat gets its open tasks by unit and light. */
const FIELDS = { code: 1, title: 1, state: 1, deadline: 1, dispatchedAt: 1, progress: 1, closedAt: 1, leadUnit: 1, group: 1 } as const;
type Brief = Pick<Task, keyof typeof FIELDS>;

export function weeklyDigestJob(): JobDef {
  return {
    name: 'weekly-digest',
    description: '每周一向各督导组群推送在办事项（按单位、红黄绿灯）',
    when: workdaysOnly,
    async run({ deps, at, today }) {
      const { models, settings, cal, outbox } = deps;
      const org = await deps.orgs.get();
      const weekOf = addDays(today, 1 - isoWeekday(today));
      const items: OutboxItem[] = [];
      let tasks = 0;
      for (const group of org.groups) {
        const filter = group.kind === 'coordination' ? { state: { $in: [...OPEN_STATES] } } : { group: group.code, state: { $in: [...OPEN_STATES] } };
        const byUnit = new Map<string, WeeklyUnit>();
        for await (const raw of models.tasks.collection.find(filter, { projection: FIELDS, batchSize: 1000 })) {
          const t = raw as unknown as Brief;
          tasks++;
          const light = lightOf(t, at, settings.tz, cal, settings.lights);
          const u = byUnit.get(t.leadUnit) ?? { unitName: org.unitName(t.leadUnit), red: 0, yellow: 0, green: 0, items: [] };
          if (light.color === 'red' || light.color === 'yellow' || light.color === 'green') u[light.color]++;
          u.items.push({ code: t.code, title: t.title, light });
          byUnit.set(t.leadUnit, u);
        }
        const card = weeklyDigestCard({ groupName: group.name, weekOf, units: [...byUnit.values()] });
        for (const to of groupTargets(org, group.code)) items.push({ key: messageKey('weekly', group.code, weekOf, to.id), kind: 'send', to, msgType: 'interactive', content: card });
      }
      await outbox.put(items);
      return { groups: org.groups.length, tasks, messages: items.length };
    },
  };
}
