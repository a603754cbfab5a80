import { z } from 'zod';
import { yearParam } from '../../app/query-params';
import type { CardAnswer } from '../../app/card-handler';
import type { AppDeps } from '../../app/deps';
import { RouteError, type Feature, type RouteDef } from '../../app/feature';
import { messageKey } from '../../app/keys';
import { groupTargets, replyCard, replyText, textItem } from '../../app/notify';
import { noticeCard } from '../../cards';
import { matchUnit, type DraftTask } from '../../domain/dispatch';
import { hasRole, type Org, type Person } from '../../domain/org';
import { localDate } from '../../domain/time';
import { reportingGroup } from '../major-reports';
import { GROUP_MEETING_FIELDS, GROUP_MEETING_ITEMS, groupMeetingFormCard } from './card';
import { planGroupMeeting, type GroupMeetingInput } from './plan';
import type { Agenda, GroupMeetingDoc, GroupMeetingStore, TaskMaker } from './ports';

/**
 * 专题协调会 (docs/rules.md#group-coordination-meetings): a group's own meeting, recorded from a form card
 * (or the admin API). Decided items become tasks with source 专题协调会 tracked by the group; items the
 * group cannot settle go up to the linked city leader's agenda as escalations. Recorded once per form:
 * the meeting is claimed by the form's id, then its tasks are made idempotently by origin.
 */
type Deps = Pick<AppDeps, 'clock' | 'orgs' | 'settings' | 'log' | 'outbox'>;
const SOURCE = '专题协调会' as const;

export type RecordOutcome = { ok: true; meeting: GroupMeetingDoc; created: boolean } | { ok: false; problems: string[] };

/** Unit codes from a multi-select (codes) or a text input (names separated by 、). */
export function unitCodes(v: unknown, org: Org): string[] {
  const list = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/[、，,；;\s]+/) : [];
  return list.map((x) => x.trim()).filter(Boolean).map((x) => {
    if (org.unit(x)) return x;
    const m = matchUnit(x, org);
    return m.ok ? m.unit.code : x;
  });
}

type Record_ = (p: Person, group: string, id: string, via: GroupMeetingDoc['via'], input: GroupMeetingInput) => Promise<RecordOutcome>;

/** Records a meeting once per id, then makes its tasks (by origin) and raises its items sent up (by id): resumable. */
function recorder(deps: Deps, store: GroupMeetingStore, tasks: TaskMaker, agenda: Agenda): Record_ {
  const { records, changes } = store;
  const today = () => localDate(deps.clock.now(), deps.settings.tz);
  return async (p, group, id, via, input) => {
  const org = await deps.orgs.get();
  const g = org.group(group)!;
  const plan = planGroupMeeting(input, { org, today: today(), scope: org.unitsOfGroup(group).map((u) => u.code) });
  const existing = await records.get(id);
  if (!existing && !plan.ok) return plan;
  const meeting =
    existing ??
    (await records.withLock(`group_meeting:year:${plan.ok ? plan.date.slice(0, 4) : ''}`, async () => {
      if (!plan.ok) throw new Error('unreachable');
      const again = await records.get(id);
      if (again) return again;
      const year = Number(plan.date.slice(0, 4));
      const number = (await records.lastNumber(year)) + 1;
      const doc: GroupMeetingDoc = { _id: id, code: `ZT-${year}-${String(number).padStart(3, '0')}`, year, number, group, by: p.code, date: plan.date, topic: plan.topic, attendees: plan.attendees, units: plan.units, decisions: plan.decisions, sentUp: plan.sentUp, tasks: [], escalations: [], state: 'recording', via, at: deps.clock.now(), rev: 1 };
      await changes.create(doc, [], { action: 'record', by: p.code, note: `${doc.code} ${doc.topic}：议定 ${doc.decisions.length} 项，提交调度会 ${doc.sentUp.length} 项`, after: { group, date: doc.date } });
      return doc;
    }));
  if (meeting.state === 'done') return { ok: true, meeting, created: false };
  // resumable: tasks by origin, escalations by id
  const drafts = meeting.decisions.map((d, i) => ({
    draft: { ref: `事项${d.item + 1}`, title: d.title, content: `${d.text}\n（${g.name} ${meeting.date} 专题协调会议定：${meeting.topic}）`, leadUnit: d.leadUnit, coUnits: d.coUnits, deadline: d.deadline, milestones: [], priority: '重要', category: '其他', source: SOURCE } satisfies DraftTask,
    origin: `gmeeting:${meeting._id}:${i}`,
    group,
  }));
  const by = org.person(meeting.by) ?? p;
  const made = drafts.length ? await tasks.create(drafts, by, SOURCE, drafts.length > 1 ? meeting._id : undefined, org) : [];
  const escalations: string[] = [];
  for (const s of meeting.sentUp) {
    const r = await agenda.raise({ id: `${meeting.code}-${s.item + 1}`, code: `${meeting.code}·${s.item + 1}`, leader: g.cityLeader, group, unit: s.units[0] ?? g.name, title: s.title, deadline: meeting.date, units: s.units, reason: s.text, opinion: `${g.name} ${meeting.date} 专题协调会（${meeting.topic}）研究认为需提交调度会协调。`, urgent: false, by: meeting.by, state: 'pending' });
    escalations.push(r.id);
  }
  const codes = made.map((t) => t.code);
  const text = `${g.name} ${meeting.date} 专题协调会（${meeting.topic}）议定 ${codes.length} 项落实事项${codes.length ? `：${codes.join('、')}（来源：专题协调会），本组跟踪督促` : ''}${escalations.length ? `；${escalations.length} 项提交${org.personName(g.cityLeader)}调度会研究` : ''}。`;
  const done = await changes.change(meeting._id, (m) => (m.state === 'done' ? { result: m } : { doc: { ...m, state: 'done', tasks: codes, escalations }, owed: groupTargets(org, group).map((to) => textItem(messageKey('gmnote', m._id, to.id), to, text)), audit: { action: 'done', by: m.by, note: text }, result: { ...m, state: 'done' as const, tasks: codes, escalations } }));
  return { ok: true, meeting: done ?? meeting, created: !existing };
};
}

