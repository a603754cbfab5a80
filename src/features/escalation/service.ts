import { limitMessage, overLimit } from '../../limits';
import { escalationCard, type Card, type EscalationState } from '../../cards';
import { hasRole, type Org, type Person } from '../../domain/org';
import type { Task, TaskRequest } from '../../domain/task';
import type { AppDeps } from '../../app/deps';
import { messageKey } from '../../app/keys';
import { docRefreshItem, groupTargets, liveCardItem, personTarget, textItem, unitTargets } from '../../app/notify';
import type { OutboxItem } from '../../app/outbox-item';
import type { Escalation, EscalationFilter, EscalationRecordState } from '../../app/ports/escalations';
import type { Page } from '../../app/ports/owed-docs';

/**
 * Escalations (docs/rules.md#escalation): made when the group presses 有所为·提级, shown to the linked city leader on a
 * live card (列入调度会, 已批示), decided at a meeting into follow-up tasks, closed when they all are.
 */
export type EscalationOutcome = { ok: true; toast: string; doc: Escalation } | { ok: false; kind: 'forbidden' | 'invalid' | 'stale' | 'missing'; message: string; doc?: Escalation };

export const escalationRef = (id: string) => `escalation:${id}`;

export class EscalationService {
  constructor(private readonly deps: AppDeps) {}

  private get docs() {
    return this.deps.escalations;
  }

  static idOf(code: string, requestId: string): string {
    return `${code}-E${requestId.replace(/^escalation-/, '')}`;
  }

  get(id: string): Promise<Escalation | null> {
    return this.docs.get(id);
  }

  /** The leader's agenda (every leader's when none is named), oldest first. */
  agenda(leader?: string): Promise<Escalation[]> {
    return this.docs.agenda(leader);
  }

  card(e: Escalation, org: Org): Card {
    return escalationCard({
      escalationId: e._id,
      task: { code: e.code, title: e.title, deadline: e.deadline },
      unitName: org.unitName(e.unit),
      groupName: org.group(e.group)?.name ?? e.group,
      reason: e.reason,
      units: e.units.map((u) => org.unitName(u)),
      opinion: e.opinion,
      urgent: e.urgent,
      state: e.state as EscalationState,
      instruction: e.instruction,
      meetingDate: e.meetingDate,
    });
  }

  /** 有所为·提级: called inside the task's change; the items it returns are written with the task. */
  async onAccepted(task: Task, request: TaskRequest, opinion: string, actor: Person): Promise<OutboxItem[]> {
    const org = await this.deps.orgs.get();
    const group = org.group(task.group);
    const leader = group ? org.person(group.cityLeader) : undefined;
    if (!group || !leader) {
      this.deps.log.error({ code: task.code, group: task.group }, 'escalation accepted but the group has no linked city leader');
      return [];
    }
    const id = EscalationService.idOf(task.code, request.id);
    const now = this.deps.clock.now();
    const doc: Escalation = {
      _id: id,
      code: task.code,
      requestId: request.id,
      leader: leader.code,
      group: group.code,
      unit: task.leadUnit,
      title: task.title,
      deadline: task.deadline,
      units: request.units ?? [],
      reason: request.reason ?? '',
      opinion,
      urgent: task.priority === '紧急', // 重大事项
      state: 'pending',
      raisedBy: request.by,
      acceptedBy: actor.code,
      acceptedAt: now,
      followUps: [],
      doneFollowUps: [],
      rev: 1,
    };
    await this.docs.create(doc, [], { action: 'accept', by: actor.code, note: opinion, after: { state: 'pending', leader: leader.code, code: task.code } });
    // the leader's card is owed by the task change (so it goes out exactly when the acceptance is saved)
    return personTarget(org, leader.code).map((to) => ({
      ...liveCardItem(messageKey('esc', id, to.id), to, 'escalation', escalationRef(id), 'leader'),
      ...(doc.urgent ? { urgentTo: [to.id] } : {}),
    }));
  }

