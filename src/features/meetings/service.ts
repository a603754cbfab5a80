import { minutesFormCard, type Card } from '../../cards';
import { matchUnit, type DraftTask } from '../../domain/dispatch';
import { planMinutes, type Decision, type MinutesInput } from '../../domain/minutes';
import type { Org, Person } from '../../domain/org';
import type { Task, TaskSource } from '../../domain/task';

import { localDate, type LocalDate } from '../../domain/time';
import type { AppDeps } from '../../app/deps';
import type { DispatchService } from '../dispatch/service';
import { messageKey } from '../../app/keys';
import { groupTargets, textItem } from '../../app/notify';
import type { OutboxItem } from '../../app/outbox-item';
import type { Escalation } from '../../app/ports/escalations';
import type { Meeting, MeetingFilter, MinutesForm } from '../../app/ports/meetings';
import type { Page } from '../../app/ports/owed-docs';
import type { EscalationService } from '../escalation/service';
import { machineDate } from '../../clock';

/** docs/rules.md#meetings-and-minutes: each minutes decision is a new task with source 调度会 (MEETING_SOURCE_LABEL is the parser's mapping of a written 来源). */
const MINUTES_SOURCE: TaskSource = '调度会';

/**
 * 调度会 minutes (docs/rules.md#meetings-and-minutes): the 会议纪要 form (or the admin API) → per agenda item a decision, the
 * units and a deadline → each decision a new task (source 调度会, tracked by the escalation's group,
 * dispatched like any other). Recording is claimed by the meeting's _id and resumable: the check and
 * the claim happen under the leader's lock, the tasks are created idempotently by origin afterwards.
 */
export type RecordResult = { ok: true; meeting: Meeting; tasks: Task[]; created: boolean } | { ok: false; problems: string[] };

export class MeetingService {
  constructor(
    private readonly deps: AppDeps,
    private readonly escalations: EscalationService,
    private readonly dispatch: DispatchService,
  ) {}

  private today(): string {
    return localDate(this.deps.clock.now(), this.deps.settings.tz);
  }

  /** The minutes form over the leader's current agenda, remembered under `formId` (its submit button carries it). */
  async form(leader: Person, formId: string, error?: string): Promise<Card | null> {
    const org = await this.deps.orgs.get();
    let saved = await this.deps.meetings.form(formId);
    if (!saved) {
      const agenda = await this.escalations.agenda(leader.code);
      if (!agenda.length) return null;
      saved = { _id: formId, leader: leader.code, agenda: agenda.map((e) => e._id), createdAt: machineDate() };
      await this.deps.meetings.addForm(saved);
    }
    const docs = await this.deps.escalations.byIds(saved.agenda);
    const byId = new Map(docs.map((d) => [d._id, d]));
    const agenda = saved.agenda.map((id) => byId.get(id)).filter((e): e is Escalation => Boolean(e));
    const card = minutesFormCard({
      leaderName: leader.name,
      agenda: agenda.map((e) => ({ escalationId: e._id, code: e.code, title: e.title, unitName: org.unitName(e.unit) })),
      units: org.units.map((u) => ({ code: u.code, name: u.name })),
      today: this.today(),
      error,
    });
    return withFormId(card, formId);
  }

  formDoc(formId: string): Promise<MinutesForm | null> {
    return this.deps.meetings.form(formId);
  }

