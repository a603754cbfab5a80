import { HEADER_TEMPLATES } from './common';

/**
 * Feishu card JSON 2.0 limits (docs/feishu.md#cards-and-their-limits), checked before a card is sent
 * or snapshotted. Returns the problems in words; an empty list means the card is fine. Conservative on
 * purpose: where Feishu is vague (the element cap, what counts as nesting) the stricter reading wins.
 */
export const CARD_MAX_BYTES = 30 * 1024;
export const MAX_ELEMENTS = 200; // every object with a `tag`, text elements included
export const MAX_NESTING = 5;
export const MAX_TABLES = 5;
export const MAX_CHARTS = 5;

const TOP_KEYS = new Set(['schema', 'config', 'card_link', 'header', 'body']);
const CONFIG_KEYS = new Set(['streaming_mode', 'streaming_config', 'summary', 'locales', 'enable_forward', 'update_multi', 'width_mode', 'use_custom_translation', 'enable_forward_interaction', 'style']);
const HEADER_KEYS = new Set(['title', 'subtitle', 'text_tag_list', 'i18n_text_tag_list', 'template', 'icon', 'padding', 'i18n_title', 'i18n_subtitle']);
const BODY_KEYS = new Set(['direction', 'padding', 'horizontal_spacing', 'horizontal_align', 'vertical_spacing', 'vertical_align', 'elements']);
const WIDTH_MODES = new Set(['default', 'compact', 'fill']);
/** Containers and the key holding their children. */
const CONTAINERS: Record<string, string> = { column_set: 'columns', column: 'elements', form: 'elements', collapsible_panel: 'elements', interactive_container: 'elements' };
const DISPLAY = ['markdown', 'div', 'hr', 'img', 'img_combination', 'person', 'person_list', 'chart', 'table', 'audio'];
const INTERACTIVE = new Set(['button', 'input', 'overflow', 'select_static', 'multi_select_static', 'select_person', 'multi_select_person', 'date_picker', 'picker_time', 'picker_datetime', 'select_img', 'checker']);
const COMPONENTS = new Set([...Object.keys(CONTAINERS), ...DISPLAY, ...INTERACTIVE]);
const FORM_ONLY = new Set(['multi_select_static', 'multi_select_person']);
const LEGACY = new Set(['action', 'note', 'field', 'select_menu', 'datepicker']);
const ELEMENT_ID = /^[A-Za-z]\w{0,19}$/;
const CHART_RATIOS = new Set(['1:1', '2:1', '4:3', '16:9']);
const JS_LIKE = /^\s*(function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface CardStats {
  bytes: number;
  elements: number;
  tables: number;
  charts: number;
  depth: number;
}

export function cardBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

export function checkCard(card: unknown): string[] {
  return inspectCard(card).problems;
}

export function inspectCard(card: unknown): { problems: string[]; stats: CardStats } {
  const c = new Checker();
  c.run(card);
  return { problems: c.problems, stats: c.stats };
}

class Checker {
  problems: string[] = [];
  stats: CardStats = { bytes: 0, elements: 0, tables: 0, charts: 0, depth: 0 };
  private names = new Map<string, string>();
  private ids = new Set<string>();

  private bad(msg: string): void {
    this.problems.push(msg);
  }

  run(card: unknown): void {
    if (!isObj(card)) return this.bad('the card is not a JSON object');
    this.stats.bytes = cardBytes(card);
    if (this.stats.bytes > CARD_MAX_BYTES) this.bad(`too big: ${this.stats.bytes} bytes (max ${CARD_MAX_BYTES})`);
    for (const k of Object.keys(card)) if (!TOP_KEYS.has(k)) this.bad(`unknown top-level key "${k}"`);
    if (card.schema !== '2.0') this.bad('schema must be "2.0"');
    this.config(card.config);
    if (card.header !== undefined) this.header(card.header);
    const body = card.body;
    if (!isObj(body) || !Array.isArray(body.elements)) this.bad('body.elements must be a list');
    else {
      for (const k of Object.keys(body)) if (!BODY_KEYS.has(k)) this.bad(`unknown key body.${k}`);
      this.elements(body.elements, 'body', 0, false);
    }
    this.dollarKeys(card, '');
    this.stats.elements = countTagged(card);
    if (this.stats.elements > MAX_ELEMENTS) this.bad(`too many elements: ${this.stats.elements} (max ${MAX_ELEMENTS})`);
    if (this.stats.tables > MAX_TABLES) this.bad(`too many tables: ${this.stats.tables} (max ${MAX_TABLES})`);
    if (this.stats.charts > MAX_CHARTS) this.bad(`too many charts: ${this.stats.charts} (max ${MAX_CHARTS})`);
  }

  private config(cfg: unknown): void {
    if (!isObj(cfg)) return this.bad('config is missing (update_multi must be true)');
    for (const k of Object.keys(cfg)) if (!CONFIG_KEYS.has(k)) this.bad(`unknown key config.${k}`);
    if (cfg.update_multi !== true) this.bad('config.update_multi must be true');
    if (cfg.width_mode !== undefined && !WIDTH_MODES.has(String(cfg.width_mode))) this.bad(`config.width_mode "${String(cfg.width_mode)}" is not allowed`);
    if (cfg.summary !== undefined && !(isObj(cfg.summary) && typeof cfg.summary.content === 'string')) this.bad('config.summary.content must be text');
  }

  private header(h: unknown): void {
    if (!isObj(h)) return this.bad('header must be an object');
    for (const k of Object.keys(h)) if (!HEADER_KEYS.has(k)) this.bad(`unknown key header.${k}`);
    if (!isText(h.title)) this.bad('header.title must be a plain_text or lark_md text');
    if (h.subtitle !== undefined && !isText(h.subtitle)) this.bad('header.subtitle must be a text');
    if (h.template !== undefined && !(HEADER_TEMPLATES as readonly string[]).includes(String(h.template))) this.bad(`header colour "${String(h.template)}" is not allowed`);
    if (h.text_tag_list !== undefined) {
      if (!Array.isArray(h.text_tag_list)) return this.bad('header.text_tag_list must be a list');
      if (h.text_tag_list.length > 3) this.bad(`header has ${h.text_tag_list.length} tags (Feishu shows 3)`);
      for (const t of h.text_tag_list) if (!isObj(t) || t.tag !== 'text_tag' || !isText(t.text)) this.bad('header.text_tag_list holds something that is not a text_tag');
    }
  }

  private elements(list: unknown, at: string, depth: number, inForm: boolean): void {
    if (!Array.isArray(list)) return this.bad(`${at} must be a list`);
    list.forEach((el, i) => this.element(el, `${at}[${i}]`, depth, inForm));
  }

  private element(el: unknown, at: string, depth: number, inForm: boolean): void {
    if (!isObj(el) || typeof el.tag !== 'string') return this.bad(`${at} is not a component (no tag)`);
    const tag = el.tag;
    if (LEGACY.has(tag)) return this.bad(`${at}: "${tag}" is a JSON 1.0 tag, not allowed in 2.0`);
    if (!COMPONENTS.has(tag)) return this.bad(`${at}: unknown tag "${tag}"`);
    if (typeof el.element_id === 'string') {
      if (!ELEMENT_ID.test(el.element_id)) this.bad(`${at}: bad element_id "${el.element_id}"`);
      if (this.ids.has(el.element_id)) this.bad(`${at}: element_id "${el.element_id}" is used twice`);
      this.ids.add(el.element_id);
    }
    if (INTERACTIVE.has(tag)) this.interactive(el, tag, at, inForm);
    if (tag === 'markdown' && typeof el.content !== 'string') this.bad(`${at}: markdown content must be text`);
    if (tag === 'table') this.table(el, at, depth);
    if (tag === 'chart') this.chart(el, at);
    if (tag === 'form') {
      if (depth > 0 || inForm) this.bad(`${at}: a form may only sit at the root of the body`);
      this.name(el, at, true);
      if (!hasSubmit(el.elements)) this.bad(`${at}: a form needs a submit button`);
    }
    const childKey = CONTAINERS[tag];
    if (childKey) {
      const d = depth + 1;
      this.stats.depth = Math.max(this.stats.depth, d);
      if (d > MAX_NESTING) this.bad(`${at}: containers nested ${d} deep (max ${MAX_NESTING})`);
      if (tag === 'column_set') {
        if (!Array.isArray(el.columns)) return this.bad(`${at}: column_set needs columns`);
        el.columns.forEach((col, i) => {
          if (!isObj(col) || col.tag !== 'column') this.bad(`${at}.columns[${i}] is not a column`);
          else this.element(col, `${at}.columns[${i}]`, d, inForm);
        });
      } else if (el[childKey] !== undefined) this.elements(el[childKey], `${at}.${childKey}`, d, inForm || tag === 'form');
    }
  }

  private interactive(el: Obj, tag: string, at: string, inForm: boolean): void {
    if (inForm) this.name(el, at, true);
    else {
      if (el.name !== undefined) this.name(el, at, false);
      if (FORM_ONLY.has(tag)) this.bad(`${at}: ${tag} only works inside a form`);
      if (el.required !== undefined) this.bad(`${at}: "required" only works inside a form`);
      if (el.form_action_type !== undefined) this.bad(`${at}: form_action_type outside a form`);
    }
    if (tag === 'button') {
      for (const k of ['value', 'url', 'multi_url', 'action_type']) if (k in el) this.bad(`${at}: button "${k}" is JSON 1.0; use behaviors`);
      if (el.behaviors !== undefined && !(Array.isArray(el.behaviors) && el.behaviors.every((b) => isObj(b) && typeof b.type === 'string'))) this.bad(`${at}: bad behaviors`);
      if (!inForm && el.behaviors === undefined) this.bad(`${at}: a button outside a form needs behaviors`);
      if (isObj(el.text) && typeof el.text.content === 'string' && Array.from(el.text.content).length > 100) this.bad(`${at}: button text over 100 characters`);
    }
    if (tag === 'input' && el.max_length !== undefined) {
      const n = el.max_length;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1000) this.bad(`${at}: input max_length must be 1–1000`);
    }
    if ((tag === 'select_static' || tag === 'multi_select_static') && !Array.isArray(el.options)) this.bad(`${at}: ${tag} needs options`);
    if (isObj(el.placeholder) && typeof el.placeholder.content === 'string' && Array.from(el.placeholder.content).length > 100) this.bad(`${at}: placeholder over 100 characters`);
  }

  private name(el: Obj, at: string, required: boolean): void {
    const n = el.name;
    if (typeof n !== 'string' || !n) {
      if (required) this.bad(`${at}: ${String(el.tag)} inside a form needs a name`);
      return;
    }
    const seen = this.names.get(n);
    if (seen) this.bad(`${at}: name "${n}" is already used at ${seen}`);
    else this.names.set(n, at);
  }

  private table(el: Obj, at: string, depth: number): void {
    this.stats.tables++;
    if (depth > 0) this.bad(`${at}: a table may only sit at the root of the body`);
    const ps = el.page_size;
    if (ps !== undefined && (typeof ps !== 'number' || !Number.isInteger(ps) || ps < 1 || ps > 10)) this.bad(`${at}: table page_size must be 1–10`);
    if (!Array.isArray(el.columns)) return this.bad(`${at}: table needs columns`);
    if (el.columns.length > 50) this.bad(`${at}: table has ${el.columns.length} columns (max 50)`);
    for (const col of el.columns) if (!isObj(col) || typeof col.name !== 'string') this.bad(`${at}: a table column needs a name`);
    if (el.rows !== undefined && !Array.isArray(el.rows)) this.bad(`${at}: table rows must be a list`);
  }

  private chart(el: Obj, at: string): void {
    this.stats.charts++;
    if (!isObj(el.chart_spec)) return this.bad(`${at}: chart needs a chart_spec object`);
    if (typeof el.chart_spec.type !== 'string') this.bad(`${at}: chart_spec needs a type`);
    if (el.aspect_ratio !== undefined && !CHART_RATIOS.has(String(el.aspect_ratio))) this.bad(`${at}: aspect_ratio must be 1:1, 2:1, 4:3 or 16:9`);
    const js = findString(el.chart_spec, (s) => JS_LIKE.test(s));
    if (js !== null) this.bad(`${at}: chart_spec holds JavaScript ("${js.slice(0, 30)}"); cards take no JS`);
  }

  private dollarKeys(v: unknown, at: string): void {
    if (Array.isArray(v)) v.forEach((x, i) => this.dollarKeys(x, `${at}[${i}]`));
    else if (isObj(v))
      for (const [k, x] of Object.entries(v)) {
        if (k.startsWith('$')) this.bad(`template directive left in the card: ${at}.${k}`);
        this.dollarKeys(x, `${at}.${k}`);
      }
  }
}

function isText(t: unknown): boolean {
  return isObj(t) && (t.tag === 'plain_text' || t.tag === 'lark_md') && typeof t.content === 'string';
}

function hasSubmit(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasSubmit);
  if (!isObj(v)) return false;
  if (v.tag === 'button' && v.form_action_type === 'submit') return true;
  return hasSubmit(v.elements) || hasSubmit(v.columns);
}

/** Every object with a `tag`, outside chart specs and table rows (which are data). */
function countTagged(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countTagged(x), 0);
  if (!isObj(v)) return 0;
  let n = typeof v.tag === 'string' ? 1 : 0;
  for (const [k, x] of Object.entries(v)) if (k !== 'chart_spec' && k !== 'rows') n += countTagged(x);
  return n;
}

function findString(v: unknown, test: (s: string) => boolean): string | null {
  if (typeof v === 'string') return test(v) ? v : null;
  const items = Array.isArray(v) ? v : isObj(v) ? Object.values(v) : [];
  for (const x of items) {
    const f = findString(x, test);
    if (f !== null) return f;
  }
  return null;
}