  /**
   * A matter put on the leader's agenda without a task's escalation request (docs/rules.md#escalation):
   * an item a group's 专题协调会 sends up, or a 重大事项报告 the leader puts on the 调度会. `code` names
   * where it came from (the meeting or the report); the leader gets the escalation card unless already
   * `scheduled` (the leader's own press). Once by `id`.
   */
  async raise(o: { id: string; code: string; leader: string; group: string; unit: string; title: string; deadline: string; units: string[]; reason: string; opinion: string; urgent: boolean; by: string; state: 'pending' | 'scheduled' }): Promise<{ id: string; created: boolean }> {
    const org = await this.deps.orgs.get();
    const now = this.deps.clock.now();
    const doc: Escalation = {
      _id: o.id,
      code: o.code,
      requestId: 'direct',
      leader: o.leader,
      group: o.group,
      unit: o.unit,
      title: o.title,
      deadline: o.deadline,
      units: o.units,
      reason: o.reason,
      opinion: o.opinion,
      urgent: o.urgent,
      state: o.state,
      raisedBy: o.by,
      acceptedBy: o.by,
      acceptedAt: now,
      ...(o.state === 'scheduled' ? { scheduledAt: now } : {}),
      followUps: [],
      doneFollowUps: [],
      rev: 1,
    };
    const owed =
      o.state === 'pending'
        ? personTarget(org, o.leader).map((to) => ({ ...liveCardItem(messageKey('esc', o.id, to.id), to, 'escalation', escalationRef(o.id), 'leader'), ...(o.urgent ? { urgentTo: [to.id] } : {}) }))
        : [];
    const created = await this.docs.create(doc, owed, { action: 'accept', by: o.by, note: o.reason, after: { state: o.state, leader: o.leader, code: o.code } });
    return { id: o.id, created };
  }

  private may(e: Escalation, p: Person, org: Org): string | null {
    if (hasRole(p, 'admin') || e.leader === p.code) return null;
    return `此提级事项由挂钩市领导${org.personName(e.leader)}研究，您无权操作。`;
  }

  private step(id: string, p: Person, expect: string | undefined, allowed: EscalationRecordState[], apply: (e: Escalation, org: Org) => { doc: Escalation; owed: OutboxItem[]; toast: string; note?: string } | string): Promise<EscalationOutcome> {
    return this.deps.orgs.get().then(async (org) => {
      const r = await this.docs.change<EscalationOutcome>(id, (e) => {
        const denied = this.may(e, p, org);
        if (denied) return { result: { ok: false, kind: 'forbidden', message: denied, doc: e } };
        if ((expect && expect !== e.state) || !allowed.includes(e.state)) return { result: { ok: false, kind: 'stale', message: `此事项已是“${STATE_WORD[e.state]}”，卡片已刷新为最新状态。`, doc: e } };
        const out = apply(e, org);
        if (typeof out === 'string') return { result: { ok: false, kind: 'invalid', message: out, doc: e } };
        const next = { ...out.doc, rev: e.rev + 1 };
        return {
          doc: out.doc,
          owed: [...out.owed, docRefreshItem('escalation', id, next.rev)],
          audit: { action: out.doc.state, by: p.code, note: out.note, before: { state: e.state }, after: { state: out.doc.state } },
          result: { ok: true, toast: out.toast, doc: next },
        };
      });
      return r ?? { ok: false, kind: 'missing', message: '找不到这个提级事项，请刷新卡片。' };
    });
  }

  schedule(id: string, p: Person, expect?: string): Promise<EscalationOutcome> {
    return this.step(id, p, expect, ['pending'], (e, org) => {
      const text = `${org.personName(e.leader)}已将 ${e.code}「${e.title}」列入调度会议程。`;
      return { doc: { ...e, state: 'scheduled', scheduledAt: this.deps.clock.now() }, owed: groupTargets(org, e.group).map((to) => textItem(messageKey('escsched', e._id, to.id), to, text)), toast: '已列入调度会议程' };
    });
  }

