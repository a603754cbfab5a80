import fs from 'node:fs';
import path from 'node:path';
import { PATHS } from '../paths';

/**
 * The card template engine: JSON templates in `cards/` filled with typed data, so wording and layout
 * change without touching logic. Deliberately tiny — there are no expressions:
 *
 * - `${a.b}` inside a string is replaced by the value's text. Where the string is the `content` of an
 *   object whose `tag` is `markdown` or `lark_md`, the text is escaped first (escapeMarkdown), so a
 *   title with `*`, `[x](y)` or `<at id=all>` renders literally and cannot reach anybody.
 * - A string that is exactly `${path}` takes the value itself (object, array, number, boolean), e.g. a
 *   button's callback value — except under a `content` key, which is always text. A `null` value
 *   drops the property (or array slot); a missing one throws.
 * - `"$if": "path"` on an object keeps it only when the value is truthy (an empty array is falsy);
 *   on an array item it drops the item, on an object property it drops the property.
 * - `"$each": "path", "$as": "item"` on an array item repeats that item per element of the list, with
 *   `item` in scope (a `$if` beside it is checked per item). With `"$splice": [...]` instead of the
 *   item's own keys, every element of `$splice` is rendered per item and spliced in; `$each` alone
 *   (no `$as`) splices the list's values in unchanged.
 * The output never holds a `$` key: anything left over is an error.
 */
export type Vars = Record<string, unknown>;
export type Card = Record<string, unknown>;

export class CardTemplateError extends Error {}

const PATH = '[A-Za-z_]\\w*(?:\\.\\w+)*';
const WHOLE = new RegExp(`^\\$\\{(${PATH})\\}$`);
const PART = new RegExp(`\\$\\{(${PATH})\\}`, 'g');
const NAME = /^[A-Za-z_]\w*$/;
const MARKDOWN_TAGS = new Set(['markdown', 'lark_md']);
const REMOVE = Symbol('remove');
type Out = unknown | typeof REMOVE;
type Scope = Record<string, unknown>;
type Mode = 'value' | 'text' | 'markdown';

export function renderTemplate(template: unknown, vars: Vars, name = 'template'): Card {
  const r = new Renderer(name);
  const out = r.node(template, [vars], 'value', '');
  if (out === REMOVE || !isObject(out)) throw new CardTemplateError(`${name}: the template must render to an object`);
  const stray = findDollarKey(out, '');
  if (stray) throw new CardTemplateError(`${name}: "${stray}" is left in the output`);
  return out;
}

class Renderer {
  constructor(private readonly name: string) {}

  /** `mode`: 'markdown' escapes, 'text' forces text (any `content` key), 'value' lets `${x}` keep its type. */
  node(n: unknown, scopes: Scope[], mode: Mode, at: string): Out {
    if (typeof n === 'string') return this.text(n, scopes, mode, at);
    if (Array.isArray(n)) return this.array(n, scopes, at);
    if (isObject(n)) return this.object(n, scopes, at);
    return n;
  }

  private fail(at: string, what: string): never {
    throw new CardTemplateError(`${this.name}${at ? ` at ${at}` : ''}: ${what}`);
  }

  private text(s: string, scopes: Scope[], mode: Mode, at: string): Out {
    const markdown = mode === 'markdown';
    const whole = mode === 'value' ? WHOLE.exec(s) : null;
    if (whole) {
      const v = lookup(whole[1], scopes);
      if (v === undefined) this.fail(at, `missing \${${whole[1]}}`);
      if (v === null) return REMOVE;
      if (typeof v === 'string') return markdown ? escapeMarkdown(v) : v;
      return JSON.parse(JSON.stringify(v)) as unknown;
    }
    return s.replace(PART, (_, p: string, offset: number) => {
      const v = lookup(p, scopes);
      if (v === undefined || v === null) this.fail(at, `missing \${${p}}`);
      if (typeof v === 'object') this.fail(at, `\${${p}} is not text`);
      const t = String(v);
      return markdown ? escapeMarkdown(t, offset === 0 || s[offset - 1] === '\n') : t;
    });
  }

