import { limitMessage, overLimit } from '../../limits';
import { names, splitDecisions, titleOf } from '../../domain/minutes';
import type { Org } from '../../domain/org';
import { isLocalDate, type LocalDate } from '../../domain/time';

/**
 * A group's 专题协调会 (专题会议协调处置权, docs/rules.md#group-coordination-meetings), pure: what the 组长 wrote per
 * item becomes either decisions the group tracks (each a task with source 专题协调会, the first unit
 * leading) or a matter sent up to the linked city leader's 调度会 (提交调度会). All or nothing: every
 * problem is named, and nothing is recorded while any remains.
 */
export interface GroupMeetingItemInput {
  decision: string;
  units: string[]; // unit codes
  deadline: string;
  up: boolean; // 提交调度会
}

export interface GroupMeetingInput {
  date: string;
  topic: string;
  attendees: string;
  units: string[]; // attending units (codes)
  items: GroupMeetingItemInput[];
}

export interface GroupDecision {
  item: number;
  title: string;
  text: string;
  leadUnit: string;
  coUnits: string[];
  deadline: LocalDate;
}

export interface SentUpItem {
  item: number;
  title: string;
  text: string;
  units: string[];
}

export type GroupMeetingPlan =
  | { ok: true; date: LocalDate; topic: string; attendees: string; units: string[]; decisions: GroupDecision[]; sentUp: SentUpItem[] }
  | { ok: false; problems: string[] };


/** `scope` is the units the group may dispatch to (a decision's lead unit must be one of them). */
export function planGroupMeeting(input: GroupMeetingInput, o: { org: Org; today: LocalDate; scope: readonly string[] }): GroupMeetingPlan {
  const problems: string[] = [];
  const date = input.date.trim().slice(0, 10);
  if (!isLocalDate(date)) problems.push('请选择会议日期，例如 2026-12-05');
  else if (date > o.today) problems.push(`会议日期 ${date} 还没到，请填写已召开会议的日期`);
  const topic = input.topic.trim();
  if (!topic) problems.push('请填写会议议题');
  else if (overLimit('topicChars', [...topic].length)) problems.push(`会议议题：${limitMessage('topicChars', [...topic].length)}`);
  const attendees = input.attendees.trim();
  if (!attendees) problems.push('请填写参会人员');
  else if (overLimit('attendeesChars', [...attendees].length)) problems.push(`参会人员：${limitMessage('attendeesChars', [...attendees].length)}`);
  const units = [...new Set(input.units.map((u) => u.trim()).filter(Boolean))];
  const unknownAttending = units.filter((u) => !o.org.unit(u));
  if (unknownAttending.length) problems.push(`参会单位：找不到 ${unknownAttending.join('、')}`);
  const decisions: GroupDecision[] = [];
  const sentUp: SentUpItem[] = [];
  input.items.forEach((item, i) => {
    const no = `事项 ${i + 1}`;
    const text = item.decision.trim();
    const itemUnits = [...new Set(item.units.map((u) => u.trim()).filter(Boolean))];
    if (!text) {
      if (itemUnits.length || item.deadline.trim() || item.up) problems.push(`${no}：请填写议定事项，或清空本项`);
      return;
    }
    if (overLimit('noteChars', text.length)) {
      problems.push(`${no}：${limitMessage('noteChars', text.length, '议定事项')}，请精简后重新提交`);
      return;
    }
    const unknown = itemUnits.filter((u) => !o.org.unit(u));
    if (unknown.length) problems.push(`${no}：找不到落实单位 ${unknown.join('、')}`);
    if (overLimit('unitsPerItem', itemUnits.length)) problems.push(`${no}：${limitMessage('unitsPerItem', itemUnits.length)}`);
    if (item.up) {
      if (!unknown.length) sentUp.push({ item: i, title: titleOf(text), text, units: itemUnits });
      return;
    }
    if (!itemUnits.length) problems.push(`${no}：请选择落实单位，或选“提交调度会”`);
    const outside = itemUnits.length && !unknown.length && !o.scope.includes(itemUnits[0]) ? itemUnits[0] : null;
    if (outside) problems.push(`${no}：${o.org.unitName(outside)} 不在本督导组挂钩范围，不能牵头落实`);
    const deadline = item.deadline.trim().slice(0, 10);
    if (!isLocalDate(deadline)) problems.push(`${no}：请选择完成时限`);
    else if (deadline < o.today) problems.push(`${no}：完成时限 ${deadline} 已过去`);
    if (!itemUnits.length || unknown.length || outside || !isLocalDate(deadline) || deadline < o.today) return;
    const parts = splitDecisions(text);
    for (const part of parts) {
      const named = itemUnits.filter((u) => names(o.org, u).some((n) => part.includes(n)));
      const lead = parts.length > 1 ? (named.find((u) => o.scope.includes(u)) ?? itemUnits[0]) : itemUnits[0];
      const co = parts.length > 1 ? named.filter((u) => u !== lead) : itemUnits.filter((u) => u !== lead);
      decisions.push({ item: i, title: titleOf(part), text: part, leadUnit: lead, coUnits: co, deadline });
    }
  });
  if (!problems.length && !decisions.length && !sentUp.length) problems.push('没有填写任何议定事项：至少填写一项决定（落实单位、完成时限），或选“提交调度会”');
  return problems.length ? { ok: false, problems } : { ok: true, date, topic, attendees, units, decisions, sentUp };
}
