import type { WorkCalendar } from './calendar';
import { normalize } from './commands';
import { shortDate, type LocalDate } from './time';
import type { LightColor } from './lights';

/**
 * 项目化督导 (docs/rules.md#projects): a project followed for months across units and orders, judged
 * milestone by milestone on site. Pure data and rules; the 立项 text parser is in project-text.ts.
 */
export interface ProjectMilestone {
  seq: number; // 1-based, in date order; what `确认节点 XM-… 序号` names
  date: LocalDate;
  label: string; // the 形象进度 to be seen on site
  confirmedAt?: Date;
  confirmedBy?: string; // a supervisor's person code
  note?: string;
  visit?: string; // the visit that confirmed it
}

export interface ProjectPhoto {
  imgKey: string; // the app's own image key (re-uploaded), the only kind a card may show
  at: Date;
  by: string;
  visit?: string;
}

export interface Project {
  code: string; // XM-2026-001
  name: string;
  category: string;
  leadUnit: string;
  coUnits: string[];
  group: string;
  leader: string; // the linked city leader's person code
  milestones: ProjectMilestone[];
  tasks: string[]; // codes of its tasks, read by _id
  photos: ProjectPhoto[]; // the latest first, a few kept
  createdAt: Date;
  createdBy: string;
  /** What made it (the 立项 message or form): a second delivery of the same is not a duplicate name. */
  origin?: string;
  rev: number;
}

export const PROJECT_CODE = /^XM-(\d{4})-(\d{3,})$/;
const LOOSE_CODE = /^XM[-－—_ ]?(\d{4})[-－—_ ]?(\d{1,6})$/i;

export function projectCode(year: number, seq: number): string {
  return `XM-${year}-${String(seq).padStart(3, '0')}`;
}

/** `xm2026-1`, `ＸＭ－２０２６－００１` → XM-2026-001; null when it is not a project code. */
export function normalizeProjectCode(raw: string): string | null {
  const m = LOOSE_CODE.exec(normalize(raw));
  return m ? projectCode(Number(m[1]), Number(m[2])) : null;
}

/** Photos a project keeps for its card (the latest). */
export const PROJECT_PHOTOS_KEPT = 6;

export interface MilestoneLight {
  color: LightColor;
  reason: string;
}

/**
 * A milestone's light: reached once a supervisor confirmed it on site; late when its day passed
 * without that confirmation, whatever the unit says; yellow within `yellowWorkdays` of its day.
 */
export function milestoneLight(m: ProjectMilestone, today: LocalDate, cal: WorkCalendar, yellowWorkdays = 3): MilestoneLight {
  if (m.confirmedAt) return { color: 'green', reason: '已现场确认' };
  if (today > m.date) {
    const n = cal.workdaysBetween(m.date, today);
    return { color: 'red', reason: n > 0 ? `已过节点 ${n} 个工作日，未经现场确认` : `已过节点（${shortDate(m.date, today)}），未经现场确认` };
  }
  const left = cal.workdaysBetween(today, m.date);
  const reason = today === m.date ? '今日到期' : `剩 ${left} 个工作日`;
  return { color: left <= yellowWorkdays ? 'yellow' : 'green', reason };
}

/** The project as a whole: its worst milestone light, and how many milestones are reached. */
export function projectLight(p: Pick<Project, 'milestones'>, today: LocalDate, cal: WorkCalendar): MilestoneLight & { reached: number } {
  const reached = p.milestones.filter((m) => m.confirmedAt).length;
  const open = p.milestones.filter((m) => !m.confirmedAt);
  if (!open.length) return { color: 'green', reason: p.milestones.length ? '全部节点已确认' : '未设节点', reached };
  const lights = open.map((m) => ({ m, l: milestoneLight(m, today, cal) }));
  const red = lights.filter((x) => x.l.color === 'red');
  if (red.length) return { color: 'red', reason: `${red.length} 个节点逾期未确认`, reached };
  const next = lights[0];
  return { color: next.l.color, reason: `下一节点 ${shortDate(next.m.date, today)}：${next.l.reason}`, reached };
}

const CANDIDATES_NAMED = 5;

/** Finds a project by code or by its name as written (exact, then the one whose name contains it); a name that fits several names them all (up to 5), never picks one. */
export function findProject<P extends Pick<Project, 'code' | 'name'>>(written: string, projects: P[]): { ok: true; project: P } | { ok: false; message: string } {
  const text = written.trim();
  const code = normalizeProjectCode(text.split(/\s+/)[0] ?? '');
  if (code) {
    const p = projects.find((x) => x.code === code);
    return p ? { ok: true, project: p } : { ok: false, message: `找不到项目 ${code}，请核对编号` };
  }
  const exact = projects.filter((x) => x.name === text);
  if (exact.length === 1) return { ok: true, project: exact[0] };
  const near = exact.length ? exact : projects.filter((x) => x.name.includes(text) || (text.length >= 2 && text.includes(x.name)));
  if (near.length === 1) return { ok: true, project: near[0] };
  if (near.length > 1) return { ok: false, message: `项目“${text}”对应 ${near.length} 个项目：${near.slice(0, CANDIDATES_NAMED).map((x) => `${x.name}（${x.code}）`).join('、')}${near.length > CANDIDATES_NAMED ? ' 等' : ''}，请写项目编号` };
  return { ok: false, message: `找不到项目“${text}”，请写项目编号（如 XM-2026-001）或完整名称` };
}
