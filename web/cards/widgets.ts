/** The card's table (with pages, as the client shows `page_size` rows) and chart (an SVG bar chart). */
import { h } from '../lib/dom';
import { aspect, chartModel, type ChartModel } from './chart-model';
import { parseInline } from './markdown';
import { inline, textTag, type Ctx } from './render';
import { isObj, type Obj } from './util';

export function renderTable(el: Obj, ctx: Ctx): HTMLElement {
  const columns = (Array.isArray(el.columns) ? el.columns.filter(isObj) : []).map((c) => ({
    name: String(c.name ?? ''),
    title: String(c.display_name ?? c.name ?? ''),
    type: String(c.data_type ?? 'text'),
    width: typeof c.width === 'string' && /^\d+px$/.test(c.width) ? c.width : '',
    align: typeof c.horizontal_align === 'string' ? c.horizontal_align : '',
  }));
  const rows = Array.isArray(el.rows) ? el.rows.filter(isObj) : [];
  const pageSize = Math.min(10, Math.max(1, Number(el.page_size ?? 5) || 5));
  const style = isObj(el.header_style) ? el.header_style : {};
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  let page = 0;

  const cell = (type: string, v: unknown): HTMLElement => {
    const td = h('td');
    if (v === undefined || v === null) return td;
    if (type === 'lark_md' || type === 'markdown') td.append(...inlineNodes(String(v), ctx));
    else if (type === 'number') (td.className = 'num'), (td.textContent = typeof v === 'number' ? v.toLocaleString('zh-CN') : String(v));
    else if (type === 'options') for (const o of Array.isArray(v) ? v : [v]) td.appendChild(isObj(o) ? textTag(String(o.text ?? ''), String(o.color ?? 'neutral')) : textTag(String(o), 'neutral'));
    else if (type === 'persons') td.textContent = (Array.isArray(v) ? v : [v]).map((p) => `@${ctx.host.nameOf?.(String(p)) ?? String(p)}`).join(' ');
    else if (type === 'date') td.textContent = typeof v === 'number' ? new Date(v).toLocaleDateString('zh-CN') : String(v);
    else td.textContent = String(v);
    return td;
  };
  const tbody = h('tbody');
  const pager = h('div.fc-pager');
  const paint = () => {
    tbody.textContent = '';
    for (const r of rows.slice(page * pageSize, (page + 1) * pageSize)) {
      const tr = h('tr');
      for (const c of columns) {
        const td = cell(c.type, r[c.name]);
        if (c.align) td.style.textAlign = c.align;
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
    pager.textContent = '';
    if (pages > 1) {
      pager.append(
        h('button.fc-page', { type: 'button', disabled: page === 0, 'aria-label': '上一页', onclick: () => ((page = Math.max(0, page - 1)), paint()) }, '‹'),
        h('span', null, `${page + 1} / ${pages}`),
        h('button.fc-page', { type: 'button', disabled: page >= pages - 1, 'aria-label': '下一页', onclick: () => ((page = Math.min(pages - 1, page + 1)), paint()) }, '›'),
      );
    }
  };
  paint();
  const head = h('tr', null, columns.map((c) => h('th', { style: { width: c.width, textAlign: c.align || (c.type === 'number' ? 'right' : '') } }, c.title)));
  const table = h('table.fc-table', { 'data-header': style.background_style === 'grey' ? 'grey' : 'none' }, h('thead', { style: { fontWeight: style.bold === false ? 'normal' : '' } }, head), tbody);
  return h('div.fc-table-wrap', null, h('div.fc-table-scroll', null, table), pager);
}

function inlineNodes(src: string, ctx: Ctx): Node[] {
  const box = h('span', null, inline(parseInline(src), ctx));
  return [...box.childNodes];
}

const SERIES = ['#3370ff', '#34c724', '#ff8800', '#7f3bf5', '#f54a45', '#14c0ff'];
const NS = 'http://www.w3.org/2000/svg';

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export function renderChart(el: Obj): HTMLElement {
  const m = chartModel(el.chart_spec);
  const box = h('figure.fc-chart', { 'data-kind': m.kind });
  if (m.title) box.appendChild(h('figcaption.fc-chart-title', null, m.title));
  if (m.kind === 'table' || !m.categories.length) {
    box.appendChild(h('table.fc-table', null,
      h('thead', null, h('tr', null, m.fields.map((f) => h('th', null, f)))),
      h('tbody', null, m.rows.map((r) => h('tr', null, m.fields.map((f) => h('td', null, String(r[f] ?? ''))))))));
    return box;
  }
  box.appendChild(m.horizontal ? horizontalBars(m) : verticalChart(m, aspect(el.aspect_ratio)));
  if (m.series.length > 1) box.appendChild(h('div.fc-legend', null, m.series.map((s, i) => h('span', null, h('i', { style: { background: SERIES[i % SERIES.length] } }), s.name))));
  return box;
}

const fmt = (v: number) => (Math.abs(v) >= 1000 ? v.toLocaleString('zh-CN') : String(Math.round(v * 10) / 10));

function verticalChart(m: ChartModel, ratio: number): SVGElement {
  const W = 600;
  const H = Math.round(W * Math.min(0.8, Math.max(0.4, ratio)));
  const pad = { l: 40, r: 12, t: 18, b: 44 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const y = (v: number) => pad.t + ih - ((Math.min(Math.max(v, m.min), m.max) - m.min) / (m.max - m.min || 1)) * ih;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'fc-chart-svg', role: 'img', 'aria-label': m.title ?? '图表' });
  for (const t of m.ticks) {
    root.appendChild(svg('line', { x1: pad.l, x2: W - pad.r, y1: y(t), y2: y(t), stroke: '#e5e6eb', 'stroke-width': 1 }));
    root.appendChild(svg('text', { x: pad.l - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'fc-axis' }, fmt(t)));
  }
  const band = iw / m.categories.length;
  const rotate = m.categories.length > 8 || m.categories.some((c) => c.length * 13 > band);
  m.categories.forEach((c, i) => {
    const cx = pad.l + band * i + band / 2;
    const label = c.length > 8 ? `${c.slice(0, 7)}…` : c;
    root.appendChild(svg('text', rotate ? { x: cx, y: H - pad.b + 14, 'text-anchor': 'end', transform: `rotate(-35 ${cx} ${H - pad.b + 14})`, class: 'fc-axis' } : { x: cx, y: H - pad.b + 18, 'text-anchor': 'middle', class: 'fc-axis' }, label));
  });
  const n = m.series.length;
  m.series.forEach((s, si) => {
    const color = SERIES[si % SERIES.length];
    if (m.kind === 'line') {
      const pts = s.values.map((v, i) => (v === null ? null : `${pad.l + band * i + band / 2},${y(v)}`)).filter(Boolean);
      root.appendChild(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: color, 'stroke-width': 2.5 }));
    }
    s.values.forEach((v, i) => {
      if (v === null) return;
      const bw = Math.min(44, (band * 0.64) / n);
      const x = pad.l + band * i + band / 2 - (bw * n) / 2 + bw * si;
      if (m.kind === 'bar') root.appendChild(svg('rect', { x, y: y(v), width: bw - 2, height: Math.max(0, y(m.min < 0 ? 0 : m.min) - y(v)), rx: 3, fill: color }));
      else root.appendChild(svg('circle', { cx: pad.l + band * i + band / 2, cy: y(v), r: 3.5, fill: color }));
      if (m.labels) root.appendChild(svg('text', { x: m.kind === 'bar' ? x + (bw - 2) / 2 : pad.l + band * i + band / 2, y: y(v) - 5, 'text-anchor': 'middle', class: 'fc-value' }, fmt(v)));
    });
  });
  return root;
}

/** Horizontal bars as rows of HTML: long unit names stay readable on a phone. */
function horizontalBars(m: ChartModel): HTMLElement {
  const span = m.max - m.min || 1;
  return h('div.fc-hbars', null, m.categories.map((c, i) =>
    h('div.fc-hbar', null,
      h('span.fc-hbar-label', null, c),
      h('span.fc-hbar-track', null, m.series.map((s, si) => {
        const v = s.values[i];
        return v === null ? null : h('span.fc-hbar-fill', { style: { width: `${Math.max(0, ((v - m.min) / span) * 100)}%`, background: SERIES[si % SERIES.length] } }, m.labels ? h('b', null, fmt(v)) : null);
      })))));
}
