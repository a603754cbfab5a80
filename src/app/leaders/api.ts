import { limitMessage, overLimit } from '../../limits';
import { z } from 'zod';
import { hasRole, type Person } from '../../domain/org';
import { formulaText, scoreTerms } from '../../domain/ranking';
import { parsePeriod } from '../../domain/summary';
import { localDate } from '../../domain/time';
import type { AppDeps } from '../deps';
import { messageKey } from '../keys';
import { APPEAL_STATES, type AppealFilter } from '../ports/appeals';
import { ESCALATION_STATES, type EscalationFilter } from '../ports/escalations';
import type { MeetingFilter } from '../ports/meetings';
import { RouteError, type RouteDef, type RouteRequest } from '../feature';
import { writeXlsx, XLSX_TYPE } from '../table-export';
import { evaluationSheets } from './evaluation-sheet';
import type { AppealService } from './appeals';
import type { BulletinService } from './bulletins';
import type { EscalationService } from './escalation-service';
import type { MeetingService } from './meeting-service';
import type { SummaryService } from './summary-service';
import { splitAppealItem } from '../../domain/appeal';

/**
 * The leaders' side of the admin API: escalations, meetings (minutes by API), ranking, bulletins,
 * appeals and the yearly evaluation export for 纪委/组织部. Every input is checked with zod: a 400 names
 * the field and the problem, and nothing changes.
 */
interface Services {
  deps: AppDeps;
  escalations: EscalationService;
  meetings: MeetingService;
  summary: SummaryService;
  bulletins: BulletinService;
  appeals: AppealService;
  /** Each unit's yearly 定性评价 (docs/rules.md#the-years-results), beside the outcome score. */
  grades: (year: number) => Promise<Map<string, { grade: string; remarks: string }>>;
}

const page = { limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) };
const code = z.string().trim().min(1).max(40);
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
/** A reason, decision or opinion: LIMITS.noteChars, the refusal naming the limit and the length met. */
const noteOf = (s: z.ZodString, what: string) =>
  s.superRefine((v, ctx) => {
    if (overLimit('noteChars', v.length)) ctx.addIssue({ code: 'custom', message: limitMessage('noteChars', v.length, what) });
  });
const note = (what: string) => noteOf(z.string().trim().min(1, 'must not be empty'), what);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const periodParam = z.string().refine((s) => parsePeriod(s) !== null, 'expected a month such as 2026-11 or a year such as 2026');

const escalationsQuery = z.object({ state: z.enum(ESCALATION_STATES).optional(), leader: code.optional(), group: code.optional(), code: code.optional(), ...page }).strict();
const meetingsQuery = z.object({ leader: code.optional(), month: z.string().regex(/^\d{4}-\d{2}$/, 'expected YYYY-MM').optional(), ...page }).strict();
/**
 * Minutes of a 调度会. The meeting decides the items put on the leader's agenda (escalations the group
 * judged 有所为), one decision per item, so `escalationId` is required and a decision on anything else is
 * refused: work outside the agenda is dispatched as 领导交办 with 派单, which keeps every 调度会 task tied
 * to the escalation it closes.
 */
export const meetingBody = z
  .object({
    leader: code.describe('the city leader: person code or open_id'),
    date: date.describe('the day of the meeting'),
    attendees: text(500).describe('who attended, as written in the minutes (one string, e.g. "张市长、王局长、李组长")'),
    items: z
      .array(
        z
          .object({
            escalationId: code.describe('the agenda item: an escalation pending before this leader (GET /api/escalations?state=accepted&leader=…)'),
            decision: note('会议决定').describe('what was decided'),
            units: z.array(z.string().trim().min(1)).min(1, 'name at least one unit').describe('units responsible: codes or names'),
            deadline: date.describe('deadline of the follow-up task'),
          })
          .strict(),
      )
      .min(1, 'give at least one decision')
      .max(50)
      .describe('one decision per agenda item; each becomes a 调度会 task'),
  })
  .strict();
const rankingQuery = z.object({ period: periodParam, group: code.optional(), leader: code.optional() }).strict();
const evaluationQuery = z.object({ year: z.string().regex(/^\d{4}$/, 'expected a year such as 2026').refine((y) => parsePeriod(y) !== null, 'expected a year between 2000 and 2100') }).strict();
const bulletinBody = z
  .object({
    kind: z.enum(['表扬', '批评']),
    title: z.string().trim().max(100).optional(),
    body: text(3000),
    tasks: z.array(code).max(30).default([]),
    units: z.array(code).max(30).default([]),
    to: z.object({ units: z.array(code).default([]), groups: z.array(code).default([]) }).strict(),
    by: code.optional(),
  })
  .strict()
  .refine((b) => b.tasks.length + b.units.length > 0, 'name at least one task or unit in tasks or units')
  .refine((b) => b.to.units.length + b.to.groups.length > 0, 'to: name at least one unit or group to publish to');