  instruct(id: string, p: Person, instruction: string, expect?: string): Promise<EscalationOutcome> {
    return this.step(id, p, expect, ['pending', 'scheduled'], (e, org) => {
      const text = instruction.trim();
      if (!text) return '请填写批示意见（instruction）。';
      if (overLimit('noteChars', text.length)) return `${limitMessage('noteChars', text.length, '批示意见')}，请精简后重新提交。`;
      const note = `${org.personName(e.leader)}对提级事项 ${e.code}「${e.title}」作出批示：${text}`;
      const owed = [...groupTargets(org, e.group), ...unitTargets(org, e.unit)].map((to) => textItem(messageKey('escinstr', e._id, to.id), to, note));
      return { doc: { ...e, state: 'instructed', instruction: text, instructedAt: this.deps.clock.now() }, owed, toast: '已记录批示，督导组和责任单位已收到', note: text };
    });
  }

  /** The meeting decided this item: its follow-up tasks are tracked until all close. */
  async decided(id: string, meeting: { id: string; date: string; by: string }, followUps: string[]): Promise<void> {
    await this.docs.change(id, (e) => {
      const all = [...new Set([...e.followUps, ...followUps])];
      if (e.meetingId === meeting.id && all.length === e.followUps.length) return { result: undefined };
      const doc: Escalation = { ...e, state: 'decided', meetingId: meeting.id, meetingDate: meeting.date, followUps: all };
      // decided once: the meeting's follow-up tasks, tied on afterwards, are the same step (each task's
      // creation is on its own record), so they change the document without a second 'decided'
      const again = e.state === 'decided' && e.meetingId === meeting.id;
      const audit = again ? undefined : { action: 'decided', by: meeting.by, note: `会议 ${meeting.id}`, before: { state: e.state }, after: { state: 'decided' } };
      return { doc, owed: [docRefreshItem('escalation', id, e.rev + 1)], audit, result: undefined };
    });
  }

  /** A follow-up task closed or was cancelled (from the task's change): the escalation closes with the last one. */
  async followUpDone(task: Task): Promise<OutboxItem[]> {
    if (!task.escalationId || (task.state !== 'closed' && task.state !== 'cancelled')) return [];
    const org = await this.deps.orgs.get();
    const r = await this.docs.change<OutboxItem[]>(task.escalationId, (e) => {
      if (e.doneFollowUps.includes(task.code) || !e.followUps.includes(task.code)) return { result: [] };
      const done = [...e.doneFollowUps, task.code];
      const closes = e.state === 'decided' && e.followUps.every((c) => done.includes(c));
      const doc: Escalation = { ...e, doneFollowUps: done, ...(closes ? { state: 'closed' as const, closedAt: this.deps.clock.now() } : {}) };
      const owed: OutboxItem[] = [docRefreshItem('escalation', e._id, e.rev + 1)];
      if (closes) {
        const text = `提级事项 ${e.code}「${e.title}」：调度会决定的 ${e.followUps.length} 项落实事项（${e.followUps.join('、')}）已全部办结，本事项销号。`;
        for (const to of [...personTarget(org, e.leader), ...groupTargets(org, e.group)]) owed.push(textItem(messageKey('escclose', e._id, to.id), to, text));
      }
      return { doc, owed, audit: { action: closes ? 'closed' : 'follow_up_done', by: 'system', note: task.code, before: { state: e.state }, after: { state: doc.state, doneFollowUps: done } }, result: [] };
    });
    return r ?? [];
  }

  list(filter: EscalationFilter, limit: number, offset: number): Promise<Page<Escalation>> {
    return this.docs.list(filter, limit, offset);
  }
}

export const STATE_WORD: Record<EscalationRecordState, string> = { pending: '待研究', scheduled: '已列入调度会', instructed: '已批示', decided: '已形成决定', closed: '已办结' };
