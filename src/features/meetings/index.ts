import { noticeCard } from '../../cards';
import type { ActionContext, CardAnswer } from '../../app/card-handler';
import type { AppDeps } from '../../app/deps';
import type { DispatchService } from '../dispatch/service';
import type { Feature } from '../../app/feature';
import { messageKey } from '../../app/keys';
import { replyCard, replyText } from '../../app/notify';
import { formText, outcomeAnswer } from '../../app/outcome';
import { hasRole } from '../../domain/org';
import type { EscalationService } from '../escalation';
import { meetingReminderJob } from './reminder-job';
import { meetingRoutes } from './routes';
import { MeetingService } from './service';

/**
 * 调度会 minutes (docs/rules.md#meetings-and-minutes): the city leader's 会议纪要 form over their agenda
 * (or `POST /api/meetings`), each decision a 调度会 task; the monthly `meeting-reminder` job. Reads and
 * decides the agenda of the escalation feature.
 */
export function meetingsFeature(deps: AppDeps, escalations: EscalationService, dispatch: DispatchService): Feature {
  const meetings = new MeetingService(deps, escalations, dispatch);
  return {
    name: 'meetings',
    parsed: {
      async minutes(m, person) {
        if (!hasRole(person, 'cityLeader')) {
          return [replyText(m, hasRole(person, 'admin') ? '“会议纪要”由挂钩市领导发送；管理员可通过管理接口 POST /api/meetings 代为录入。' : '“会议纪要”供挂钩市领导记录调度会决定使用。')];
        }
        const card = await meetings.form(person, messageKey('mf', m.messageId));
        return [card ? replyCard(m, card) : replyText(m, '您目前没有待调度会研究的提级事项。督导组报请提级（有所为）的事项会出现在这里。')];
      },
    },
    actions: { 'meeting.submit': (c) => submit(deps, meetings, c) },
    jobs: [meetingReminderJob(escalations, () => Promise.all([deps.escalations.relayAll(), deps.appeals.relayAll()]))],
    routes: meetingRoutes(deps, meetings),
  };
}

/** 会议纪要 form submitted: the decisions recorded and dispatched, or the form again with what is wrong. */
async function submit(deps: AppDeps, meetings: MeetingService, c: ActionContext): Promise<CardAnswer> {
  const form = c.value.m ? await meetings.formDoc(c.value.m) : null;
  if (!form) return outcomeAnswer({ ok: false, kind: 'invalid', message: '这份纪要表单已失效，请重新发送“会议纪要”。' });
  const org = await deps.orgs.get();
  if (form.leader !== c.person.code && !hasRole(c.person, 'admin')) return outcomeAnswer({ ok: false, kind: 'forbidden', message: `这是${org.personName(form.leader)}的调度会纪要表单，您无权提交。` });
  const leader = org.person(form.leader);
  if (!leader) return outcomeAnswer({ ok: false, kind: 'invalid', message: '表单所属的市领导已不在组织名单中。' });
  const count = Math.min(Number(c.value.x ?? form.agenda.length) || 0, form.agenda.length);
  const items = form.agenda.slice(0, count).map((escalationId, i) => ({ escalationId, decision: formText(c.form[`decision_${i}`]), units: meetings.resolveUnits(c.form[`units_${i}`], org), deadline: formText(c.form[`deadline_${i}`]) }));
  const r = await meetings.record({ leader, by: c.person, id: messageKey('mtg', form._id), via: 'card', input: { date: formText(c.form.date), attendees: formText(c.form.attendees), items } });
  if (!r.ok) {
    const message = r.problems.join('；');
    return outcomeAnswer({ ok: false, kind: 'invalid', message }, (await meetings.form(leader, form._id, message)) ?? undefined);
  }
  const codes = r.tasks.map((t) => t.code).join('、');
  const note = noticeCard({ title: '会议纪要已记录', text: `${r.meeting.date} 调度会纪要已记录，${r.tasks.length} 项决定已作为督办事项派发：${codes}。督导组将跟踪落实，全部办结后相关提级事项销号。`, color: 'green' });
  return outcomeAnswer(r.created ? { ok: true, toast: `已记录纪要，派发 ${r.tasks.length} 项：${codes}` } : { ok: false, kind: 'stale', message: `这份纪要已记录（${codes}），不会重复派发。` }, note);
}
