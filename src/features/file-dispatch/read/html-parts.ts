import type { Part, TableRow } from './types';

/**
 * mammoth's HTML (a small, regular subset: p, h1–h6, ol/ul/li, table/tr/td/th, br, strong, em, a …)
 * → paragraphs and tables with where each is. Word's automatic numbering becomes <ol><li>, so each
 * item gets its written number back (1. at the top level, (1) below), which the dispatch parser reads.
 */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e.toLowerCase()] ?? m;
  });

const BLOCK = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li']);

interface Cell {
  text: string[];
  colspan: number;
  rowspan: number;
}

export function htmlParts(html: string): Part[] {
  const reader = new HtmlReader();
  const re = /<(\/?)([a-z][a-z0-9]*)((?:\s[^>]*)?)>|([^<]+)/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[4] !== undefined) reader.text(decode(m[4]));
    else reader.tag(m[1] === '/', m[2].toLowerCase(), m[3]);
  }
  reader.endBlock();
  return reader.parts;
}

/** The reader's state as it walks the tags: the block being read, the lists open, the table being read. */
class HtmlReader {
  readonly parts: Part[] = [];
  private paraNo = 0;
  private tableNo = 0;
  private readonly lists: { ordered: boolean; n: number }[] = [];
  /** Word numbering goes on across paragraphs between the items, which end mammoth's <ol>: the top level counts on. */
  private topN = 0;
  /** The text of the block being read. */
  private buf: string | null = null;
  // table state (nested tables are flattened into their cell's text)
  private depth = 0;
  private rows: Cell[][] = [];
  private row: Cell[] | null = null;
  private cell: Cell | null = null;

  endBlock(): void {
    if (this.buf === null) return;
    const text = this.buf.replace(/[ \t]+/g, ' ').replace(/ ?\n ?/g, '\n').trim();
    this.buf = null;
    if (!text) return;
    if (this.cell) this.cell.text.push(text);
    else this.parts.push({ kind: 'para', text, where: `第${++this.paraNo}段` });
  }

  text(t: string): void {
    if (this.buf !== null) this.buf += t;
    else if (t.trim()) this.buf = t; // text outside any block: its own paragraph
  }

  tag(closing: boolean, tag: string, attrs: string): void {
    if (tag === 'table') return this.table(closing);
    if (this.depth > 1) return this.nested(closing, tag);
    if (this.depth === 1 && (tag === 'tr' || tag === 'td' || tag === 'th')) return this.tableCell(closing, tag, attrs);
    if (tag === 'ol' || tag === 'ul') return this.list(closing, tag);
    if (tag === 'br') {
      if (this.buf !== null) this.buf += '\n';
      return;
    }
    if (BLOCK.has(tag)) this.block(closing, tag);
  }

  private table(closing: boolean): void {
    this.endBlock();
    if (!closing && ++this.depth === 1) this.rows = [];
    if (closing && --this.depth === 0) this.parts.push({ kind: 'table', where: `第${++this.tableNo}个表格`, rows: gridRows(this.rows, this.tableNo) });
  }

  /** A table inside a cell: its text joins the cell's, line by line. */
  private nested(closing: boolean, tag: string): void {
    if (tag === 'br' || (closing && (BLOCK.has(tag) || tag === 'tr'))) this.buf = this.buf !== null ? `${this.buf}\n` : this.buf;
    if (!closing && (BLOCK.has(tag) || tag === 'td' || tag === 'th') && this.buf === null) this.buf = '';
    if (!closing && (tag === 'td' || tag === 'th') && this.buf) this.buf += ' ';
  }

  private tableCell(closing: boolean, tag: string, attrs: string): void {
    if (tag === 'tr') {
      if (!closing) this.rows.push((this.row = []));
      else this.row = null;
      return;
    }
    const attr = (name: string) => Number(new RegExp(`${name}="(\\d+)"`).exec(attrs)?.[1] ?? 1);
    if (!closing && this.row) this.row.push((this.cell = { text: [], colspan: attr('colspan'), rowspan: attr('rowspan') }));
    else {
      this.endBlock();
      this.cell = null;
    }
  }

  private list(closing: boolean, tag: string): void {
    this.endBlock();
    if (!closing) this.lists.push({ ordered: tag === 'ol', n: !this.lists.length && tag === 'ol' ? this.topN : 0 });
    else {
      const list = this.lists.pop();
      if (list?.ordered && !this.lists.length) this.topN = list.n;
    }
  }

  private block(closing: boolean, tag: string): void {
    this.endBlock();
    if (closing) return;
    this.buf = '';
    if (tag !== 'li') return;
    const list = this.lists[this.lists.length - 1];
    if (list?.ordered) this.buf = this.lists.length === 1 ? `${++list.n}. ` : `（${++list.n}）`;
  }
}

/** Rows with merged cells spread out: a cell spanning columns leaves the others empty; one spanning rows is repeated below (the same unit or date applies). */
function gridRows(rows: Cell[][], tableNo: number): TableRow[] {
  const carry: { text: string; left: number }[] = [];
  return rows.map((cells, r) => {
    const out: string[] = [];
    let col = 0;
    const fillCarried = () => {
      while (carry[col]?.left > 0) {
        out[col] = carry[col].text;
        carry[col].left--;
        col++;
      }
    };
    for (const c of cells) {
      fillCarried();
      const text = c.text.join('\n');
      out[col] = text;
      if (c.rowspan > 1) carry[col] = { text, left: c.rowspan - 1 };
      col++;
      for (let k = 1; k < c.colspan; k++) out[col++] = '';
    }
    fillCarried();
    return { cells: Array.from(out, (x) => x ?? ''), where: `第${tableNo}个表格第${r + 1}行` };
  });
}
