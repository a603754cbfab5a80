/** One task: its fields, progress reports, requests and the audit history (oldest first). */
import { clear, h } from '../lib/dom';
import { api } from './api';
import { ACTION_LABEL, lightDot, Names, stackable, STATE_LABEL, stateBadge, when } from './labels';
import type { AdminCtx } from './main';

const KIND: Record<string, string> = { close: '办结申请', extension: '延期申请', escalation: '提级协调申请' };
const REQ_STATE: Record<string, string> = { pending: '待审核', approved: '已同意', rejected: '未同意' };

const FIELD: Record<string, string> = {
  state: '状态', deadline: '截止日期', originalDeadline: '原截止日期', leadUnit: '责任单位', coUnits: '配合单位', progress: '进度',
  acceptedAt: '签收时间', acceptedBy: '签收人', submittedAt: '申请办结时间', closedAt: '办结时间', cancelledAt: '撤销时间', returns: '退回次数', strict: '从严督促',
};

/** `状态：待签收 → 办理中；签收人：李联络` from an audit entry's before/after. */
function change(n: Names, before?: Record<string, unknown>, after?: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const v = (k: string, x: unknown): string => {
    if (x === undefined || x === null || x === '') return '—';
    if (k === 'state') return STATE_LABEL[String(x)] ?? String(x);
    if (k === 'leadUnit') return n.unit(String(x));
    if (k === 'coUnits' && Array.isArray(x)) return x.map((u) => n.unit(String(u))).join('、') || '无';
    if (/By$/.test(k)) return n.person(String(x));
    if (typeof x === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(x)) return when(x);
    if (typeof x === 'boolean') return x ? '是' : '否';
    return typeof x === 'object' ? JSON.stringify(x) : String(x);
  };
  return keys.map((k) => `${FIELD[k] ?? k}：${before && k in before ? `${v(k, before[k])} → ` : ''}${v(k, after?.[k])}`).join('；');
}

export async function taskDetailView(ctx: AdminCtx, mount: HTMLElement, code: string): Promise<void> {
  const t = await api.task(code);
  const n = ctx.names;
  const field = (label: string, ...value: (Node | string)[]) => [h('dt', null, label), h('dd', null, ...value)];
  clear(mount,
    h('div.view-head', null,
      h('a.link', { href: '#tasks' }, '‹ 返回列表'),
      h('h1', null, `${t.code} ${t.title}`),
      stateBadge(t.state)),
    h('section.panel', { 'data-testid': 'task-detail', 'data-state': t.state },
      h('dl.fields', null,
        field('状态', stateBadge(t.state)),
        field('灯', lightDot(t.light)),
        field('责任单位', n.unit(t.leadUnit)),
        field('配合单位', t.coUnits.map((u) => n.unit(u)).join('、') || '无'),
        field('督导组', n.group(t.group)),
        field('派单', `${n.person(t.dispatcher)}，${when(t.dispatchedAt)}`),
        field('截止日期', t.deadline, t.deadline !== t.originalDeadline ? `（原定 ${t.originalDeadline}）` : ''),
        field('进度', `${t.progress}%`),
        field('类别 · 来源 · 优先级', `${t.categoryLabel ?? t.category} · ${t.source} · ${t.priority}`),
        t.closedAt ? field('办结时间', when(t.closedAt)) : [],
        field('要求', h('span.pre', null, t.content))),
      t.milestones.length ? h('div', null, h('h3', null, '节点安排'), h('ul', null, t.milestones.map((m) => h('li', null, `${m.date} ${m.label}`)))) : null),
    h('section.panel', null,
      h('h2', null, `进度反馈（${t.reports.length}）`),
      t.reports.length
        ? h('ul.timeline', null, [...t.reports].reverse().map((r) => h('li', null,
            h('div.tl-head', null, `${when(r.at)}　${n.person(r.by)}（${n.unit(r.unit)}）　${r.percent}%`),
            h('div.pre', null, r.content),
            r.evidence.length ? h('div.muted', null, `佐证：${r.evidence.map((e) => e.name ?? e.text ?? e.url ?? (e.kind === 'image' ? '图片' : e.kind)).join('、')}`) : null)))
        : h('p.muted', null, '暂无')),
    t.requests.length
      ? h('section.panel', null,
          h('h2', null, '申请'),
          h('ul.timeline', null, t.requests.map((r) => h('li', null,
            h('div.tl-head', null, `${when(r.at)}　${KIND[r.kind] ?? r.kind}　${n.person(r.by)}　`, h(`span.req.req-${r.state}`, null, REQ_STATE[r.state] ?? r.state)),
            r.content || r.reason ? h('div.pre', null, r.content ?? r.reason ?? '') : null,
            r.newDeadline ? h('div', null, `新截止日期：${r.newDeadline}`) : null,
            r.decidedAt ? h('div.muted', null, `${when(r.decidedAt)} ${n.person(r.decidedBy ?? '')} 审核${r.opinion ? `：${r.opinion}` : ''}`) : null))))
      : null,
    h('section.panel', null,
      h('h2', null, '处理记录'),
      h('div.table-scroll', null, stackable(h('table.grid', { 'data-testid': 'task-history' },
        h('thead', null, h('tr', null, ['时间', '操作人', '操作', '说明', '变更'].map((x) => h('th', null, x)))),
        h('tbody', null, (t.history ?? []).map((e) => h('tr', { 'data-action': e.action },
          h('td.nowrap', null, when(e.at)),
          h('td.nowrap', null, n.person(e.by)),
          h('td.nowrap', null, ACTION_LABEL[e.action] ?? e.action),
          h('td', null, e.note ?? ''),
          h('td.small', null, change(n, e.before, e.after))))))))));
}
