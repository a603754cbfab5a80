/** 发送失败 (the outbox's failed messages, with retry) and 定时任务 (job runs, and run one now). */
import { clear, h, toast } from '../lib/dom';
import { HttpError } from '../lib/http';
import { wallToIso } from '../lib/time';
import { api } from './api';
import { JOB_LABEL, OUTBOX_STATUS, RUN_STATUS, stackable, TRIGGER_LABEL, when, zone } from './labels';
import type { AdminCtx } from './main';

const PAGE = 50;

export async function outboxView(ctx: AdminCtx, mount: HTMLElement, _arg: string, params: URLSearchParams): Promise<void> {
  const status = params.get('status') ?? 'failed';
  const picker = h('select.input', { 'aria-label': '状态', onchange: (e: Event) => ctx.go(`outbox?status=${(e.target as HTMLSelectElement).value}`) },
    Object.entries(OUTBOX_STATUS).map(([v, t]) => h('option', { value: v }, t)));
  picker.value = status;
  const { items, total } = await api.outbox(status, PAGE, 0);
  const target = (r: (typeof items)[number]) => (r.to ? `${r.to.type === 'chat_id' ? '群' : '人'} ${r.to.id}` : r.messageId ? `消息 ${r.messageId}` : r.lane);
  clear(mount,
    h('div.view-head', null, h('h1', null, '消息发送'), picker),
    h('p.muted', null, '发送失败的消息不会无限重试（如机器人不在群里、用户不在可用范围）：处理原因后可点「重试」。'),
    h('section.panel', null,
      h('div.list-head', null, `共 ${total} 条${total > PAGE ? `，显示最新 ${PAGE} 条` : ''}`),
      items.length
        ? h('div.table-scroll', null, stackable(h('table.grid', { 'data-testid': 'outbox-table' },
            h('thead', null, h('tr', null, ['时间', '类型', '发往', '内容', '尝试', '错误', ''].map((x) => h('th', null, x)))),
            h('tbody', null, items.map((r) => h('tr', null,
              h('td.nowrap', null, when(r.createdAt)),
              h('td.nowrap', null, r.kind),
              h('td.small', null, target(r)),
              h('td.small', null, r.render ? `${r.render.card} ${r.render.ref}（${r.render.view}）` : ''),
              h('td.num', null, String(r.attempts)),
              h('td.small', null, r.lastError ? `${r.lastError.code} ${r.lastError.message}${r.lastError.permanent ? '（不再自动重试）' : ''}` : ''),
              h('td', null, r.status === 'failed' ? h('button.btn.btn-small', { type: 'button', onclick: async (e: Event) => {
                const b = e.target as HTMLButtonElement;
                b.disabled = true;
                try {
                  await api.retry(r._id);
                  toast('已重新排队发送', 'success');
                  ctx.go(`outbox?status=${status}`);
                } catch (x) {
                  b.disabled = false;
                  toast((x as Error).message, 'error');
                }
              } }, '重试') : null)))))))
        : h('p.muted.empty', null, status === 'failed' ? '没有发送失败的消息 👍' : '没有消息')));
}

export async function jobsView(ctx: AdminCtx, mount: HTMLElement, _arg: string, params: URLSearchParams): Promise<void> {
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const data = await api.jobs(PAGE, (page - 1) * PAGE);
  const name = h('select.input', { 'aria-label': '任务' }, data.jobs.map((j) => h('option', { value: j }, `${JOB_LABEL[j] ?? j}（${j}）`)));
  const at = h('input.input', { type: 'datetime-local', 'aria-label': '运行时刻（留空为当前业务时间）' });
  const force = h('input', { type: 'checkbox' });
  const run = async (e: Event) => {
    e.preventDefault();
    let iso: string | undefined;
    if (at.value) {
      const r = wallToIso(at.value, zone.tz);
      if ('error' in r) return toast(r.error, 'warning');
      iso = r.iso;
    }
    try {
      const r = await api.runJob(name.value, { at: iso, force: force.checked || undefined });
      toast(`${JOB_LABEL[r.name] ?? r.name}：${RUN_STATUS[r.status] ?? r.status}${r.error ? ` ${r.error}` : ''}`, r.status === 'ok' ? 'success' : r.status === 'error' ? 'error' : 'warning');
      ctx.go('jobs');
    } catch (x) {
      toast(x instanceof HttpError ? x.message : String(x), 'error');
    }
  };
  const pages = Math.max(1, Math.ceil(data.total / PAGE));
  clear(mount,
    h('div.view-head', null, h('h1', null, '定时任务')),
    h('section.panel', null,
      h('h2', null, '立即运行'),
      h('form.filters', { onsubmit: run },
        h('label.field', null, h('span', null, '任务'), name),
        h('label.field', null, h('span', null, `运行时刻（${zone.tz}，留空为当前业务时间）`), at),
        h('label.check', null, force, ' 非工作日也运行'),
        h('div.filter-actions', null, h('button.btn.btn-primary_filled', { type: 'submit' }, '运行')))),
    h('section.panel', null,
      h('h2', null, `运行记录（${data.total}）`),
      data.items.length
        ? h('div.table-scroll', null, stackable(h('table.grid', { 'data-testid': 'job-runs' },
            h('thead', null, h('tr', null, ['任务', '时刻', '方式', '结果', '开始', '详情'].map((x) => h('th', null, x)))),
            h('tbody', null, data.items.map((r) => h('tr', null,
              h('td.nowrap', null, JOB_LABEL[r.name] ?? r.name),
              h('td.nowrap', null, when(r.slot)),
              h('td.nowrap', null, TRIGGER_LABEL[r.trigger] ?? r.trigger),
              h('td.nowrap', null, h(`span.run.run-${r.status}`, null, RUN_STATUS[r.status] ?? r.status)),
              h('td.nowrap', null, when(r.startedAt)),
              h('td.small', null, r.error ?? (r.result === undefined ? '' : JSON.stringify(r.result)))))))))
        : h('p.muted.empty', null, '还没有运行记录'),
      pages > 1 ? h('nav.pager', null, page > 1 ? h('a.btn.btn-small', { href: `#jobs?page=${page - 1}` }, '上一页') : null, h('span', null, `第 ${page} / ${pages} 页`), page < pages ? h('a.btn.btn-small', { href: `#jobs?page=${page + 1}` }, '下一页') : null) : null));
}
