/** 督办事项: the task list with filters, pages and CSV/XLSX exports of the same filter. */
import { clear, h, saveBlob, toast } from '../lib/dom';
import { query } from '../lib/http';
import { api, type TaskItem } from './api';
import { lightDot, stateBadge, STATE_LABEL } from './labels';
import type { AdminCtx } from './main';

const PAGE = 20;
const FILTERS = ['state', 'light', 'unit', 'group', 'overdue', 'deadline_from', 'deadline_to', 'q'] as const;

export async function tasksView(ctx: AdminCtx, mount: HTMLElement, _arg: string, params: URLSearchParams): Promise<void> {
  const f: Record<string, string> = {};
  for (const k of FILTERS) if (params.get(k)) f[k] = params.get(k)!;
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const { org } = ctx.names;

  const select = (name: string, label: string, options: [string, string][]) =>
    h('label.field', null, h('span', null, label), h('select.input', { name, 'data-filter': name }, h('option', { value: '' }, '全部'), options.map(([v, t]) => h('option', { value: v }, t))));
  const form = h('form.filters', { 'data-testid': 'task-filters' },
    select('state', '状态', Object.entries(STATE_LABEL).map(([v, t]) => [v, t] as [string, string])),
    select('light', '灯', [['red', '🔴 红灯'], ['yellow', '🟡 黄灯'], ['green', '🟢 绿灯']]),
    select('unit', '单位', org.units.map((u) => [u.code, u.name])),
    select('group', '督导组', org.groups.map((g) => [g.code, g.name])),
    select('overdue', '超期', [['true', '已超期'], ['false', '未超期']]),
    h('label.field', null, h('span', null, '截止从'), h('input.input', { type: 'date', name: 'deadline_from' })),
    h('label.field', null, h('span', null, '截止到'), h('input.input', { type: 'date', name: 'deadline_to' })),
    h('label.field.grow', null, h('span', null, '关键词'), h('input.input', { type: 'search', name: 'q', placeholder: '标题或编号', maxlength: 100 })),
    h('div.filter-actions', null,
      h('button.btn.btn-primary_filled', { type: 'submit' }, '筛选'),
      h('button.btn', { type: 'button', onclick: () => ctx.go('tasks') }, '清空')));
  for (const [k, v] of Object.entries(f)) {
    const el = form.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement | null;
    if (el) el.value = v;
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next: Record<string, string> = {};
    for (const k of FILTERS) {
      const el = form.elements.namedItem(k) as HTMLInputElement | null;
      if (el?.value.trim()) next[k] = el.value.trim();
    }
    if (next.deadline_from && next.deadline_to && next.deadline_from > next.deadline_to) return toast('截止日期范围有误：开始日期晚于结束日期', 'warning');
    ctx.go(`tasks${query(next)}`);
  });

  const exportAs = async (format: 'csv' | 'xlsx') => {
    try {
      saveBlob(await api.download(`/api/tasks/export${query({ ...f, format })}`), `督办事项-${new Date().toISOString().slice(0, 10)}.${format}`);
    } catch (e) {
      toast(`导出失败：${(e as Error).message}`, 'error');
    }
  };
  const list = h('div', null, h('p.muted', null, '加载中…'));
  clear(mount,
    h('div.view-head', null, h('h1', null, '督办事项'),
      h('div.row', null,
        h('button.btn', { type: 'button', 'data-testid': 'export-csv', onclick: () => void exportAs('csv') }, '导出 CSV'),
        h('button.btn', { type: 'button', 'data-testid': 'export-xlsx', onclick: () => void exportAs('xlsx') }, '导出 Excel'))),
    h('section.panel', null, form),
    list);

  const { items, total } = await api.tasks({ ...f, limit: PAGE, offset: (page - 1) * PAGE });
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const link = (p: number) => `#tasks${query({ ...f, page: p > 1 ? p : undefined })}`;
  clear(list,
    h('section.panel', null,
      h('div.list-head', null, h('span', { 'data-testid': 'task-total' }, `共 ${total} 项`)),
      items.length ? h('div.table-scroll', null, taskTable(ctx, items)) : h('p.muted.empty', null, '没有符合条件的督办事项'),
      pages > 1
        ? h('nav.pager', { 'aria-label': '分页' },
            page > 1 ? h('a.btn.btn-small', { href: link(page - 1) }, '上一页') : h('span.btn.btn-small', { 'aria-disabled': 'true' }, '上一页'),
            h('span', null, `第 ${page} / ${pages} 页`),
            page < pages ? h('a.btn.btn-small', { href: link(page + 1) }, '下一页') : h('span.btn.btn-small', { 'aria-disabled': 'true' }, '下一页'))
        : null));
}

function taskTable(ctx: AdminCtx, items: TaskItem[]): HTMLElement {
  const n = ctx.names;
  return h('table.grid.tasks', { 'data-testid': 'task-table' },
    h('thead', null, h('tr', null, ['编号', '事项', '责任单位', '督导组', '截止', '灯', '状态', '进度'].map((t) => h('th', null, t)))),
    h('tbody', null, items.map((t) =>
      h('tr', { 'data-code': t.code, onclick: (e: Event) => (e.target as HTMLElement).tagName !== 'A' && ctx.go(`task/${t.code}`) },
        h('td.nowrap', null, h('a', { href: `#task/${t.code}` }, t.code)),
        h('td.title-cell', null, t.title, t.priority === '紧急' ? h('span.pri', null, '紧急') : null),
        h('td.nowrap', null, n.unit(t.leadUnit)),
        h('td.nowrap', null, n.group(t.group)),
        h('td.nowrap', null, t.deadline, t.deadline !== t.originalDeadline ? h('span.muted', { title: `原定 ${t.originalDeadline}` }, ' (延)') : null),
        h('td', null, t.state === 'closed' || t.state === 'cancelled' ? h('span.muted', null, t.light.reason) : lightDot(t.light)),
        h('td.nowrap', null, stateBadge(t.state)),
        h('td.nowrap', null, h('span.progress', null, h('i', { style: { width: `${t.progress}%` } })), ` ${t.progress}%`)))));
}
