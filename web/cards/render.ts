/**
 * Renders a Feishu card (JSON 2.0, docs/feishu.md#card-components) the way the Feishu client shows it: header with colour,
 * subtitle and tags; markdown; columns; buttons (disabled, confirm dialogs); forms with inputs, selects,
 * multi-selects and date pickers; tables; collapsible panels; bar charts. Buttons post what Feishu
 * would post: the button's callback `value`, and for a form's submit button the form's values by name.
 */
import { confirmDialog, cssColor, h, PALETTE, toast, type Child } from '../lib/dom';
import { dateField, FormScope, inputField, multiSelectField, selectField } from './controls';
import { parseMarkdown, type Block, type Inline } from './markdown';
import { isObj, textOf, type Obj } from './util';
import { renderChart, renderTable } from './widgets';


export interface CardHost {
  /** A callback: the button's value, and the form's values when it is a form's submit button. */
  act(value: Obj, form?: Record<string, unknown>): Promise<void>;
  /** How `<at id=…>` shows (a name for an open_id). */
  nameOf?(openId: string): string | undefined;
}

export interface Ctx {
  host: CardHost;
  form?: FormScope;
  card: HTMLElement;
}


const SPACING: Record<string, string> = { small: '4px', medium: '8px', large: '12px', extra_large: '16px' };
const space = (v: unknown): string | undefined => (typeof v === 'string' ? (SPACING[v] ?? (/^\d+px$/.test(v) ? v : undefined)) : undefined);

export function renderCard(card: unknown, host: CardHost): HTMLElement {
  const c = isObj(card) ? card : {};
  const root = h('div.fc-card');
  const config = isObj(c.config) ? c.config : {};
  if (config.width_mode === 'compact') root.classList.add('fc-compact');
  if (c.schema !== '2.0') root.classList.add('fc-v1');
  if (isObj(c.header)) root.appendChild(renderHeader(c.header));
  const body = isObj(c.body) ? c.body : {};
  // a 1.0 card keeps its elements at the top level
  const elements = Array.isArray(body.elements) ? body.elements : Array.isArray(c.elements) ? c.elements : [];
  const bodyEl = h('div.fc-body', { style: { gap: space(body.vertical_spacing) ?? '8px', padding: typeof body.padding === 'string' ? body.padding : '' } });
  const ctx: Ctx = { host, card: root };
  for (const el of elements) appendEl(bodyEl, el, ctx);
  root.appendChild(bodyEl);
  return root;
}

function renderHeader(hd: Obj): HTMLElement {
  const tint = PALETTE[String(hd.template ?? 'default')] ?? PALETTE.default;
  const tags = Array.isArray(hd.text_tag_list) ? hd.text_tag_list.filter(isObj) : [];
  const subtitle = textOf(hd.subtitle);
  return h(
    'div.fc-header',
    { 'data-template': String(hd.template ?? 'default'), style: { background: tint.bg } },
    h('div.fc-title-row', null,
      h('div.fc-title', { style: { color: hd.template && hd.template !== 'default' ? tint.fg : '' } }, textOf(hd.title)),
      tags.map((t) => textTag(textOf(t.text), String(t.color ?? 'neutral')))),
    subtitle ? h('div.fc-subtitle', null, subtitle) : null,
  );
}

export function textTag(text: string, color: string): HTMLElement {
  const c = PALETTE[color] ?? PALETTE.neutral;
  return h('span.fc-tag', { style: { background: c.bg, color: c.fg } }, text);
}

function appendEl(parent: HTMLElement, el: unknown, ctx: Ctx): void {
  const node = renderElement(el, ctx);
  if (node) parent.appendChild(node);
}