const appealsQuery = z.object({ state: z.enum(APPEAL_STATES).optional(), code: code.optional(), ...page }).strict();
const appealItem = z
  .string()
  .trim()
  .refine((x) => splitAppealItem(x).choice.kind !== 'all' && !splitAppealItem(x).reason, 'expected 超期, 退回, 提示函 or one letter such as 〔2026〕第3号');
const appealBody = z.object({ code, item: appealItem.optional().describe('what is appealed: 超期, 退回, 提示函 or one letter (〔2026〕第3号); all of them when left out'), reason: note('申诉理由'), by: code }).strict();
const decideBody = z.object({ decision: z.enum(['upheld', 'rejected']), opinion: noteOf(z.string(), '裁定意见').default(''), by: code }).strict();

type Req<Q = unknown, B = unknown> = RouteRequest<Q, B>;

/** The admin routes of the leaders' side, as data (src/app/feature.ts); src/http mounts them under /api. */
export function leadersRoutes(s: Services): RouteDef[] {
  const { deps } = s;
  const org = () => deps.orgs.get();
  const person = async (codeOrOpenId: string, field: string, ok: (p: Person) => boolean, what: string): Promise<Person> => {
    const o = await org();
    const p = o.person(codeOrOpenId) ?? o.byOpenId(codeOrOpenId);
    if (!p) throw new RouteError(400, `unknown_${field}`, `${field}: no person ${codeOrOpenId}`);
    if (!ok(p)) throw new RouteError(403, 'forbidden', `${field}: ${p.code} ${what}`);
    return p;
  };
  const apiAdmin: Person = { code: 'api', name: '管理接口', roles: [{ kind: 'admin' }], active: true };

  const outcome = (r: Awaited<ReturnType<AppealService['file']>>) => {
    if (r.ok) return r.doc;
    const status = { forbidden: 403, invalid: 400, stale: 409, missing: 404 }[r.kind];
    throw new RouteError(status, r.kind === 'invalid' ? 'invalid_appeal' : r.kind === 'missing' ? 'not_found' : r.kind === 'stale' ? 'already_decided' : 'forbidden', r.message);
  };
  const bulletinsQuery = z.object(page).strict();

  return [
    {
      method: 'get',
      path: '/escalations',
      doc: { summary: 'Escalations (申请提级协调) and their decisions', query: escalationsQuery },
      handle: async ({ query: q }: Req<z.infer<typeof escalationsQuery>>) => {
        const filter: EscalationFilter = {};
        if (q.state) filter.state = q.state;
        if (q.leader) filter.leader = q.leader;
        if (q.group) filter.group = q.group;
        if (q.code) filter.code = q.code.toUpperCase();
        return { body: await s.escalations.list(filter, q.limit, q.offset) };
      },
    },
    {
      method: 'get',
      path: '/meetings',
      doc: { summary: 'Recorded 调度会 minutes', query: meetingsQuery },
      handle: async ({ query: q }: Req<z.infer<typeof meetingsQuery>>) => {
        const filter: MeetingFilter = {};
        if (q.leader) filter.leader = q.leader;
        if (q.month) filter.month = q.month;
        return { body: await s.meetings.list(filter, q.limit, q.offset) };
      },
    },
    {
      method: 'post',
      path: '/meetings',
      doc: {
        summary: 'Record the minutes of a 调度会: each decision becomes a 调度会 task',
        description: 'Every item answers an escalation on the leader\'s agenda (`escalationId`); a decision on anything not on the agenda is refused with 400 — dispatch such work as 领导交办 instead. The same minutes sent again answer 200 with what was created the first time.',
        body: meetingBody,
        status: 201,
      },
      handle: async ({ body }: Req<unknown, z.infer<typeof meetingBody>>) => {
        const leader = await person(body.leader, 'leader', (p) => hasRole(p, 'cityLeader'), 'is not a city leader');
        const o = await org();
        const unknown = body.items.flatMap((it) => s.meetings.resolveUnits(it.units, o)).filter((u) => !o.unit(u));
        if (unknown.length) throw new RouteError(400, 'unknown_unit', `items.units: no unit ${unknown.join(', ')}`);
        const items = body.items.map((it) => ({ ...it, units: s.meetings.resolveUnits(it.units, o) }));
        const id = messageKey('mtg', leader.code, body.date, JSON.stringify(items));
        const r = await s.meetings.record({ leader, by: apiAdmin, id, via: 'api', input: { date: body.date, attendees: body.attendees, items } });
        if (!r.ok) throw new RouteError(400, 'invalid_minutes', r.problems.join('; '));
        return { status: r.created ? 201 : 200, body: { meeting: r.meeting, tasks: r.tasks.map((t) => t.code), created: r.created } };
      },
    },
    {
      method: 'get',
      path: '/ranking',
      doc: { summary: 'Unit ranking for a month or a year, with its formula', query: rankingQuery },
      handle: async ({ query: q }: Req<z.infer<typeof rankingQuery>>) => {
        const o = await org();
        if (q.group && !o.group(q.group)) throw new RouteError(400, 'unknown_group', `group: no group ${q.group}`);
        const scope = q.leader ? s.summary.leaderScope(await person(q.leader, 'leader', (p) => hasRole(p, 'cityLeader'), 'is not a city leader'), o) : q.group ? s.summary.groupsScope([q.group], o) : s.summary.cityScope(o);
        const period = parsePeriod(q.period)!;
        const { rows } = await s.summary.ranking(scope, period, localDate(deps.clock.now(), deps.settings.tz));
        const w = s.summary.weights;
        return { body: { period: period.label, scope: scope.label, formula: formulaText(w), weights: w, items: rows.map((r) => ({ ...r, unitName: o.unitName(r.unit), terms: scoreTerms(r, w) })), total: rows.length } };
      },
    },
    {
      method: 'get',
      path: '/evaluation/export',
      doc: { summary: "The year's evaluation for 纪委/组织部 (XLSX)", query: evaluationQuery, answers: { [XLSX_TYPE]: 'XLSX' } },
      handle: async ({ query: q }: Req<z.infer<typeof evaluationQuery>>) => {
        const sheets = await evaluationSheets(s.summary, await org(), q.year, localDate(deps.clock.now(), deps.settings.tz), s.grades);
        return { stream: { name: `evaluation-${q.year}.xlsx`, contentType: XLSX_TYPE, write: (out) => writeXlsx(sheets, out) } };
      },
    },
    {
      method: 'get',
      path: '/bulletins',
      doc: { summary: 'Published 通报 (表扬/批评)', query: bulletinsQuery },
      handle: async ({ query: q }: Req<z.infer<typeof bulletinsQuery>>) => ({ body: await s.bulletins.list(q.limit, q.offset) }),
    },
    {
      method: 'post',
      path: '/bulletins',
      doc: { summary: 'Publish a 通报 to units and groups', body: bulletinBody, status: 201 },
      handle: async ({ body }: Req<unknown, z.infer<typeof bulletinBody>>) => {
        const o = await org();
        const bad = [...body.units, ...body.to.units].filter((u) => !o.unit(u));
        if (bad.length) throw new RouteError(400, 'unknown_unit', `no unit ${bad.join(', ')}`);
        const badGroups = body.to.groups.filter((g) => !o.group(g));
        if (badGroups.length) throw new RouteError(400, 'unknown_group', `to.groups: no group ${badGroups.join(', ')}`);
        const by = body.by ? await person(body.by, 'by', (p) => s.bulletins.mayPublish(p), 'may not publish bulletins') : apiAdmin;
        const built = await s.bulletins.build({ kind: body.kind, title: body.title, body: body.body, tasks: body.tasks.map((t) => t.toUpperCase()), units: body.units }, by);
        if (!built.ok) throw new RouteError(400, 'invalid_bulletin', built.message);
        const targets = s.bulletins.targetsOf({ units: body.to.units, groups: body.to.groups, here: false }, o);
        if (!targets.length) throw new RouteError(400, 'no_targets', 'to: none of these units or groups has a chat or a registered person to send to');
        const r = await s.bulletins.publish(messageKey('bul', by.code, JSON.stringify(body)), built, targets);
        return { status: r.created ? 201 : 200, body: { ...r.doc, created: r.created } };
      },
    },
    {
      method: 'get',
      path: '/appeals',
      doc: { summary: 'Appeals (申诉) against ranking items', query: appealsQuery },
      handle: async ({ query: q }: Req<z.infer<typeof appealsQuery>>) => {
        const filter: AppealFilter = {};
        if (q.state) filter.state = q.state;
        if (q.code) filter.code = q.code.toUpperCase();
        return { body: await s.appeals.list(filter, q.limit, q.offset) };
      },
    },
    {
      method: 'post',
      path: '/appeals',
      doc: { summary: 'File an appeal for a task', body: appealBody, status: 201 },
      handle: async ({ body }: Req<unknown, z.infer<typeof appealBody>>) => {
        const by = await person(body.by, 'by', () => true, '');
        return { status: 201, body: outcome(await s.appeals.file(body.code.toUpperCase(), by, body.item ? `${body.item} ${body.reason}` : body.reason)) };
      },
    },
    {
      method: 'post',
      path: '/appeals/:id/decide',
      doc: { summary: 'Decide an appeal: upheld or rejected', body: decideBody },
      handle: async ({ params, body }: Req<unknown, z.infer<typeof decideBody>>) => {
        const by = await person(body.by, 'by', () => true, '');
        return { body: outcome(await s.appeals.decide(params.id, by, body.decision, body.opinion)) };
      },
    },
  ];
}
