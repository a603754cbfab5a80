/**
 * The markdown of Feishu cards (docs/feishu.md#card-components) as a small syntax tree: bold, italic, strike-through,
 * inline code, links, `<font color>`, `<text_tag>`, `<at>`, lists, headings, quotes, code blocks,
 * rules, and line breaks (a single newline is a line break in Feishu). Pure, so it is unit-tested.
 *
 * Entities are decoded only inside text, after the syntax is read: the card templates escape people's
 * words as `&#42;` etc. precisely so that they cannot become markup, and they must stay literal here.
 */
export type Inline =
  | { t: 'text'; v: string }
  | { t: 'b' | 'i' | 's'; c: Inline[] }
  | { t: 'code'; v: string }
  | { t: 'link'; href: string; c: Inline[] }
  | { t: 'font'; color: string; c: Inline[] }
  | { t: 'tag'; color: string; v: string }
  | { t: 'at'; id: string }
  | { t: 'img'; alt: string }
  | { t: 'br' };

export type Block =
  | { t: 'p'; c: Inline[] }
  | { t: 'h'; level: number; c: Inline[] }
  | { t: 'ul'; items: Inline[][] }
  | { t: 'ol'; start: number; items: Inline[][] }
  | { t: 'quote'; c: Inline[] }
  | { t: 'code'; v: string }
  | { t: 'hr' };

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** Where the matching close tag of `<name …>` starting its content at `from` is, nesting counted. */
function closing(s: string, from: number, name: string): number {
  const open = new RegExp(`<${name}\\b[^>]*>`, 'gi');
  const close = new RegExp(`</${name}>`, 'gi');
  let depth = 1;
  let i = from;
  for (;;) {
    close.lastIndex = i;
    const c = close.exec(s);
    if (!c) return -1;
    open.lastIndex = i;
    const o = open.exec(s);
    if (o && o.index < c.index) {
      depth++;
      i = o.index + o[0].length;
      continue;
    }
    if (--depth === 0) return c.index;
    i = c.index + c[0].length;
  }
}

const attr = (tag: string, name: string) => new RegExp(`${name}\\s*=\\s*(?:'([^']*)'|"([^"]*)"|([^\\s>/]+))`, 'i').exec(tag)?.slice(1).find((x) => x !== undefined) ?? '';

export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ t: 'text', v: decodeEntities(text) });
    text = '';
  };
  const push = (node: Inline) => {
    flush();
    out.push(node);
  };
  let i = 0;
  while (i < s.length) {
    const rest = s.slice(i);
    let m: RegExpExecArray | null;
    if (rest[0] === '<') {
      if ((m = /^<br\s*\/?>/i.exec(rest))) {
        push({ t: 'br' });
        i += m[0].length;
        continue;
      }
      if ((m = /^<at\b[^>]*>\s*<\/at>/i.exec(rest)) || (m = /^<at\b[^>]*\/>/i.exec(rest))) {
        push({ t: 'at', id: attr(m[0], '(?:id|user_id)') });
        i += m[0].length;
        continue;
      }
      if ((m = /^<(font|text_tag)\b[^>]*>/i.exec(rest))) {
        const name = m[1].toLowerCase();
        const end = closing(s, i + m[0].length, name);
        if (end >= 0) {
          const inner = s.slice(i + m[0].length, end);
          const color = attr(m[0], 'color');
          push(name === 'font' ? { t: 'font', color, c: parseInline(inner) } : { t: 'tag', color, v: decodeEntities(inner.replace(/<[^<>]*>/g, '')) });
          i = end + `</${name}>`.length;
          continue;
        }
      }
    }
    if (rest.startsWith('**') || rest.startsWith('~~')) {
      const mark = rest.slice(0, 2);
      const end = s.indexOf(mark, i + 2);
      if (end > i + 2) {
        push({ t: mark === '**' ? 'b' : 's', c: parseInline(s.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if (rest[0] === '*' && (m = /^\*([^\s*](?:[^*\n]*[^\s*])?)\*/.exec(rest))) {
      push({ t: 'i', c: parseInline(m[1]) });
      i += m[0].length;
      continue;
    }
    if (rest[0] === '`' && (m = /^`([^`\n]+)`/.exec(rest))) {
      push({ t: 'code', v: m[1] });
      i += m[0].length;
      continue;
    }
    if ((m = /^!\[([^\]\n]*)\]\(([^)\s]*)\)/.exec(rest))) {
      push({ t: 'img', alt: decodeEntities(m[1]) });
      i += m[0].length;
      continue;
    }
    if ((m = /^\[([^\]\n]+)\]\(([^)\s]+)\)/.exec(rest))) {
      const href = decodeEntities(m[2]);
      if (SAFE_URL.test(href)) push({ t: 'link', href, c: parseInline(m[1]) });
      else text += m[0];
      i += m[0].length;
      continue;
    }
    if (rest[0] === '\n') {
      push({ t: 'br' });
      i++;
      continue;
    }
    text += rest[0];
    i++;
  }
  flush();
  return out;
}

/** Splits content into blocks; a paragraph keeps its single newlines as line breaks. */
export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const endPara = () => {
    if (para.length) blocks.push({ t: 'p', c: parseInline(para.join('\n')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m: RegExpExecArray | null;
    if (/^```/.test(line)) {
      endPara();
      const body: string[] = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) body.push(lines[i]);
      blocks.push({ t: 'code', v: body.join('\n') });
      continue;
    }
    if ((m = /^(#{1,6})\s+(\S.*)?$/.exec(line))) {
      endPara();
      blocks.push({ t: 'h', level: m[1].length, c: parseInline(m[2] ?? '') });
      continue;
    }
    if (/^\s*(-{3,}|\*{3,})\s*$/.test(line)) {
      endPara();
      blocks.push({ t: 'hr' });
      continue;
    }
    if ((m = /^\s*[-*+]\s+(\S.*)?$/.exec(line))) {
      endPara();
      const last = blocks[blocks.length - 1];
      if (last?.t === 'ul') last.items.push(parseInline(m[1] ?? ''));
      else blocks.push({ t: 'ul', items: [parseInline(m[1] ?? '')] });
      continue;
    }
    if ((m = /^\s*(\d{1,3})\.\s+(\S.*)?$/.exec(line))) {
      endPara();
      const last = blocks[blocks.length - 1];
      if (last?.t === 'ol') last.items.push(parseInline(m[2] ?? ''));
      else blocks.push({ t: 'ol', start: Number(m[1]), items: [parseInline(m[2] ?? '')] });
      continue;
    }
    if ((m = /^>\s?(.*)$/.exec(line))) {
      endPara();
      blocks.push({ t: 'quote', c: parseInline(m[1]) });
      continue;
    }
    para.push(line);
  }
  endPara();
  return blocks;
}

/** The text a person reads (for previews and tests). */
export function plainText(nodes: Inline[]): string {
  return nodes.map((n) => (n.t === 'text' || n.t === 'code' || n.t === 'tag' ? n.v : n.t === 'br' ? '\n' : n.t === 'at' ? `@${n.id}` : n.t === 'img' ? '[图片]' : plainText(n.c))).join('');
}
