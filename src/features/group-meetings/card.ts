import { cardValue } from '../../cards/actions';
import { cut, summaryText } from '../../cards/common';
import { renderCard, type Card } from '../../cards/template';

/** Item fields of the 专题协调会 form: `decision_0`, `units_0`, `deadline_0`, `way_0` (group | up) belong to item 1. */
export const GROUP_MEETING_FIELDS = {
  decision: (i: number) => `decision_${i}`,
  units: (i: number) => `units_${i}`,
  deadline: (i: number) => `deadline_${i}`,
  way: (i: number) => `way_${i}`,
};
export const GROUP_MEETING_ITEMS = 5;
/** Unit options across the form's selects, above which units are written as text (the card stays small). */
const MAX_OPTIONS = 120;

export function groupMeetingFormCard(o: { formId: string; groupName: string; leaderName: string; units: { code: string; name: string }[]; today: string; error?: string }): Card {
  const unitSelect = o.units.length > 0 && o.units.length * (GROUP_MEETING_ITEMS + 1) <= MAX_OPTIONS;
  return renderCard('group-meeting-form', {
    summary: summaryText(`专题协调会记录：${o.groupName}`),
    groupName: o.groupName,
    leaderName: o.leaderName,
    error: o.error ? cut(o.error, 400) : null,
    today: o.today,
    unitSelect,
    unitText: !unitSelect,
    units: o.units.map((u) => ({ code: u.code, name: cut(u.name, 40, true) })),
    items: Array.from({ length: GROUP_MEETING_ITEMS }, (_, i) => ({ no: i + 1, decision: GROUP_MEETING_FIELDS.decision(i), units: GROUP_MEETING_FIELDS.units(i), deadline: GROUP_MEETING_FIELDS.deadline(i), way: GROUP_MEETING_FIELDS.way(i) })),
    submit: cardValue('group_meeting.submit', { m: o.formId }),
  });
}
