/**
 * A tiny DOM helper: `h('div.card', {onclick}, child, …)`. Text always goes in as text nodes, never as
 * HTML, so nothing a person or a card writes can add markup to the page.
 */
export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (ev: Event) => void;
export type Attrs = Record<string, string | number | boolean | Handler | null | undefined | Partial<CSSStyleDeclaration>>;

export function h<K extends keyof HTMLElementTagNameMap>(spec: K | `${K}.${string}` | `${K}#${string}`, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(spec: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement;
export function h(spec: string, attrs?: Attrs | null, ...children: Child[]): HTMLElement {
  const [tagAndId, ...classes] = spec.split('.');
  const [tag, id] = tagAndId.split('#');
  const el = document.createElement(tag || 'div');
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as Handler);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'class') el.className = [el.className, String(v)].filter(Boolean).join(' ');
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else if (k === 'checked' && 'checked' in el) (el as HTMLInputElement).checked = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Node, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
}

export function $(sel: string, root: ParentNode = document): HTMLElement {
  const el = root.querySelector(sel);
  if (!el) throw new Error(`missing element ${sel}`);
  return el as HTMLElement;
}

/** Tints for Feishu's colour names (header templates, text tags, `<font color>`). */
export const PALETTE: Record<string, { bg: string; fg: string }> = {
  blue: { bg: '#e1eaff', fg: '#245bdb' },
  wathet: { bg: '#d9f3fd', fg: '#0877a3' },
  turquoise: { bg: '#d5f6f2', fg: '#078372' },
  green: { bg: '#d9f5d6', fg: '#237b19' },
  lime: { bg: '#eef6c6', fg: '#5a7d00' },
  yellow: { bg: '#faf1d1', fg: '#8f6900' },
  orange: { bg: '#feead2', fg: '#b25a00' },
  red: { bg: '#fde2e2', fg: '#d12f28' },
  carmine: { bg: '#fde2ee', fg: '#b6175f' },
  violet: { bg: '#f8def8', fg: '#9a2ba8' },
  purple: { bg: '#ece2fe', fg: '#6425d0' },
  indigo: { bg: '#e0e4ff', fg: '#3541c4' },
  grey: { bg: '#eff0f1', fg: '#646a73' },
  gray: { bg: '#eff0f1', fg: '#646a73' },
  neutral: { bg: '#eff0f1', fg: '#51565d' },
  default: { bg: '#ffffff', fg: '#1f2329' },
};

/** A colour name (`red`, `red-600`, `grey`) or `#rrggbb` as CSS, or undefined when it is neither. */
export function cssColor(name: string | undefined, part: 'fg' | 'bg' = 'fg'): string | undefined {
  if (!name) return undefined;
  if (/^#[0-9a-f]{3,8}$/i.test(name)) return name;
  const base = name.toLowerCase().replace(/-\d+$/, '');
  return PALETTE[base]?.[part];
}

// ---- toasts and dialogs ------------------------------------------------------------------------

let toastBox: HTMLElement | undefined;

/** A Feishu-like toast: success / info / warning / error, shown for a few seconds. */
export function toast(content: string, type: 'success' | 'info' | 'warning' | 'error' = 'info', ms = 3200): void {
  toastBox ??= document.body.appendChild(h('div.toasts', { role: 'status', 'aria-live': 'polite' }));
  const icon = { success: '✓', info: 'ℹ', warning: '!', error: '✕' }[type] ?? 'ℹ';
  const el = h(`div.toast.toast-${type}`, { 'data-type': type }, h('span.toast-icon', null, icon), h('span.toast-text', null, content));
  toastBox.appendChild(el);
  setTimeout(() => {
    el.classList.add('leaving');
    setTimeout(() => el.remove(), 300);
  }, ms);
}

/** A modal confirm (a card button's `confirm`): resolves true on 确定. */
export function confirmDialog(title: string, text: string, okText = '确定'): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      overlay.remove();
      document.removeEventListener('keydown', onKey);
      resolve(v);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') done(false);
    };
    const ok = h('button.btn.btn-primary_filled', { type: 'button', onclick: () => done(true) }, okText);
    const overlay = h(
      'div.overlay',
      { onclick: (e: Event) => e.target === overlay && done(false) },
      h('div.dialog', { role: 'dialog', 'aria-modal': 'true', 'aria-label': title },
        h('div.dialog-title', null, title),
        h('div.dialog-text', null, text),
        h('div.dialog-actions', null, h('button.btn.btn-default', { type: 'button', onclick: () => done(false) }, '取消'), ok)),
    );
    document.body.appendChild(overlay);
    document.addEventListener('keydown', onKey);
    ok.focus();
  });
}

/** Downloads a blob under a file name (exports fetched with the admin token). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, style: { display: 'none' } });
  document.body.appendChild(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
    a.remove();
  }, 1000);
}
