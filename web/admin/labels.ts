/** Words the dashboard shows for the API's codes, and the shared bits (light dots, org names). */
import { h } from '../lib/dom';
import { shortMoment } from '../lib/time';
import type { LightInfo, OrgFile } from './api';

export const STATE_LABEL: Record<string, string> = { dispatched: '待签收', in_progress: '办理中', submitted: '待审核', closed: '已办结', cancelled: '已撤销', open: '未办结（全部在办）' };
export const LIGHT_LABEL: Record<string, string> = { red: '红灯', yellow: '黄灯', green: '绿灯', none: '—' };
export const ACTION_LABEL: Record<string, string> = {
  dispatch: '派单',
  accept: '签收',
  progress: '反馈进度',
  submit: '申请办结',
  approve: '审核通过',
  return: '退回',
  request_extension: '申请延期',
  decide_extension: '延期审核',
  request_escalation: '申请提级协调',
  decide_escalation: '提级审核',
  cancel: '撤销',
  urge: '催办',
};
export const OUTBOX_STATUS: Record<string, string> = { failed: '发送失败', pending: '待发送', sent: '已发送', superseded: '已被更新取代' };
export const RUN_STATUS: Record<string, string> = { ok: '完成', skipped: '跳过', error: '出错', running: '运行中' };
export const TRIGGER_LABEL: Record<string, string> = { schedule: '定时', 'catch-up': '补跑', manual: '手动' };
export const JOB_LABEL: Record<string, string> = { reminders: '每日提醒', 'weekly-digest': '督办周报', 'monthly-summary': '月度汇总', 'meeting-reminder': '调度会提醒', cleanup: '数据清理', outbox: '消息发送' };

/** The service's time zone (from /api/stats): times show as the service counts them. */
export const zone = { tz: 'Asia/Shanghai' };
export const when = (at?: string) => shortMoment(at, zone.tz);

export function lightDot(l: LightInfo | undefined, withText = true): HTMLElement {
  const color = l?.color ?? 'none';
  return h(`span.light.light-${color}`, { title: l?.reason ?? '' }, h('i', { 'aria-hidden': 'true' }), withText ? h('span', null, l?.reason || LIGHT_LABEL[color]) : null);
}

export function stateBadge(state: string): HTMLElement {
  return h(`span.state.state-${state}`, null, STATE_LABEL[state] ?? state);
}

/** Names for codes, from GET /api/org. */
export class Names {
  private units = new Map<string, string>();
  private groups = new Map<string, string>();
  private people = new Map<string, string>();
  constructor(readonly org: OrgFile) {
    for (const u of org.units) this.units.set(u.code, u.name);
    for (const g of org.groups) this.groups.set(g.code, g.name);
    for (const p of org.people) this.people.set(p.code, p.name);
  }
  unit = (c: string) => this.units.get(c) ?? c;
  group = (c: string) => this.groups.get(c) ?? c;
  person = (c: string) => (c === 'system' ? '系统' : (this.people.get(c) ?? c));
}

/** Marks a table to stack into label–value lines on a phone: each cell gets its column's title. */
export function stackable(table: HTMLTableElement): HTMLTableElement {
  const titles = [...table.querySelectorAll('thead th')].map((th) => th.textContent ?? '');
  for (const tr of table.querySelectorAll('tbody tr')) [...tr.children].forEach((td, i) => titles[i] && td.setAttribute('data-label', titles[i]));
  table.classList.add('stack');
  return table;
}