  private object(o: Record<string, unknown>, scopes: Scope[], at: string): Out {
    for (const k of Object.keys(o)) if (k.startsWith('$') && k !== '$if') this.fail(at, `${k} is only allowed on an array item`);
    if ('$if' in o && !this.condition(o.$if, scopes, at)) return REMOVE;
    const markdown = typeof o.tag === 'string' && MARKDOWN_TAGS.has(o.tag);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === '$if') continue;
      const r = this.node(v, scopes, k !== 'content' ? 'value' : markdown ? 'markdown' : 'text', `${at}.${k}`);
      if (r !== REMOVE) out[k] = r;
    }
    return out;
  }

  private array(items: unknown[], scopes: Scope[], at: string): unknown[] {
    const out: unknown[] = [];
    items.forEach((item, i) => {
      const where = `${at}[${i}]`;
      if (isObject(item) && '$each' in item) {
        out.push(...this.each(item, scopes, where));
        return;
      }
      const r = this.node(item, scopes, 'value', where);
      if (r !== REMOVE) out.push(r);
    });
    return out;
  }

  private each(item: Record<string, unknown>, scopes: Scope[], at: string): unknown[] {
    const { $each, $as, $splice, ...rest } = item;
    if (typeof $each !== 'string' || !new RegExp(`^${PATH}$`).test($each)) this.fail(at, '$each needs a path');
    const list = lookup($each, scopes);
    if (list === undefined) this.fail(at, `missing \${${$each}}`);
    if (!Array.isArray(list)) this.fail(at, `$each ${$each} is not a list`);
    if ($as === undefined) {
      if ($splice !== undefined || Object.keys(rest).length) this.fail(at, '$each without $as splices the list itself and takes nothing else');
      return JSON.parse(JSON.stringify(list)) as unknown[];
    }
    if (typeof $as !== 'string' || !NAME.test($as)) this.fail(at, '$as needs a name');
    const out: unknown[] = [];
    for (const value of list) {
      const inner = [...scopes, { [$as]: value }];
      if ($splice !== undefined) {
        if (!Array.isArray($splice)) this.fail(at, '$splice must be a list');
        const keys = Object.keys(rest).filter((k) => k !== '$if');
        if (keys.length) this.fail(at, `$splice takes no other keys (${keys.join(', ')})`);
        if ('$if' in rest && !this.condition(rest.$if, inner, at)) continue;
        out.push(...this.array($splice, inner, at));
      } else {
        const r = this.object(rest, inner, at);
        if (r !== REMOVE) out.push(r);
      }
    }
    return out;
  }

  private condition(p: unknown, scopes: Scope[], at: string): boolean {
    if (typeof p !== 'string') this.fail(at, '$if needs a path');
    const v = lookup(p, scopes);
    return Array.isArray(v) ? v.length > 0 : Boolean(v);
  }
}

function lookup(p: string, scopes: Scope[]): unknown {
  const [head, ...rest] = p.split('.');
  for (let i = scopes.length - 1; i >= 0; i--) {
    if (!Object.prototype.hasOwnProperty.call(scopes[i], head)) continue;
    let v: unknown = scopes[i][head];
    for (const k of rest) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[k];
    }
    return v;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function findDollarKey(v: unknown, at: string): string | null {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const f = findDollarKey(v[i], `${at}[${i}]`);
      if (f) return f;
    }
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith('$')) return `${at}.${k}`;
      const f = findDollarKey(x, `${at}.${k}`);
      if (f) return f;
    }
  }
  return null;
}

/**
 * Escapes text for Feishu markdown with HTML numeric entities (the form Feishu documents): inline
 * syntax everywhere (`* _ ~ \` [ ] < > | \ $ &`, and `:` before a letter, which could start an emoji
 * code such as `:OK:`), block syntax at a line's start (`# - + =`, `1.`), and leading blanks (which
 * would start a code block) are dropped. `atLineStart` false: the text's first line continues a line
 * of the template, so only inline syntax matters there.
 */
export function escapeMarkdown(s: string, atLineStart = true): string {
  return s
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line, i) => {
      let l = line.replace(/[&<>*_~`[\]|\\$]|:(?=[A-Za-z])/g, (c) => `&#${c.charCodeAt(0)};`);
      if (i === 0 && !atLineStart) return l;
      l = l.replace(/^[ \t\u00a0]+/, '');
      l = l.replace(/^[#\-+=]/, (c) => `&#${c.charCodeAt(0)};`);
      l = l.replace(/^(\d+)([.)])/, (_, d: string, c: string) => `${d}&#${c.charCodeAt(0)};`);
      return l;
    })
    .join('\n');
}

const TEMPLATE_DIR = PATHS.cards;
const cache = new Map<string, unknown>();

/** The template `cards/<name>.json`, read once. */
export function loadTemplate(name: string): unknown {
  if (!NAME.test(name.replace(/-/g, '_'))) throw new CardTemplateError(`bad template name: ${name}`);
  let t = cache.get(name);
  if (t === undefined) {
    t = JSON.parse(fs.readFileSync(path.join(TEMPLATE_DIR, `${name}.json`), 'utf8')) as unknown;
    cache.set(name, t);
  }
  return t;
}

export function renderCard(name: string, vars: Vars): Card {
  return renderTemplate(loadTemplate(name), vars, `cards/${name}.json`);
}
