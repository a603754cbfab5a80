import type { AppDeps } from '../../app/deps';
import type { ReportQuery, ReportSection } from '../../app/feature';
import { milestoneLight, type Project } from '../../domain/project';
import { localDate, shortDate } from '../../domain/time';
import type { ProjectStore } from './service';

/**
 * The projects' section of the leaders' monthly summary and the weekly digest (docs/rules.md#projects):
 * the milestones of the scope's projects that are late (their day passed without a confirmation on
 * site) and those confirmed in the period. Reads every project (few; a job's cold path).
 */
const SHOWN = 8;
const LIST_MAX = 500;

export async function projectsReport(deps: Pick<AppDeps, 'settings' | 'cal'>, store: ProjectStore, q: ReportQuery): Promise<ReportSection | null> {
  const tz = deps.settings.tz;
  const today = localDate(q.at, tz);
  const projects = (await store.list({}, LIST_MAX, 0)).items.filter((p: Project) => !q.groups || q.groups.includes(p.group));
  if (!projects.length) return null;
  const late: string[] = [];
  const reached: string[] = [];
  for (const p of projects) {
    for (const m of p.milestones) {
      const name = `${p.code} ${p.name} 第 ${m.seq} 个节点「${m.label}」`;
      const on = m.confirmedAt ? localDate(m.confirmedAt, tz) : null;
      if (on && on >= q.from && on <= q.to) reached.push(`✅ ${name}：${shortDate(on, today)} 现场确认`);
      else if (!on && milestoneLight(m, today, deps.cal).color === 'red') late.push(`🔴 ${name}（${shortDate(m.date, today)}）：${milestoneLight(m, today, deps.cal).reason}`);
    }
  }
  const more = (list: string[]) => (list.length > SHOWN ? [...list.slice(0, SHOWN), `……另有 ${list.length - SHOWN} 个`] : list);
  const head = `跟踪项目 ${projects.length} 个；节点逾期未确认 ${late.length} 个，本期现场确认 ${reached.length} 个。`;
  return { title: '项目化督导', lines: [head, ...more(late), ...more(reached)] };
}
