import { messageKey } from '../../app/keys';
import { groupTargets, personTarget, type Target } from '../../app/notify';
import type { OutboxItem } from '../../app/outbox-item';
import type { Scope, SummaryService } from './service';
import { checkCard, monthlySummaryCard } from '../../cards';
import { hasRole } from '../../domain/org';
import { isFirstWorkdayOfMonth, monthOf, previousPeriod } from '../../domain/summary';
import { workdayWhen, type JobDef } from '../../app/job';
import type { ReportSections } from '../../app/feature';

/**
 * `monthly-summary` (docs/rules.md#summaries-and-ranking): on the first workday of a month, each city leader gets last month's
 * summary for their groups; admins and the coordination group get the city-wide one. The schedule fires
 * on the 1st–10th; only the first workday acts (a holiday start of the month moves it). Under a JOB_SCHEDULES override
 * every workday the override names acts.
 */
/** `yearEnd(year)`: the year's 成效 card, sent with the December summary (docs/rules.md#the-years-results); absent → none. */
/** `sections`: the features' sections (the projects'), asked per scope without importing them. */
export function monthlySummaryJob(summary: SummaryService, relay: () => Promise<unknown>, yearEnd?: (year: number) => Promise<unknown | undefined>, sections?: ReportSections): JobDef {
  return {
    name: 'monthly-summary',
    catchUp: 'each', // each acting slot is its own month's message
    description: '每月第一个工作日：向挂钩市领导推送上月督办汇总（全市汇总发管理员和综合协调组）',
    when: workdayWhen(({ deps, today }) => (isFirstWorkdayOfMonth(today, deps.cal) ? null : `${today} 不是本月第一个工作日，月度汇总已在当月第一个工作日发送（可用 --force 强制运行）`)),
    async run({ deps, at, today }) {
      await relay();
      const org = await deps.orgs.get();
      const month = previousPeriod(monthOf(today));
      const leaders = org.people.filter((p) => hasRole(p, 'cityLeader') && org.groupsLedBy(p.code).length);
      const coordination = org.coordinationGroup();
      const sends: { scope: Scope; targets: Target[] }[] = [
        ...leaders.map((l) => ({ scope: summary.leaderScope(l, org), targets: personTarget(org, l.code) })),
        { scope: summary.cityScope(org), targets: [...org.admins().flatMap((p) => personTarget(org, p.code)), ...(coordination ? groupTargets(org, coordination.code) : [])] },
      ].filter((x) => x.targets.length);
      // every card from one scan of the tasks (see SummaryService.scan)
      const inputs = await summary.monthlyMany(sends.map((x) => x.scope), month, at, true);
      const items: OutboxItem[] = [];
      const extra = await Promise.all(sends.map((x) => (sections ? sections({ groups: x.scope.groups, from: month.from, to: month.to, at }) : [])));
      sends.forEach(({ scope, targets }, i) => {
        const card = monthlySummaryCard({ ...inputs[i], sections: extra[i] });
        const problems = checkCard(card);
        if (problems.length) deps.log.warn({ scope: scope.key, problems }, 'monthly summary card exceeds a limit');
        for (const to of targets) items.push({ key: messageKey('monthly', scope.key, month.label, to.id), kind: 'send', to, msgType: 'interactive', content: card });
      });
      const results = month.label.endsWith('-12') && yearEnd ? await yearEnd(Number(month.label.slice(0, 4))) : undefined;
      if (results) {
        const to = new Map(sends.flatMap((x) => x.targets).map((t) => [t.id, t]));
        for (const t of to.values()) items.push({ key: messageKey('results', month.label, t.id), kind: 'send', to: t, msgType: 'interactive', content: results });
      }
      await deps.outbox.put(items);
      return { month: month.label, leaders: leaders.length, messages: items.length };
    },
  };
}
