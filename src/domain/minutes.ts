import { limitMessage, overLimit } from '../limits';
import type { Org } from './org';
import { isLocalDate, type LocalDate } from './time';
import { trimEndChars } from './trim';

/**
 * 会议纪要 (docs/rules.md#meetings-and-minutes), pure: what the leader wrote per agenda item becomes one or more decisions,
 * each a future task. A decision text written as a numbered list (`1. … 2. …`, `（一）…`) holds several
 * decisions; each goes to the first selected unit it names (else the first selected unit), with the
 * other selected units it names as co-units. An unnumbered text is one decision: the first selected
 * unit leads, the others cooperate. Items left blank had no decision and stay on the agenda.
 */
export interface MinutesItemInput {
  escalationId: string;
  decision: string;
  units: string[]; // unit codes
  deadline: string;
}

export interface MinutesInput {
  date: string;
  attendees: string;
  items: MinutesItemInput[];
}

export interface Decision {
  escalationId: string;
  item: number; // index in the input
  title: string;
  text: string;
  leadUnit: string;
  coUnits: string[];
  deadline: LocalDate;
}

export type MinutesPlan = { ok: true; date: LocalDate; attendees: string; decisions: Decision[] } | { ok: false; problems: string[] };

const NUMBERED = /^\s*(?:\d{1,2}\s*[.、．)）]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*、)\s*/;

/** The decisions of one text: numbered items, or the whole text as one. */
export function splitDecisions(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const items: string[] = [];
  let numbered = false;
  for (const line of lines) {
    if (NUMBERED.test(line)) {
      numbered = true;
      items.push(line.replace(NUMBERED, '').trim());
    } else if (line.trim()) {
      if (items.length) items[items.length - 1] += `\n${line.trim()}`;
      else items.push(line.trim());
    }
  }
  return numbered ? items.filter(Boolean) : [text.trim()].filter(Boolean);
}

/** A task title from a decision's first line (40 characters at most). */
export function titleOf(text: string): string {
  const first = trimEndChars(text.split('\n')[0], '。；;，,').trim();
  const chars = Array.from(first);
  return chars.length <= 40 ? first : `${chars.slice(0, 39).join('')}…`;
}

/** The names a unit may be written by in a decision's text. */
export function names(org: Org, code: string): string[] {
  const u = org.unit(code);
  if (!u) return [];
  return [u.name, u.fullName, ...u.aliases, u.name.replace(/(镇|乡|街道|局)$/, '')].filter((n): n is string => typeof n === 'string' && n.length >= 2);
}

export function planMinutes(input: MinutesInput, o: { org: Org; today: LocalDate; agenda: ReadonlySet<string> }): MinutesPlan {
  const problems: string[] = [];
  const date = input.date.trim().slice(0, 10);
  if (!isLocalDate(date)) problems.push('请选择会议日期（date），例如 2026-12-05');
  else if (date > o.today) problems.push(`会议日期 ${date} 还没到，请填写已召开会议的日期`);
  const attendees = input.attendees.trim();
  if (!attendees) problems.push('请填写参会人员（attendees）');
  const decisions: Decision[] = [];
  input.items.forEach((item, i) => {
    const no = `议题 ${i + 1}`;
    const text = item.decision.trim();
    if (!o.agenda.has(item.escalationId)) {
      problems.push(`${no}：${item.escalationId} 不在待研究的议程上（可能已形成决定），请刷新后重填`);
      return;
    }
    if (!text) return; // no decision on this item: it stays on the agenda
    if (overLimit('noteChars', text.length)) {
      problems.push(`${no}：${limitMessage('noteChars', text.length, '会议决定')}，请精简后重新提交`);
      return;
    }
    const units = [...new Set(item.units.map((u) => u.trim()).filter(Boolean))];
    const unknown = units.filter((u) => !o.org.unit(u));
    if (!units.length) problems.push(`${no}：请选择落实单位`);
    if (unknown.length) problems.push(`${no}：找不到落实单位 ${unknown.join('、')}`);
    const deadline = item.deadline.trim().slice(0, 10);
    if (!isLocalDate(deadline)) problems.push(`${no}：请选择完成时限`);
    else if (deadline < o.today) problems.push(`${no}：完成时限 ${deadline} 已过去`);
    if (!units.length || unknown.length || !isLocalDate(deadline) || deadline < o.today) return;
    const parts = splitDecisions(text);
    for (const part of parts) {
      const named = units.filter((u) => names(o.org, u).some((n) => part.includes(n)));
      const lead = named[0] ?? units[0];
      const co = parts.length > 1 ? named.filter((u) => u !== lead) : units.filter((u) => u !== lead);
      decisions.push({ escalationId: item.escalationId, item: i, title: titleOf(part), text: part, leadUnit: lead, coUnits: co, deadline });
    }
  });
  if (!problems.length && !decisions.length) problems.push('没有填写任何会议决定：至少为一个议题填写决定、落实单位和完成时限');
  return problems.length ? { ok: false, problems } : { ok: true, date, attendees, decisions };
}
