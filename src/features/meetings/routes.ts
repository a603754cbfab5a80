import { z } from 'zod';
import { hasRole } from '../../domain/org';
import type { AppDeps } from '../../app/deps';
import { RouteError, type RouteDef, type RouteRequest } from '../../app/feature';
import { messageKey } from '../../app/keys';
import type { MeetingFilter } from '../../app/ports/meetings';
import { API_ADMIN, code, date, note, page, personLookup, text } from '../../app/route-inputs';
import type { MeetingService } from './service';

const listQuery = z.object({ leader: code.optional(), month: z.string().regex(/^\d{4}-\d{2}$/, 'expected YYYY-MM').optional(), ...page }).strict();

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

/** `GET /api/meetings` and `POST /api/meetings` (minutes by API). */
export function meetingRoutes(deps: AppDeps, meetings: MeetingService): RouteDef[] {
  const person = personLookup(deps);
  return [
    {
      method: 'get',
      path: '/meetings',
      doc: { summary: 'Recorded 调度会 minutes', query: listQuery },
      handle: async ({ query: q }: RouteRequest<z.infer<typeof listQuery>>) => {
        const filter: MeetingFilter = {};
        if (q.leader) filter.leader = q.leader;
        if (q.month) filter.month = q.month;
        return { body: await meetings.list(filter, q.limit, q.offset) };
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
      handle: async ({ body }: RouteRequest<unknown, z.infer<typeof meetingBody>>) => {
        const leader = await person(body.leader, 'leader', (p) => hasRole(p, 'cityLeader'), 'is not a city leader');
        const o = await deps.orgs.get();
        const unknown = body.items.flatMap((it) => meetings.resolveUnits(it.units, o)).filter((u) => !o.unit(u));
        if (unknown.length) throw new RouteError(400, 'unknown_unit', `items.units: no unit ${unknown.join(', ')}`);
        const items = body.items.map((it) => ({ ...it, units: meetings.resolveUnits(it.units, o) }));
        const id = messageKey('mtg', leader.code, body.date, JSON.stringify(items));
        const r = await meetings.record({ leader, by: API_ADMIN, id, via: 'api', input: { date: body.date, attendees: body.attendees, items } });
        if (!r.ok) throw new RouteError(400, 'invalid_minutes', r.problems.join('; '));
        return { status: r.created ? 201 : 200, body: { meeting: r.meeting, tasks: r.tasks.map((t) => t.code), created: r.created } };
      },
    },
  ];
}
