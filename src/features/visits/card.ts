import { cardValue } from '../../cards/actions';
import { cut, momentText } from '../../cards/common';
import { renderCard, type Card } from '../../cards/template';
import type { Org } from '../../domain/org';
import { localDate } from '../../domain/time';
import { visitOpen, type Visit } from '../../domain/visit';

/** The visit card (cards/visit.json): where, who, what was found and settled; its forms while the visit is open. */
const CARD_FINDINGS = 8;

function statusOf(v: Visit, open: boolean): string {
  if (open) return '进行中';
  return v.endedBy === 'quiet' || !v.endedAt ? '已结束（2 小时无新内容）' : '已结束';
}

export function visitCard(v: Visit, org: Org, now: Date, tz: string): Card {
  const today = localDate(now, tz);
  const open = visitOpen(v, now);
  return renderCard('visit', {
    summary: `现场督导 ${v.code}：发现问题 ${v.findings.length} 个，现场处置 ${v.settled.length} 项`,
    mode: v.mode,
    code: v.code,
    who: org.personName(v.supervisor),
    when: momentText(v.openedAt, tz, today),
    color: open ? 'blue' : 'grey',
    status: statusOf(v, open),
    statusColor: open ? 'blue' : 'neutral',
    where: v.location ? `${v.location.name} ${v.location.address}（${v.location.latitude}, ${v.location.longitude}）` : '（未发送定位）',
    units: v.units.map((u) => org.unitName(u)).join('、') || '—',
    project: v.project ?? '—',
    open,
    hasPhotos: v.photos.length > 0,
    photos: v.photos.slice(-3).map((p) => ({ key: p.imgKey })),
    findingCount: v.findings.length,
    findings: v.findings.slice(-CARD_FINDINGS).map((f) => ({
      seq: f.seq,
      text: cut(f.text, 60, true),
      status: f.state === 'open' ? '待处理' : f.state === 'settled' ? `已现场处置 ${f.task ?? ''}` : '已转为派单预览',
      canDispatch: f.state === 'open',
      value: cardValue('visit.dispatch', { c: v.code, x: String(f.seq) }),
    })),
    hasSettled: v.settled.length > 0,
    settled: v.settled.map((s) => `${s.task} ${cut(s.decision, 40, true)}（${s.units.map((u) => org.unitName(u)).join('、')}，${s.deadline} 前）`).join('\n'),
    hasMilestones: v.milestones.length > 0,
    milestones: v.milestones.map((m) => `${m.project} 第 ${m.seq} 个节点`).join('、'),
    values: { settle: cardValue('visit.settle', { c: v.code }), end: cardValue('visit.end', { c: v.code }) },
  });
}
