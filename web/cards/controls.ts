/**
 * A card form's fields: input, select, multi-select, date/time pickers. Each registers with its form
 * under its `name`, so the submit button can send `form_value` as Feishu does: strings, except
 * multi-selects (arrays) and date pickers (`2026-12-20 +0800`, docs/feishu.md#card-components).
 */
import { h } from '../lib/dom';
import type { Ctx } from './render';
import { isObj, textOf, type Obj } from './util';

interface Field {
  label: string;
  required: boolean;
  get(): unknown;
  empty(): boolean;
  reset(): void;
  mark(bad: boolean): void;
}

export class FormScope {
  private readonly fields = new Map<string, Field>();
  constructor(readonly name: string) {}

  add(name: string, f: Field): void {
    this.fields.set(name, f);
  }

  /** Labels of required fields left empty (and marks them), as the client blocks such a submit. */
  missing(): string[] {
    const out: string[] = [];
    for (const [name, f] of this.fields) {
      const bad = f.required && f.empty();
      f.mark(bad);
      if (bad) out.push(f.label || name);
    }
    return out;
  }

  values(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, f] of this.fields) out[name] = f.get();
    return out;
  }

  reset(): void {
    for (const f of this.fields.values()) f.reset(), f.mark(false);
  }
}

const placeholderOf = (el: Obj) => textOf(el.placeholder);

function wrap(el: Obj, control: HTMLElement, label: string, required: boolean): HTMLElement {
  const fill = el.width === 'fill' || el.width === undefined;
  return h('label.fc-field', { style: { width: fill ? '100%' : typeof el.width === 'string' ? el.width : '' } },
    label ? h('span.fc-label', null, label, required ? h('span.fc-required', { 'aria-hidden': 'true' }, ' *') : null) : null,
    control);
}

function register(ctx: Ctx, el: Obj, f: Omit<Field, 'label' | 'required'>, label: string): void {
  if (ctx.form && typeof el.name === 'string') ctx.form.add(el.name, { ...f, label, required: el.required === true });
}

export function inputField(el: Obj, ctx: Ctx): HTMLElement {
  const multiline = el.input_type === 'multiline_text';
  const initial = typeof el.default_value === 'string' ? el.default_value : '';
  const attrs = {
    name: typeof el.name === 'string' ? el.name : null,
    placeholder: placeholderOf(el) || null,
    maxlength: typeof el.max_length === 'number' ? el.max_length : null,
    required: el.required === true,
    'aria-label': textOf(el.label) || placeholderOf(el) || String(el.name ?? ''),
  };
  const control = multiline
    ? h('textarea.fc-input', { ...attrs, rows: typeof el.rows === 'number' ? el.rows : 3 })
    : h('input.fc-input', { ...attrs, type: el.input_type === 'password' ? 'password' : 'text' });
  control.value = initial;
  const label = textOf(el.label);
  register(ctx, el, {
    get: () => control.value,
    empty: () => !control.value.trim(),
    reset: () => (control.value = initial),
    mark: (bad) => control.classList.toggle('fc-invalid', bad),
  }, label || placeholderOf(el));
  control.addEventListener('input', () => control.classList.remove('fc-invalid'));
  return wrap(el, control, label, el.required === true);
}

const optionsOf = (el: Obj) => (Array.isArray(el.options) ? el.options.filter(isObj) : []).map((o) => ({ text: textOf(o.text), value: String(o.value ?? '') }));

