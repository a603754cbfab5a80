/**
 * Reading a rendered card back: its buttons (text, callback value, form), its form fields, its text.
 * For tests — ours and the app's end-to-end tests that "click" a button by its text.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ButtonInfo {
  text: string;
  /** The callback value (first `callback` behavior). */
  value?: Record<string, unknown>;
  name?: string;
  disabled: boolean;
  /** A form's submit button. */
  submit: boolean;
  /** The name of the form it sits in. */
  form?: string;
  confirm: boolean;
}

export interface FieldInfo {
  form: string;
  name: string;
  tag: string;
  required: boolean;
}

function visit(v: unknown, form: string | undefined, fn: (el: Obj, form: string | undefined) => void): void {
  if (Array.isArray(v)) return v.forEach((x) => visit(x, form, fn));
  if (!isObj(v)) return;
  if (typeof v.tag === 'string') fn(v, form);
  const inner = v.tag === 'form' && typeof v.name === 'string' ? v.name : form;
  for (const k of ['elements', 'columns']) if (k in v) visit(v[k], inner, fn);
}

function body(card: unknown): unknown {
  return isObj(card) && isObj(card.body) ? card.body.elements : [];
}

export function cardButtons(card: unknown): ButtonInfo[] {
  const out: ButtonInfo[] = [];
  visit(body(card), undefined, (el, form) => {
    if (el.tag !== 'button') return;
    const behaviors = Array.isArray(el.behaviors) ? el.behaviors : [];
    const cb = behaviors.find((b) => isObj(b) && b.type === 'callback') as Obj | undefined;
    out.push({
      text: isObj(el.text) ? String(el.text.content) : '',
      value: cb && isObj(cb.value) ? cb.value : undefined,
      name: typeof el.name === 'string' ? el.name : undefined,
      disabled: el.disabled === true,
      submit: el.form_action_type === 'submit',
      form,
      confirm: isObj(el.confirm),
    });
  });
  return out;
}

export function findButton(card: unknown, text: string): ButtonInfo | undefined {
  return cardButtons(card).find((b) => b.text === text);
}

/** Named inputs, selects and pickers inside forms (buttons excluded). */
export function formFields(card: unknown): FieldInfo[] {
  const out: FieldInfo[] = [];
  visit(body(card), undefined, (el, form) => {
    if (!form || el.tag === 'button' || el.tag === 'form' || typeof el.name !== 'string') return;
    out.push({ form, name: el.name, tag: String(el.tag), required: el.required === true });
  });
  return out;
}

/** All markdown and plain text of the body, one component per line. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  visit(body(card), undefined, (el) => {
    if (el.tag === 'markdown' && typeof el.content === 'string') out.push(el.content);
    if (el.tag === 'div' && isObj(el.text) && typeof el.text.content === 'string') out.push(el.text.content);
    if (el.tag === 'collapsible_panel' && isObj(el.header) && isObj(el.header.title)) out.push(String(el.header.title.content));
  });
  return out.join('\n');
}
