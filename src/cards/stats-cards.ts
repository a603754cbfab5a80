import type { MonthlySummaryInput, OverdueItem } from '../domain/summary';
import type { TaskState } from '../domain/task';
import { changeText, cut, percentText, summaryText } from './common';
import { renderCard, type Card } from './template';

/** The 统计 answer and the monthly summary for leaders (with its chart and ranking table). */

export type { MonthlySummaryInput, OverdueItem, RankingRow } from '../domain/summary';

export interface StatsInput {
  scopeLabel: string;
  byState: Record<TaskState, number>;
  byLight: { red: number; yellow: number; green: number };
  overdue: OverdueItem[];
  ranking?: { unitName: string; score: number; formula: string }[];
  /** The supervisors' record per group (docs/rules.md#the-supervisors-record), with its formula. */
  supervisors?: { formula: string; rows: { name: string; score: number; formula: string }[] };
}

const OVERDUE_MAX = 10;
const RANKING_MAX = 50;

function overdueLines(items: OverdueItem[]) {
  const sorted = [...items].sort((a, b) => b.overdueWorkdays - a.overdueWorkdays || a.code.localeCompare(b.code));
  const shown = sorted.slice(0, OVERDUE_MAX);
  return {
    lines: shown.map((o) => ({ code: o.code, title: cut(o.title, 40, true), unitName: o.unitName, n: o.overdueWorkdays })),
    hidden: sorted.length - shown.length,
  };
}

export function statsCard(input: StatsInput): Card {
  const s = input.byState;
  const open = s.dispatched + s.in_progress + s.submitted;
  const od = overdueLines(input.overdue);
  const ranking = (input.ranking ?? []).slice(0, RANKING_MAX);
  return renderCard('stats', {
    summary: summaryText(`督办统计｜${input.scopeLabel}：在办 ${open} 项，🔴${input.byLight.red} 🟡${input.byLight.yellow} 🟢${input.byLight.green}`),
    scopeLabel: input.scopeLabel,
    open,
    s,
    red: input.byLight.red,
    yellow: input.byLight.yellow,
    green: input.byLight.green,
    overdue: od.lines,
    overdueCount: input.overdue.length,
    overdueHidden: od.hidden,
    ranking: ranking.map((r, i) => ({ rank: i + 1, unit: r.unitName, score: r.score, formula: cut(r.formula, 80, true) })),
    supervisors: (input.supervisors?.rows ?? []).slice(0, RANKING_MAX).map((r) => ({ name: cut(r.name, 20, true), score: r.score, formula: cut(r.formula, 80, true) })),
    supervisorsFormula: input.supervisors ? cut(input.supervisors.formula, 300) : '',
  });
}

const AGENDA_MAX = 10;
const CHART_MAX = 30;

export function monthlySummaryCard(input: MonthlySummaryInput): Card {
  const [y, m] = input.month.split('-').map(Number);
  const monthText = `${y}年${m}月`;
  const od = overdueLines(input.overdueNow);
  const agenda = input.agenda.slice(0, AGENDA_MAX);
  const ranking = [...input.ranking].sort((a, b) => a.rank - b.rank).slice(0, RANKING_MAX);
  const chart = ranking
    .filter((r) => r.onTimeRate !== null)
    .slice(0, CHART_MAX)
    .map((r) => ({ unit: cut(r.unitName, 8, true), rate: Math.round((r.onTimeRate ?? 0) * 1000) / 10 }));
  const prev = input.prev;
  const rateChange = (): string => {
    if (!prev || prev.onTimeRate === null || input.onTimeRate === null) return '—';
    const d = Math.round((input.onTimeRate - prev.onTimeRate) * 1000) / 10;
    return d === 0 ? '持平' : `${d > 0 ? '+' : ''}${d} 个百分点`;
  };
  return renderCard('monthly-summary', {
    sections: (input.sections ?? []).map((x) => ({ title: x.title, text: x.lines.join('\n') })),
    summary: summaryText(`${monthText}督办汇总｜${input.scopeLabel}：派发 ${input.dispatched}，办结 ${input.closed}，按期率 ${percentText(input.onTimeRate)}`),
    scopeLabel: input.scopeLabel,
    monthText,
    dispatched: input.dispatched,
    closed: input.closed,
    onTimeRate: percentText(input.onTimeRate),
    prev: prev ? { dispatched: changeText(input.dispatched, prev.dispatched), closed: changeText(input.closed, prev.closed), onTimeRate: rateChange() } : null,
    firstMonth: !prev,
    chart: chart.length ? chart : null,
    overdue: od.lines,
    overdueCount: input.overdueNow.length,
    noOverdue: input.overdueNow.length === 0,
    overdueHidden: od.hidden,
    agenda: agenda.map((a) => ({ code: a.code, title: cut(a.title, 40, true), unitName: a.unitName })),
    agendaCount: input.agenda.length,
    noAgenda: input.agenda.length === 0,
    agendaHidden: input.agenda.length - agenda.length,
    ranking: ranking.map((r) => ({
      rank: r.rank,
      unit: r.unitName,
      score: r.score,
      change: r.change === null ? '—' : r.change > 0 ? `+${r.change}` : String(r.change),
      rate: percentText(r.onTimeRate),
    })),
    formula: cut(input.formula, 300),
  });
}
