/** 概览 (figures at a glance) and 排名 (the unit ranking, when the service offers it). */
import { clear, h } from '../lib/dom';
import { HttpError } from '../lib/http';
import { wallTime } from '../lib/time';
import { api, type Stats } from './api';
import { JOB_LABEL, RUN_STATUS, STATE_LABEL, when, zone } from './labels';
import type { AdminCtx } from './main';

const tile = (label: string, value: number, href: string, tone = '') => h(`a.tile${tone ? `.tile-${tone}` : ''}`, { href }, h('span.tile-value', null, String(value)), h('span.tile-label', null, label));

function lightBar(r: { red: number; yellow: number; green: number; open: number }): HTMLElement {
  const pct = (n: number) => `${r.open ? (n / r.open) * 100 : 0}%`;
  return h('span.lightbar', { title: `红 ${r.red}，黄 ${r.yellow}，绿 ${r.green}` },
    h('i.red', { style: { width: pct(r.red) } }), h('i.yellow', { style: { width: pct(r.yellow) } }), h('i.green', { style: { width: pct(r.green) } }));
}

/** /api/stats, or (on a service that does not offer it) the same headline figures from /api/tasks totals. */
async function statsOrTotals(): Promise<Stats & { partial?: boolean }> {
  try {
    return await api.stats();
  } catch (e) {
    if (!(e instanceof HttpError && e.status === 404)) throw e;
  }
  const count = (q: Record<string, string>) => api.tasks({ ...q, limit: 1 }).then((r) => r.total);
  const names = ['dispatched', 'in_progress', 'submitted', 'closed', 'cancelled'];
  const [open, overdue, red, yellow, green, failed, ...states] = await Promise.all([
    count({ state: 'open' }), count({ overdue: 'true' }), count({ light: 'red' }), count({ light: 'yellow' }), count({ light: 'green' }),
    api.outbox('failed', 1, 0).then((r) => r.total), ...names.map((st) => count({ state: st })),
  ]);
  return { at: new Date().toISOString(), today: '', tz: zone.tz, states: Object.fromEntries(names.map((n, i) => [n, states[i]])), open, overdue, lights: { red, yellow, green }, units: [], groups: [], outbox: { failed, pending: 0 }, jobs: [], partial: true };
}

export async function overviewView(ctx: AdminCtx, mount: HTMLElement): Promise<void> {
  const s = await statsOrTotals();
  const w = wallTime(new Date(s.at), zone.tz);
  const table = (title: string, rows: { code: string; name: string; open: number; overdue: number; red: number; yellow: number; green: number }[], filter: string) =>
    h('section.panel', null,
      h('h2', null, title),
      rows.length
        ? h('div.table-scroll', null, h('table.grid', null,
            h('thead', null, h('tr', null, h('th', null, '名称'), h('th.num', null, '在办'), h('th.num', null, '🔴 红'), h('th.num', null, '🟡 黄'), h('th.num', null, '🟢 绿'), h('th', null, '分布'))),
            h('tbody', null, rows.map((r) => h('tr', null,
              h('td', null, h('a', { href: `#tasks?state=open&${filter}=${encodeURIComponent(r.code)}` }, r.name)),
              h('td.num', null, String(r.open)),
              h('td.num', null, r.red ? h('b.red-text', null, String(r.red)) : '0'),
              h('td.num', null, String(r.yellow)),
              h('td.num', null, String(r.green)),
              h('td', null, lightBar(r)))))))
        : h('p.muted', null, '没有在办事项'));
  clear(mount,
    h('div.view-head', null, h('h1', null, '概览'), h('span.muted', null, s.partial ? '（服务未提供 /api/stats：只显示总数）' : `业务时间 ${w.date} ${w.weekday} ${w.time.slice(0, 5)}`)),
    s.calendar?.note ? h('p.warn', { 'data-testid': 'calendar-note' }, `工作日历：${s.calendar.note}`) : null,
    h('div.tiles', null,
      tile('在办', s.open, '#tasks?state=open'),
      tile('已超期', s.overdue, '#tasks?overdue=true', 'red'),
      tile('🔴 红灯', s.lights.red, '#tasks?light=red', 'red'),
      tile('🟡 黄灯', s.lights.yellow, '#tasks?light=yellow', 'yellow'),
      tile('🟢 绿灯', s.lights.green, '#tasks?light=green', 'green'),
      ...['dispatched', 'in_progress', 'submitted', 'closed', 'cancelled'].map((st) => tile(STATE_LABEL[st], s.states[st] ?? 0, `#tasks?state=${st}`)),
      tile('发送失败', s.outbox.failed, '#outbox', s.outbox.failed ? 'red' : '')),
    s.partial ? null : h('div.columns2', null,
      table('各督导组', s.groups.map((g) => ({ ...g, code: g.group })), 'group'),
      table('各责任单位（红灯多的在前）', s.units.map((u) => ({ ...u, code: u.unit })), 'unit')),
    s.partial ? null : h('section.panel', null,
      h('h2', null, '定时任务'),
      h('div.table-scroll', null, h('table.grid', null,
        h('thead', null, h('tr', null, h('th', null, '任务'), h('th', null, '上次运行'), h('th', null, '结果'))),
        h('tbody', null, s.jobs.map((j) => h('tr', null,
          h('td', null, `${JOB_LABEL[j.name] ?? j.name}`, h('span.muted', null, ` ${j.name}`)),
          h('td', null, j.last ? when(j.last.slot) : '—'),
          h('td', null, j.continuous ? h('span.run.run-ok', null, j.continuous) : j.last ? h(`span.run.run-${j.last.status}`, null, RUN_STATUS[j.last.status] ?? j.last.status) : h('span.muted', null, '未运行')))))))));
  void ctx;
}

