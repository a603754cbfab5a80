import { messageKey } from '../../app/keys';
import type { EscalationService } from '../escalation/service';
import { groupTargets, personTarget } from '../../app/notify';
import type { OutboxItem } from '../../app/outbox-item';
import type { Escalation } from '../../app/ports/escalations';
import { noticeCard } from '../../cards';
import { isFirstWorkdayFrom } from '../../domain/summary';
import { workdayWhen, type JobDef } from '../../app/job';

/**
 * `meeting-reminder` (docs/rules.md#meetings-and-minutes): leaders must hold a 调度会 at least monthly while escalations are
 * pending. On the first workday on or after the 20th, a leader with items on the agenda and no meeting
 * recorded this month is reminded, and so are the groups those items came from. The schedule fires on
 * the 20th–27th; only that first workday acts. Under a JOB_SCHEDULES override every workday the
 * override names acts.
 */
export const REMINDER_DAY = 20;

export function meetingReminderJob(escalations: EscalationService, relay: () => Promise<unknown>): JobDef {
  return {
    name: 'meeting-reminder',
    catchUp: 'each', // each acting slot is its own month's message
    description: '每月20日起第一个工作日：有待研究提级事项、当月未开调度会的市领导及督导组收到提醒',
    when: workdayWhen(({ deps, today }) => {
      const from = `${today.slice(0, 8)}${REMINDER_DAY}`;
      return isFirstWorkdayFrom(today, from, deps.cal) ? null : `${today} 不是本月${REMINDER_DAY}日起的第一个工作日，按计划不发送（可用 --force 强制运行）`;
    }),
    async run({ deps, today }) {
      await relay();
      const org = await deps.orgs.get();
      const month = today.slice(0, 7);
      const byLeader = new Map<string, Escalation[]>();
      for (const e of await escalations.agenda()) byLeader.set(e.leader, [...(byLeader.get(e.leader) ?? []), e]);
      const items: OutboxItem[] = [];
      let reminded = 0;
      for (const [leader, list] of byLeader) {
        if (await deps.meetings.heldIn(leader, month)) continue;
        reminded++;
        const name = org.personName(leader);
        const shown = list.slice(0, 5).map((e) => `${e.code}「${e.title}」（${org.unitName(e.unit)}）`).join('\n');
        const more = list.length > 5 ? `\n……等共 ${list.length} 项` : '';
        const text = `${name}：有 ${list.length} 项提级协调事项待调度会研究，本月（${month}）尚未记录调度会。按要求每月至少召开一次调度会，请安排召开，会后发送“会议纪要”录入决定。\n${shown}${more}`;
        const card = noticeCard({ title: '调度会提醒', text, color: 'orange' });
        const targets = [...personTarget(org, leader), ...[...new Set(list.map((e) => e.group))].flatMap((g) => groupTargets(org, g))];
        for (const to of targets) items.push({ key: messageKey('mtgrem', leader, month, to.id), kind: 'send', to, msgType: 'interactive', content: card });
      }
      await deps.outbox.put(items);
      return { month, leadersWithAgenda: byLeader.size, reminded, messages: items.length };
    },
  };
}