export function renderElement(el: unknown, ctx: Ctx): HTMLElement | null {
  if (!isObj(el)) return null;
  switch (el.tag) {
    case 'markdown':
    case 'lark_md':
      return markdownEl(String(el.content ?? ''), ctx, el);
    case 'div':
      return divEl(el, ctx);
    case 'plain_text':
      return h('div.fc-md', null, textOf(el));
    case 'hr':
      return h('hr.fc-hr');
    case 'column_set':
      return columnSet(el, ctx);
    case 'button':
      return button(el, ctx);
    case 'form':
      return form(el, ctx);
    case 'input':
      return inputField(el, ctx);
    case 'select_static':
      return selectField(el, ctx, false);
    case 'multi_select_static':
      return multiSelectField(el, ctx);
    case 'date_picker':
    case 'picker_time':
    case 'picker_datetime':
      return dateField(el, ctx);
    case 'table':
      return renderTable(el, ctx);
    case 'chart':
      return renderChart(el);
    case 'collapsible_panel':
      return collapsible(el, ctx);
    case 'img':
    case 'image':
      return h('div.fc-img', null, '🖼 图片', el.alt ? `：${textOf(el.alt)}` : '');
    case 'action': // 1.0 button row
      return h('div.fc-actions', null, (Array.isArray(el.actions) ? el.actions : []).map((a) => renderElement(a, ctx)));
    case 'note': // 1.0
      return h('div.fc-md.fc-notation', null, (Array.isArray(el.elements) ? el.elements : []).map((e) => textOf(e)).join(' '));
    default:
      return h('div.fc-unknown', null, `（此组件暂不能预览：${String(el.tag)}）`);
  }
}

// ---- text --------------------------------------------------------------------------------------

function markdownEl(src: string, ctx: Ctx, el: Obj): HTMLElement {
  const size = String(el.text_size ?? 'normal');
  const box = h(`div.fc-md.fc-size-${size.replace(/[^a-z_-]/g, '')}`, { style: { textAlign: typeof el.text_align === 'string' ? el.text_align : '' } });
  for (const b of parseMarkdown(src)) box.appendChild(block(b, ctx));
  return box;
}

function divEl(el: Obj, ctx: Ctx): HTMLElement {
  const t = isObj(el.text) ? el.text : {};
  const box = t.tag === 'lark_md' ? markdownEl(String(t.content ?? ''), ctx, t) : h('div.fc-md', null, String(t.content ?? ''));
  const color = cssColor(typeof t.text_color === 'string' ? t.text_color : undefined);
  if (color) box.style.color = color;
  if (typeof t.text_align === 'string') box.style.textAlign = t.text_align;
  return box;
}

function block(b: Block, ctx: Ctx): HTMLElement {
  switch (b.t) {
    case 'p':
      return h('p', null, inline(b.c, ctx));
    case 'h':
      return h(`div.fc-h.fc-h${Math.min(b.level, 4)}`, null, inline(b.c, ctx));
    case 'ul':
      return h('ul', null, b.items.map((it) => h('li', null, inline(it, ctx))));
    case 'ol':
      return h('ol', { start: b.start }, b.items.map((it) => h('li', null, inline(it, ctx))));
    case 'quote':
      return h('blockquote', null, inline(b.c, ctx));
    case 'code':
      return h('pre', null, h('code', null, b.v));
    case 'hr':
      return h('hr.fc-hr');
  }
}

export function inline(nodes: Inline[], ctx: Pick<Ctx, 'host'>): Child[] {
  return nodes.map((n): Child => {
    switch (n.t) {
      case 'text':
        return n.v;
      case 'br':
        return h('br');
      case 'b':
        return h('strong', null, inline(n.c, ctx));
      case 'i':
        return h('em', null, inline(n.c, ctx));
      case 's':
        return h('del', null, inline(n.c, ctx));
      case 'code':
        return h('code', null, n.v);
      case 'link':
        return h('a', { href: n.href, target: '_blank', rel: 'noopener noreferrer' }, inline(n.c, ctx));
      case 'font':
        return h('span', { style: { color: cssColor(n.color) ?? '' } }, inline(n.c, ctx));
      case 'tag':
        return textTag(n.v, n.color || 'neutral');
      case 'at':
        return h('span.fc-at', null, `@${n.id === 'all' ? '所有人' : (ctx.host.nameOf?.(n.id) ?? n.id)}`);
      case 'img':
        return h('span.fc-img', null, `🖼 ${n.alt || '图片'}`);
    }
  });
}

// ---- layout ------------------------------------------------------------------------------------

