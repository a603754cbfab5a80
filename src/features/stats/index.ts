import type { Feature, HelpLine } from '../../app/feature';
import { replyCard, replyText } from '../../app/notify';
import type { CardViews } from '../../app/views';
import { hasRole, officialUnits, supervisedGroups, type Person } from '../../domain/org';

/** 统计 refused: what this person can use instead, by the roles they have. */
export function statsRefusal(p: Person): string {
  const base = '“统计”供督导组成员、挂钩市领导和管理员使用，您没有这些身份。';
  if (officialUnits(p).length) return `${base}您是单位联络员或负责人：请发送“我的任务”查看本单位事项。`;
  if (hasRole(p, 'observer')) return `${base}成果运用单位请发送“评价表”（或“评价表 2026”）获取年度督导评价表文件。`;
  return `${base}如需使用，请联系管理员登记身份。`;
}

const mayAsk = (p: Person) => supervisedGroups(p).length > 0 || hasRole(p, 'cityLeader') || hasRole(p, 'admin');
const STATS_HELP: HelpLine = { command: '统计', what: '本督导组（或全市）的事项统计、超期清单和排名', example: '统计' };

/** 统计 (docs/rules.md#commands): the caller's scope by state and light, its overdue list, the ranking (card-views.ts builds the card). */
export function statsFeature(views: CardViews): Feature {
  return {
    name: 'stats',
    parsed: { stats: async (m, person) => [mayAsk(person) ? replyCard(m, await views.stats(person)) : replyText(m, statsRefusal(person))] },
    queries: ['stats'],
    help: (p) => (mayAsk(p) ? [STATS_HELP] : []),
  };
}
