import type { LocalDate } from '../domain/time';
import { cardValue } from './actions';
import { cut, dayText, summaryText } from './common';
import { renderCard, type Card } from './template';
import type { TaskBrief } from './reminder-cards';

/** The leaders' side (docs/rules.md#escalation, docs/rules.md#meetings-and-minutes): the escalated item (列入调度会 / 已批示) and the meeting-minutes form. */

export type EscalationState = 'pending' | 'scheduled' | 'instructed' | 'decided' | 'closed';

export interface EscalationInput {
  escalationId: string;
  task: TaskBrief;
  unitName: string;
  groupName: string;
  /** The unit's reason: the problem to coordinate. */
  reason: string;
  /** Names of the units involved. */
  units: string[];
  /** The group's analysis and proposal (有所为). */
  opinion: string;
  urgent: boolean;
  state: EscalationState;
  instruction?: string;
  meetingDate?: LocalDate;
}

/**
 * Buttons carry `e` (escalation id), `c` (task code) and `s` (the escalation state the card showed,
 * for stale-button detection). 列入调度会 shows while pending; the 已批示 form while pending or scheduled.
 */
export function escalationCard(input: EscalationInput): Card {
  const { task, state } = input;
  const v = (a: 'escalation.schedule' | 'escalation.instruct') => cardValue(a, { e: input.escalationId, c: task.code, s: state });
  return renderCard('escalation', {
    summary: summaryText(`${input.urgent ? '【紧急】' : ''}提级协调：${task.code}「${task.title}」（${input.unitName}）`),
    code: task.code,
    unitName: input.unitName,
    groupName: input.groupName,
    color: input.urgent ? 'red' : state === 'decided' || state === 'closed' ? 'grey' : 'orange',
    urgent: input.urgent,
    is: { pending: state === 'pending', scheduled: state === 'scheduled', instructed: state === 'instructed', decided: state === 'decided', closed: state === 'closed' },
    title: cut(task.title, 120, true),
    units: cut(input.units.join('、'), 200, true) || '未指定',
    deadline: task.deadline,
    reason: cut(input.reason, 600) || '（未填写）',
    opinion: cut(input.opinion, 600) || '（未填写）',
    meetingDate: input.meetingDate ? dayText(input.meetingDate) : null,
    instruction: input.instruction ? cut(input.instruction, 600) : null,
    canSchedule: state === 'pending',
    canInstruct: state === 'pending' || state === 'scheduled',
    values: { schedule: v('escalation.schedule'), instruct: v('escalation.instruct') },
  });
}

export interface MinutesFormInput {
  leaderName: string;
  agenda: { escalationId: string; code: string; title: string; unitName: string }[];
  units: { code: string; name: string }[];
  today: LocalDate;
  error?: string;
}

/**
 * Form field names of the minutes form. `i` is the agenda item's index in `agenda` (0-based):
 * `decision_0`, `units_0`, `deadline_0` belong to agenda[0].
 */
export const MINUTES_FIELDS = {
  date: 'date',
  attendees: 'attendees',
  decision: (i: number) => `decision_${i}`,
  units: (i: number) => `units_${i}`,
  deadline: (i: number) => `deadline_${i}`,
} as const;

/**
 * Unit options are repeated per agenda item, and Feishu caps a card at 200 elements: above this many
 * option texts in all, `units_i` becomes a text input (unit names separated by 、) with the same name.
 */
export const MAX_MINUTES_OPTIONS = 120;
const MINUTES_MAX_ITEMS = 12;

export function minutesFormCard(input: MinutesFormInput): Card {
  const agenda = input.agenda.slice(0, MINUTES_MAX_ITEMS);
  const unitSelect = input.units.length > 0 && agenda.length * input.units.length <= MAX_MINUTES_OPTIONS;
  return renderCard('minutes-form', {
    summary: summaryText(`会议纪要：${input.leaderName} 调度会，${agenda.length} 个议题`),
    leaderName: input.leaderName,
    count: agenda.length,
    error: input.error ? cut(input.error, 300) : null,
    hidden: input.agenda.length - agenda.length,
    today: input.today,
    unitSelect,
    unitText: !unitSelect,
    units: input.units.map((u) => ({ code: u.code, name: cut(u.name, 40, true) })),
    agenda: agenda.map((a, i) => ({
      no: i + 1,
      code: a.code,
      title: cut(a.title, 60, true),
      unitName: a.unitName,
      decision: MINUTES_FIELDS.decision(i),
      units: MINUTES_FIELDS.units(i),
      deadline: MINUTES_FIELDS.deadline(i),
    })),
    submit: cardValue('meeting.submit', { x: String(agenda.length) }),
  });
}
