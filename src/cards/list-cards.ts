import { LIGHT_EMOJI, type Light, type LightColor } from '../domain/lights';
import { STATE_LABEL, type TaskState } from '../domain/task';
import { shortDate, type LocalDate } from '../domain/time';
import { cardValue } from './actions';
import { cut, LIGHT_HEADER, lightCounts, lightOrder, summaryText, worstLight } from './common';
import { renderCard, type Card } from './template';

/** Cards that list tasks: the order roll-up in the group chat, a unit's 我的任务, the weekly digest. */

export interface RollupTask {
  code: string;
  title: string;
  unitName: string;
  state: TaskState;
  light: Light;
  deadline: LocalDate;
}

export interface RollupInput {
  orderId: string;
  dispatcherName: string;
  groupName: string;
  tasks: RollupTask[];
  today: LocalDate;
}

/** Up to this many tasks are listed directly; more go into a collapsible panel. */
export const ROLLUP_DIRECT = 8;
const ROLLUP_PANEL_MAX = 60;
const ATTENTION_MAX = 5;

const isOpenState = (s: TaskState) => s === 'dispatched' || s === 'in_progress' || s === 'submitted';

export function rollupCard(input: RollupInput): Card {
  const { tasks, today } = input;
  const open = tasks.filter((t) => isOpenState(t.state));
  const n = lightCounts(open.map((t) => t.light.color));
  const closed = tasks.filter((t) => t.state === 'closed').length;
  const cancelled = tasks.filter((t) => t.state === 'cancelled').length;
  const line = (t: RollupTask) => ({
    emoji: isOpenState(t.state) ? LIGHT_EMOJI[t.light.color] : t.state === 'closed' ? '✅' : '⚪',
    code: t.code,
    title: cut(t.title, 40, true),
    unit: t.unitName,
    state: STATE_LABEL[t.state],
    deadline: shortDate(t.deadline, today),
    reason: t.light.reason,
  });
  const direct = tasks.length <= ROLLUP_DIRECT;
  const attention = direct
    ? []
    : open
        .filter((t) => t.light.color === 'red' || t.light.color === 'yellow')
        .sort((a, b) => lightOrder(a.light.color) - lightOrder(b.light.color) || b.light.overdueWorkdays - a.light.overdueWorkdays || a.deadline.localeCompare(b.deadline))
        .slice(0, ATTENTION_MAX);
  const all = direct ? [] : tasks.slice(0, ROLLUP_PANEL_MAX);
  const worst = open.length ? worstLight(open.map((t) => t.light.color)) : 'none';
  return renderCard('rollup', {
    summary: summaryText(`派单汇总 ${tasks.length} 项：🔴${n.red} 🟡${n.yellow} 🟢${n.green}｜${input.groupName}`),
    groupName: input.groupName,
    dispatcherName: input.dispatcherName,
    color: LIGHT_HEADER[worst],
    count: tasks.length,
    red: n.red,
    yellow: n.yellow,
    green: n.green,
    closed,
    cancelled,
    shown: direct ? tasks.map(line) : [],
    attention: attention.map(line),
    panel: !direct,
    all: all.map(line),
    hidden: direct ? 0 : tasks.length - all.length,
  });
}

export interface MyTaskItem {
  code: string;
  title: string;
  state: TaskState;
  light: Light;
  deadline: LocalDate;
  progress: number;
}

export interface MyTasksInput {
  unitName: string;
  items: MyTaskItem[];
  today: LocalDate;
}

const MY_TASKS_MAX = 30;

/** Worst light first, then the most overdue, then the nearest deadline. */
export function byUrgency<T extends { light: Light; deadline: LocalDate }>(a: T, b: T): number {
  return lightOrder(a.light.color) - lightOrder(b.light.color) || b.light.overdueWorkdays - a.light.overdueWorkdays || a.deadline.localeCompare(b.deadline);
}