function columnSet(el: Obj, ctx: Ctx): HTMLElement {
  const mode = String(el.flex_mode ?? 'none');
  const row = h(`div.fc-columns.fc-flex-${mode.replace(/[^a-z_]/g, '')}`, { style: { gap: space(el.horizontal_spacing) ?? '8px' } });
  const bg = typeof el.background_style === 'string' && el.background_style !== 'default' ? cssColor(el.background_style, 'bg') : undefined;
  if (bg) row.style.background = bg;
  for (const col of Array.isArray(el.columns) ? el.columns.filter(isObj) : []) {
    const width = String(col.width ?? 'auto');
    const c = h('div.fc-column', { style: { gap: space(col.vertical_spacing) ?? '4px', justifyContent: ({ center: 'center', bottom: 'flex-end' } as Record<string, string>)[String(col.vertical_align)] ?? '' } });
    if (width === 'weighted') c.style.flex = `${Number(col.weight ?? 1)} 1 0`;
    else if (/^\d+px$/.test(width)) c.style.flex = `0 0 ${width}`;
    else c.style.flex = '0 0 auto';
    const colBg = typeof col.background_style === 'string' && col.background_style !== 'default' ? cssColor(col.background_style, 'bg') : undefined;
    if (colBg) c.classList.add('fc-column-bg'), (c.style.background = colBg);
    for (const child of Array.isArray(col.elements) ? col.elements : []) appendEl(c, child, ctx);
    row.appendChild(c);
  }
  return row;
}

function collapsible(el: Obj, ctx: Ctx): HTMLElement {
  const header = isObj(el.header) ? el.header : {};
  const title = parseMarkdown(textOf(header.title)).flatMap((b) => (b.t === 'p' || b.t === 'h' || b.t === 'quote' ? b.c : []));
  const d = h('details.fc-panel', { open: el.expanded === true }, h('summary.fc-panel-head', null, h('span.fc-md', null, inline(title, ctx))));
  const body = h('div.fc-panel-body', { style: { gap: space(el.vertical_spacing) ?? '8px' } });
  for (const child of Array.isArray(el.elements) ? el.elements : []) appendEl(body, child, ctx);
  d.appendChild(body);
  return d;
}

function form(el: Obj, ctx: Ctx): HTMLElement {
  const f = h('form.fc-form', { 'data-name': String(el.name ?? ''), novalidate: true, onsubmit: (e: Event) => e.preventDefault(), style: { gap: space(el.vertical_spacing) ?? '8px' } });
  const inner: Ctx = { ...ctx, form: new FormScope(String(el.name ?? '')) };
  for (const child of Array.isArray(el.elements) ? el.elements : []) appendEl(f, child, inner);
  return f;
}

// ---- buttons -----------------------------------------------------------------------------------

function button(el: Obj, ctx: Ctx): HTMLElement {
  const type = String(el.type ?? 'default').replace(/[^a-z_]/g, '');
  const disabled = el.disabled === true;
  const behaviors = Array.isArray(el.behaviors) ? el.behaviors.filter(isObj) : [];
  const legacyValue = isObj(el.value) ? el.value : undefined; // 1.0 buttons carry `value` themselves
  const b = h(`button.fc-btn.fc-btn-${type}`, {
    type: 'button',
    disabled,
    'data-size': typeof el.size === 'string' ? el.size : 'medium',
    title: textOf(el.hover_tips) || null,
    style: { width: el.width === 'fill' ? '100%' : '' },
  }, textOf(el.text));
  b.addEventListener('click', async () => {
    if (disabled || ctx.card.classList.contains('fc-busy')) return;
    const scope = ctx.form;
    if (el.form_action_type === 'reset' && scope) return scope.reset();
    let values: Record<string, unknown> | undefined;
    if (el.form_action_type === 'submit' && scope) {
      const missing = scope.missing();
      if (missing.length) {
        toast(`请填写：${missing.join('、')}`, 'warning');
        return;
      }
      values = scope.values();
    }
    if (isObj(el.confirm) && !(await confirmDialog(textOf(el.confirm.title) || '请确认', textOf(el.confirm.text)))) return;
    for (const bh of behaviors) if (bh.type === 'open_url' && typeof bh.default_url === 'string' && /^https?:\/\//.test(bh.default_url)) window.open(bh.default_url, '_blank', 'noopener');
    const value = (behaviors.find((bh) => bh.type === 'callback')?.value as Obj | undefined) ?? legacyValue;
    if (!value) return;
    ctx.card.classList.add('fc-busy');
    b.classList.add('fc-pressed');
    try {
      await ctx.host.act(value, values);
    } finally {
      ctx.card.classList.remove('fc-busy');
      b.classList.remove('fc-pressed');
    }
  });
  return b;
}