function meetingRoutes(deps: Deps, records: GroupMeetingStore['records'], record: Record_): RouteDef[] {
const listQuery = z.object({ group: z.string().trim().max(40).optional(), year: yearParam.optional(), limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) }).strict();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const body = z
  .object({
    by: z.string().trim().min(1).max(60).describe('the convener: person code or open_id of a group 组长/副组长'),
    date: date.describe('the day of the meeting'),
    topic: z.string().trim().min(1, 'must not be empty').max(100),
    attendees: z.string().trim().min(1, 'must not be empty').max(500),
    units: z.array(z.string().trim().min(1)).max(100).default([]).describe('attending units: codes or names'),
    items: z
      .array(z.object({ decision: z.string().trim().min(1, 'must not be empty').max(2000), units: z.array(z.string().trim().min(1)).max(30).default([]), deadline: date.optional(), up: z.boolean().default(false).describe('提交调度会: send the item to the leader\'s agenda') }).strict())
      .min(1, 'give at least one item')
      .max(50),
  })
  .strict();

  return [
    {
      method: 'get',
      path: '/group-meetings',
      doc: { summary: "Groups' 专题协调会 on the record, newest first", query: listQuery },
      handle: async (req) => {
        const q = req.query as z.infer<typeof listQuery>;
        const filter: Record<string, string | number> = {};
        if (q.group) filter.group = q.group;
        if (q.year) filter.year = q.year;
        return { body: await records.list(filter, { sort: { date: -1 }, limit: q.limit, offset: q.offset }) };
      },
    },
    {
      method: 'post',
      path: '/group-meetings',
      doc: { summary: 'Record a group 专题协调会: decisions become 专题协调会 tasks, items marked up join the leader\'s agenda', description: 'The same meeting sent again answers 200 with what was recorded the first time.', body, status: 201 },
      handle: async (req) => {
        const b = req.body as z.infer<typeof body>;
        const org = await deps.orgs.get();
        const p = org.person(b.by) ?? org.byOpenId(b.by);
        if (!p) throw new RouteError(400, 'unknown_by', `by: no person ${b.by}`);
        const group = reportingGroup(p);
        if (!group) throw new RouteError(403, 'forbidden', `by: ${p.code} is not a group 组长 or 副组长`);
        const units = unitCodes(b.units, org);
        const items = b.items.map((it) => ({ decision: it.decision, units: unitCodes(it.units, org), deadline: it.deadline ?? '', up: it.up }));
        const id = messageKey('gm', p.code, b.date, b.topic, JSON.stringify(items));
        const r = await record(p, group, id, 'api', { date: b.date, topic: b.topic, attendees: b.attendees, units, items });
        if (!r.ok) throw new RouteError(400, 'invalid_meeting', r.problems.join('; '), r.problems);
        return { status: r.created ? 201 : 200, body: { meeting: r.meeting, created: r.created } };
      },
    },
  ];
}