export function myTasksCard(input: MyTasksInput): Card {
  const items = input.items.filter((t) => isOpenState(t.state)).sort(byUrgency);
  const n = lightCounts(items.map((t) => t.light.color));
  const listed = items.slice(0, MY_TASKS_MAX);
  return renderCard('my-tasks', {
    summary: summaryText(items.length ? `我的任务：${input.unitName} 在办 ${items.length} 项（🔴${n.red} 🟡${n.yellow}）` : `我的任务：${input.unitName} 暂无在办事项`),
    unitName: input.unitName,
    color: items.length ? LIGHT_HEADER[worstLight(items.map((t) => t.light.color))] : 'blue',
    count: items.length,
    empty: items.length === 0,
    red: n.red,
    yellow: n.yellow,
    green: n.green,
    items: listed.map((t) => ({
      emoji: LIGHT_EMOJI[t.light.color],
      code: t.code,
      title: cut(t.title, 40, true),
      deadline: shortDate(t.deadline, input.today),
      reason: t.light.reason,
      state: STATE_LABEL[t.state],
      progress: t.progress,
    })),
    hidden: items.length - listed.length,
    refresh: cardValue('list.refresh', { x: 'my_tasks' }),
  });
}

export interface WeeklyUnit {
  unitName: string;
  red: number;
  yellow: number;
  green: number;
  /** The worst items (a job may pass only those the card can show; the counts above give the rest). */
  items: { code: string; title: string; light: LightColor | (Pick<Light, 'color'> & Partial<Pick<Light, 'reason'>>) }[];
}

export interface WeeklyDigestInput {
  groupName: string;
  /** The features' sections (the projects'), after the units. */
  sections?: { title: string; lines: string[] }[];
  /** The Monday of the week, e.g. 2026-11-23. */
  weekOf: LocalDate;
  units: WeeklyUnit[];
}

/** Item lines across all units; Feishu's 200-element cap counts each line and each panel. */
const WEEKLY_LINE_BUDGET = 150;

export function weeklyDigestCard(input: WeeklyDigestInput): Card {
  const color = (l: WeeklyUnit['items'][number]['light']): LightColor => (typeof l === 'string' ? l : l.color);
  const units = input.units
    .filter((u) => u.items.length || u.red + u.yellow + u.green > 0)
    .sort((a, b) => b.red - a.red || b.yellow - a.yellow || a.unitName.localeCompare(b.unitName, 'zh'));
  const perUnit = Math.max(0, Math.min(10, Math.floor((WEEKLY_LINE_BUDGET - 2 * units.length) / Math.max(1, units.length))));
  const total = { red: 0, yellow: 0, green: 0 };
  for (const u of units) {
    total.red += u.red;
    total.yellow += u.yellow;
    total.green += u.green;
  }
  const count = total.red + total.yellow + total.green;
  const worst: LightColor = total.red ? 'red' : total.yellow ? 'yellow' : count ? 'green' : 'none';
  return renderCard('weekly-digest', {
    sections: (input.sections ?? []).map((x) => ({ title: x.title, text: x.lines.join('\n') })),
    summary: summaryText(`督办周报｜${input.groupName}：在办 ${count} 项，🔴${total.red} 🟡${total.yellow} 🟢${total.green}`),
    groupName: input.groupName,
    weekOf: input.weekOf,
    color: worst === 'none' ? 'blue' : LIGHT_HEADER[worst],
    total: count,
    ...total,
    empty: units.length === 0,
    units: units.map((u) => {
      const items = [...u.items].sort((a, b) => lightOrder(color(a.light)) - lightOrder(color(b.light)));
      const shown = items.slice(0, perUnit);
      return {
        unitName: u.unitName,
        red: u.red,
        yellow: u.yellow,
        green: u.green,
        expanded: u.red > 0,
        items: shown.map((t) => ({ emoji: LIGHT_EMOJI[color(t.light)], code: t.code, title: cut(t.title, 40, true), reason: typeof t.light === 'string' || !t.light.reason ? '' : `　${t.light.reason}` })),
        hidden: Math.max(items.length, u.red + u.yellow + u.green) - shown.length,
      };
    }),
  });
}
