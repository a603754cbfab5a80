import { cardValue } from '../../cards/actions';
import { cut, momentText, summaryText } from '../../cards/common';
import { renderCard, type Card } from '../../cards/template';
import type { Org } from '../../domain/org';
import type { MajorReportDoc } from './ports';

/** The report's card: the leader's copy carries 已阅 / 批示 (instruction) / 列入调度会; the groups' copies show the state. */
export function majorReportCard(r: MajorReportDoc, org: Org, o: { tz: string; leaderView: boolean }): Card {
  const v = (a: string) => cardValue(a as `${string}.${string}`, { r: r._id, s: r.state });
  const canAct = o.leaderView && r.state !== 'scheduled';
  return renderCard('major-report', {
    summary: summaryText(`重大事项报告 ${r.label}：${r.title}`),
    label: r.label,
    groupName: org.group(r.group)?.name ?? r.group,
    color: r.state === 'sent' ? 'red' : r.state === 'read' ? 'orange' : 'green',
    is: { sent: r.state === 'sent', read: r.state === 'read', instructed: r.state === 'instructed', scheduled: r.state === 'scheduled' },
    title: cut(r.title, 80, true),
    content: cut(r.content, 1500),
    byName: org.personName(r.by),
    leaderName: org.personName(r.leader),
    date: momentText(r.at, o.tz),
    readAt: r.readAt ? momentText(r.readAt, o.tz) : null,
    instruction: r.instruction ? cut(r.instruction, 600) : null,
    scheduled: r.state === 'scheduled',
    canAct,
    canRead: canAct && r.state === 'sent',
    canInstruct: canAct && (r.state === 'sent' || r.state === 'read'),
    canSchedule: canAct,
    values: { read: v('major_report.read'), instruct: v('major_report.instruct'), schedule: v('major_report.schedule') },
  });
}