export function selectField(el: Obj, ctx: Ctx, _multi: boolean): HTMLElement {
  const opts = optionsOf(el);
  const initial = typeof el.initial_option === 'string' ? el.initial_option : '';
  const control = h('select.fc-input', { name: typeof el.name === 'string' ? el.name : null, 'aria-label': placeholderOf(el) || String(el.name ?? '') },
    h('option', { value: '', disabled: true }, placeholderOf(el) || '请选择'),
    opts.map((o) => h('option', { value: o.value }, o.text)));
  control.value = initial;
  control.classList.toggle('fc-empty', !control.value);
  control.addEventListener('change', () => control.classList.toggle('fc-empty', !control.value));
  register(ctx, el, {
    get: () => control.value,
    empty: () => !control.value,
    reset: () => ((control.value = initial), control.classList.toggle('fc-empty', !initial)),
    mark: (bad) => control.classList.toggle('fc-invalid', bad),
  }, placeholderOf(el));
  return wrap(el, control, textOf(el.label), el.required === true && Boolean(textOf(el.label)));
}

/** A drop-down of check boxes; the closed box shows the chosen options as chips. */
export function multiSelectField(el: Obj, ctx: Ctx): HTMLElement {
  const opts = optionsOf(el);
  const initial = Array.isArray(el.selected_values) ? el.selected_values.map(String) : [];
  const chosen = new Set(initial);
  const summary = h('summary.fc-input.fc-multi-summary', { 'aria-label': placeholderOf(el) || String(el.name ?? '') });
  const boxes = opts.map((o) =>
    h('label.fc-multi-option', null,
      h('input', { type: 'checkbox', value: o.value, checked: chosen.has(o.value), onchange: (e: Event) => {
        const box = e.target as HTMLInputElement;
        if (box.checked) chosen.add(o.value);
        else chosen.delete(o.value);
        paint();
      } }),
      h('span', null, o.text)),
  );
  const paint = () => {
    summary.textContent = '';
    const picked = opts.filter((o) => chosen.has(o.value));
    if (!picked.length) summary.appendChild(h('span.fc-placeholder', null, placeholderOf(el) || '请选择'));
    for (const o of picked) summary.appendChild(h('span.fc-chip', null, o.text));
    summary.classList.remove('fc-invalid');
  };
  paint();
  const details = h('details.fc-multi', { 'data-name': String(el.name ?? '') }, summary, h('div.fc-multi-list', null, boxes));
  // close when clicking elsewhere, as a drop-down does
  document.addEventListener('click', (e) => {
    if (details.open && !details.contains(e.target as Node)) details.open = false;
  });
  register(ctx, el, {
    get: () => opts.filter((o) => chosen.has(o.value)).map((o) => o.value),
    empty: () => chosen.size === 0,
    reset: () => {
      chosen.clear();
      for (const v of initial) chosen.add(v);
      for (const b of details.querySelectorAll('input')) b.checked = chosen.has(b.value);
      paint();
    },
    mark: (bad) => summary.classList.toggle('fc-invalid', bad),
  }, placeholderOf(el));
  return wrap(el, details, textOf(el.label), false);
}

/** Feishu sends a date as `2026-12-20 +0800`; the card handler reads the first ten characters. */
export function dateField(el: Obj, ctx: Ctx): HTMLElement {
  const kind = el.tag === 'picker_time' ? 'time' : el.tag === 'picker_datetime' ? 'datetime-local' : 'date';
  const initial = String((kind === 'time' ? el.initial_time : kind === 'date' ? el.initial_date : el.initial_datetime) ?? '').replace(' ', 'T');
  const control = h('input.fc-input.fc-date', { type: kind, name: typeof el.name === 'string' ? el.name : null, 'aria-label': placeholderOf(el) || String(el.name ?? ''), required: el.required === true });
  control.value = initial;
  const zone = '+0800';
  register(ctx, el, {
    get: () => (control.value ? `${control.value.replace('T', ' ')} ${zone}` : ''),
    empty: () => !control.value,
    reset: () => (control.value = initial),
    mark: (bad) => control.classList.toggle('fc-invalid', bad),
  }, placeholderOf(el) || '日期');
  control.addEventListener('change', () => control.classList.remove('fc-invalid'));
  return wrap({ ...el, width: el.width ?? 'default' }, control, textOf(el.label), el.required === true && Boolean(textOf(el.label)));
}