/** The ranking API's rows (src/domain/ranking.ts RankedUnit); unknown fields are shown as they come. */
const RANK_COLUMNS: [string, string, (v: unknown) => string][] = [
  ['rank', '名次', String],
  ['unitName', '单位', String],
  ['score', '得分', String],
  ['change', '较上期', (v) => (v === null || v === undefined ? '—' : Number(v) > 0 ? `↑${v}` : Number(v) < 0 ? `↓${-Number(v)}` : '持平')],
  ['onTimeRate', '按期办结率', (v) => (typeof v === 'number' ? `${Math.round(v * 1000) / 10}%` : '—')],
  ['dispatched', '派发', String],
  ['closed', '办结', String],
  ['onTime', '按期办结', String],
  ['overdueWorkdays', '超期工作日', String],
  ['returns', '退回', String],
  ['letters', '提示函', String],
];

export async function rankingView(_ctx: AdminCtx, mount: HTMLElement, _arg: string, params: URLSearchParams): Promise<void> {
  const at = await api.stats().then((s) => new Date(s.at)).catch(() => new Date()); // business time, not the browser's
  const now = wallTime(at, zone.tz).date;
  const last = new Date(`${now.slice(0, 7)}-01T00:00:00Z`);
  last.setUTCMonth(last.getUTCMonth() - 1);
  const period = params.get('period') ?? last.toISOString().slice(0, 7);
  const input = h('input.input', { type: 'month', value: period, 'aria-label': '月份' });
  const body = h('div');
  clear(mount,
    h('div.view-head', null, h('h1', null, '单位排名'),
      h('form.row', { onsubmit: (e: Event) => (e.preventDefault(), (location.hash = `ranking?period=${input.value}`)) }, input, h('button.btn', { type: 'submit' }, '查看'))),
    body);
  let data: unknown;
  try {
    data = await api.ranking(period);
  } catch (e) {
    if (e instanceof HttpError && (e.status === 404 || e.status === 405 || e.status === 501)) {
      clear(body, h('section.panel.muted', { 'data-testid': 'ranking-unavailable' }, '排名功能暂未开放：服务尚未提供排名接口（GET /api/ranking）。月度汇总卡片中的排名仍按计划发送。'));
      return;
    }
    throw e;
  }
  const obj = (data ?? {}) as { items?: Record<string, unknown>[]; formula?: string; period?: string };
  const items = Array.isArray(data) ? (data as Record<string, unknown>[]) : Array.isArray(obj.items) ? obj.items : [];
  const known = RANK_COLUMNS.filter(([k]) => items.some((r) => k in r));
  const cols: [string, string, (v: unknown) => string][] = known.length
    ? known
    : [...new Set(items.flatMap((r) => Object.keys(r)))].filter((k) => typeof items[0]?.[k] !== 'object' || items[0]?.[k] === null).map((k) => [k, k, String]);
  clear(body,
    typeof obj.formula === 'string' ? h('p.muted', null, `计分方式：${obj.formula}`) : null,
    items.length
      ? h('section.panel', null,
          h('h2', null, `${obj.period ?? period}${typeof (obj as { scope?: unknown }).scope === 'string' ? ` · ${(obj as { scope: string }).scope}` : ''}`),
          h('div.table-scroll', null, h('table.grid', { 'data-testid': 'ranking-table' },
            h('thead', null, h('tr', null, cols.map(([, label]) => h('th', null, label)))),
            h('tbody', null, items.map((r) => h('tr', null, cols.map(([k, , fmt]) => h('td', null, r[k] === undefined ? '' : fmt(r[k])))))))))
      : h('section.panel.muted', null, `${period} 没有排名数据。`));
}