  /** Unit codes from a multi-select (codes) or a text input (names separated by 、). */
  resolveUnits(v: unknown, org: Org): string[] {
    const list = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/[、，,；;\s]+/) : [];
    return list.map((x) => x.trim()).filter(Boolean).map((x) => {
      if (org.unit(x)) return x;
      const m = matchUnit(x, org);
      return m.ok ? m.unit.code : x;
    });
  }

  async record(o: { leader: Person; by: Person; id: string; via: Meeting['via']; input: MinutesInput }): Promise<RecordResult> {
    const org = await this.deps.orgs.get();
    const claimed = await this.deps.locks.withLock(`meeting:leader:${o.leader.code}`, async () => {
      const existing = await this.deps.meetings.get(o.id);
      if (existing) return { ok: true as const, meeting: existing, created: false };
      const agenda = await this.escalations.agenda(o.leader.code);
      const plan = planMinutes(o.input, { org, today: this.today(), agenda: new Set(agenda.map((e) => e._id)) });
      if (!plan.ok) return plan;
      const byId = new Map(agenda.map((e) => [e._id, e]));
      const items = o.input.items.flatMap((it, i) => {
        const ds = plan.decisions.filter((d) => d.item === i);
        return ds.length ? [{ escalationId: it.escalationId, code: byId.get(it.escalationId)!.code, decision: it.decision.trim(), units: [...new Set(ds.flatMap((d) => [d.leadUnit, ...d.coUnits]))], deadline: ds[0].deadline, tasks: [] }] : [];
      });
      const meeting: Meeting = { _id: o.id, leader: o.leader.code, date: plan.date, month: plan.date.slice(0, 7), attendees: plan.attendees, items, decisions: plan.decisions, by: o.by.code, via: o.via, state: 'recording', createdAt: this.deps.clock.now() };
      await this.deps.meetings.add(meeting);
      await this.deps.audit.append({ entity: `meeting:${o.id}`, at: this.deps.clock.now(), by: o.by.code, action: 'record', note: `${plan.date} 调度会，${plan.decisions.length} 项决定`, after: { leader: o.leader.code, items: items.map((x) => x.escalationId) } });
      // taken off the agenda now, so a second form submitted meanwhile finds nothing to decide twice
      for (const it of items) await this.escalations.decided(it.escalationId, { id: o.id, date: plan.date, by: o.by.code }, []);
      return { ok: true as const, meeting, created: true };
    });
    if (!claimed.ok) return claimed;
    const tasks = await this.finish(claimed.meeting, o.leader, org);
    const meeting = (await this.deps.meetings.get(o.id))!;
    return { ok: true, meeting, tasks, created: claimed.created };
  }

  /** Creates the decisions' tasks (idempotent by origin), ties them to their escalations, tells the groups. */
  private async finish(m: Meeting, leader: Person, org: Org): Promise<Task[]> {
    const all: Task[] = [];
    const order = m.decisions.length > 1 ? m._id : undefined;
    const escIds = [...new Set(m.decisions.map((d) => d.escalationId))];
    for (const escId of escIds) {
      const esc = await this.escalations.get(escId);
      if (!esc) continue;
      const source = await this.deps.tasks.get(esc.code);
      const mine = m.decisions.map((d, i) => ({ d, i })).filter((x) => x.d.escalationId === escId);
      const drafts = mine.map(({ d, i }) => ({ draft: this.draft(d, i, esc, source, m, leader), origin: `meeting:${m._id}:${i}`, group: esc.group }));
      const made = await this.dispatch.create(drafts, leader, MINUTES_SOURCE, order, org, { meetingId: m._id, escalationId: escId });
      all.push(...made);
      await this.escalations.decided(escId, { id: m._id, date: m.date, by: m.by }, made.map((t) => t.code));
    }
    const items = m.items.map((it) => ({ ...it, tasks: all.filter((t) => t.escalationId === it.escalationId).map((t) => t.code) }));
    await this.deps.meetings.finish(m._id, items);
    const owed: OutboxItem[] = [];
    for (const g of new Set(all.map((t) => t.group))) {
      const codes = all.filter((t) => t.group === g).map((t) => t.code);
      const text = `${leader.name} ${cnDateShort(m.date)}调度会议定 ${codes.length} 项落实事项，已派发 ${codes.join('、')}（来源：${MINUTES_SOURCE}），请督导组跟踪督促落实。`;
      for (const to of groupTargets(org, g)) owed.push(textItem(messageKey('mtgnote', m._id, g, to.id), to, text));
    }
    await this.deps.outbox.put(owed);
    return all;
  }

  private draft(d: Decision, i: number, esc: Escalation, source: Task | null, m: Meeting, leader: Person): DraftTask {
    return {
      ref: `决定${i + 1}`,
      title: d.title,
      content: `${d.text}\n（${leader.name} ${m.date} 调度会议定；原提级事项 ${esc.code}「${esc.title}」）`,
      leadUnit: d.leadUnit,
      coUnits: d.coUnits,
      deadline: d.deadline,
      milestones: [],
      priority: esc.urgent ? '紧急' : '重要',
      category: source?.category ?? '其他',
      categoryLabel: source?.categoryLabel,
      source: MINUTES_SOURCE,
    };
  }

  list(filter: MeetingFilter, limit: number, offset: number): Promise<Page<Meeting>> {
    return this.deps.meetings.list(filter, limit, offset);
  }
}

/** Puts the form's id on its submit button, so the submission finds the agenda the form showed. */
function withFormId(card: Card, formId: string): Card {
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.tag === 'button' && Array.isArray(o.behaviors)) {
      for (const b of o.behaviors as { value?: Record<string, unknown> }[]) if (b.value?.a === 'meeting.submit') b.value.m = formId;
    }
    for (const k of ['elements', 'columns', 'body']) if (k in o) visit(o[k]);
  };
  visit(card);
  return card;
}

/** `12月5日` */
function cnDateShort(d: LocalDate): string {
  const [, m, day] = d.split('-').map(Number);
  return `${m}月${day}日`;
}