/** The demo city's history: one 专题协调会 of the first special group whose item went up to the leader's agenda. */
async function demoMeeting(deps: Deps, records: GroupMeetingStore['records'], record: Record_): Promise<void> {
  const today = () => localDate(deps.clock.now(), deps.settings.tz);
  // the demo city's history: one 专题协调会 of the first special group whose item went up to the
  // leader's agenda (no tasks, so the demo's task numbers start at 0001 for the newcomer)
  if (await records.count({})) return;
  const org = await deps.orgs.get();
  const g = org.groups.find((x) => x.kind === 'special' && org.unitsOfGroup(x.code).length >= 2 && org.supervisorsOf(x.code, '组长').length);
  if (!g) return;
  const [a, b] = org.unitsOfGroup(g.code);
  const chair = org.supervisorsOf(g.code, '组长')[0];
  const d = today();
  await record(chair, g.code, messageKey('gm', 'demo', g.code), 'api', {
    date: d,
    topic: `${a.name}征迁扫尾专题协调`,
    attendees: `${chair.name}、${a.name}、${b.name}`,
    units: [a.code, b.code],
    items: [{ decision: `${a.name}安置面积标准调整需市政府研究，${b.name}配合提出方案`, units: [b.code, a.code], deadline: '', up: true }],
  });
}

export function groupMeetingsFeature(deps: Deps, store: GroupMeetingStore, tasks: TaskMaker, agenda: Agenda): Feature {
  const { records, changes } = store;
  const today = () => localDate(deps.clock.now(), deps.settings.tz);

  async function form(p: Person, formId: string, error?: string) {
    const org = await deps.orgs.get();
    const group = reportingGroup(p);
    const g = group ? org.group(group) : undefined;
    if (!g) return null;
    return groupMeetingFormCard({ formId, groupName: g.name, leaderName: org.personName(g.cityLeader), units: org.unitsOfGroup(g.code).map((u) => ({ code: u.code, name: u.name })), today: today(), error });
  }

  const record = recorder(deps, store, tasks, agenda);

  const mayHold = (p: Person) => Boolean(reportingGroup(p));

  async function submit(c: Parameters<NonNullable<Feature['actions']>[string]>[0]): Promise<CardAnswer> {
    const group = reportingGroup(c.person);
    if (!group && !hasRole(c.person, 'admin')) return { toast: { type: 'error', content: '专题协调会由督导组组长、副组长记录。' } };
    const formId = c.value.m;
    if (!formId || !group) return { toast: { type: 'error', content: '这份表单已失效，请重新发送“专题协调会”。' } };
    const org = await deps.orgs.get();
    const s = (k: string) => (c.form[k] === undefined || c.form[k] === null ? '' : String(c.form[k]));
    const input: GroupMeetingInput = {
      date: s('date'),
      topic: s('topic'),
      attendees: s('attendees'),
      units: unitCodes(c.form.units, org),
      items: Array.from({ length: GROUP_MEETING_ITEMS }, (_, i) => ({ decision: s(GROUP_MEETING_FIELDS.decision(i)), units: unitCodes(c.form[GROUP_MEETING_FIELDS.units(i)], org), deadline: s(GROUP_MEETING_FIELDS.deadline(i)), up: s(GROUP_MEETING_FIELDS.way(i)) === 'up' })),
    };
    const r = await record(c.person, group, formId, 'card', input);
    if (!r.ok) {
      const message = r.problems.join('；');
      const card = await form(c.person, formId, message);
      return { toast: { type: 'error', content: message.slice(0, 200) }, ...(card ? { card: { type: 'raw' as const, data: card } } : {}) };
    }
    const m = r.meeting;
    const note = noticeCard({ title: `专题协调会已记录 ${m.code}`, text: `${m.date}「${m.topic}」：议定 ${m.tasks.length} 项，已派发 ${m.tasks.join('、') || '—'}（来源：专题协调会），本组跟踪落实；提交调度会 ${m.escalations.length} 项。`, color: 'green' });
    return r.created ? { toast: { type: 'success', content: `已记录，派发 ${m.tasks.length} 项，提交调度会 ${m.escalations.length} 项` }, card: { type: 'raw', data: note } } : { toast: { type: 'warning', content: `这次会议已记录（${m.code}），不会重复派发。` }, card: { type: 'raw', data: note } };
  }

  return {
    name: 'group-meetings',
    commands: [
      {
        words: ['专题协调会'],
        async handle(m, p) {
          if (!mayHold(p)) return [replyText(m, '专题协调会由督导组组长、副组长记录。')];
          const card = await form(p, messageKey('gmf', m.messageId));
          return [card ? replyCard(m, card) : replyText(m, '您所在的督导组已不在组织名单中。')];
        },
      },
    ],
    actions: { 'group_meeting.submit': submit },
    help: (p) => (mayHold(p) ? [{ command: '专题协调会', what: '记录本组专题协调会：议定事项派发跟踪，协调不了的提交调度会', example: '专题协调会' }] : []),
    routes: meetingRoutes(deps, records, record),
    relay: () => changes.relayAll(),
    demo: () => demoMeeting(deps, records, record),
  };
}
