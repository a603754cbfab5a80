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
  const parts: Part[] = [];
  let paraNo = 0;
  let tableNo = 0;
  const lists: { ordered: boolean; n: number }[] = [];
  // Word numbering goes on across paragraphs between the items, which end mammoth's <ol>: the top level counts on
  let topN = 0;
  let buf: string | null = null; // the text of the block being read
  // table state (nested tables are flattened into their cell's text)
  let depth = 0;
  let rows: Cell[][] = [];
  let row: Cell[] | null = null;
  let cell: Cell | null = null;

  const endBlock = () => {
    if (buf === null) return;
    const text = buf.replace(/[ \t]+/g, ' ').replace(/ ?\n ?/g, '\n').trim();
    buf = null;
    if (!text) return;
    if (cell) cell.text.push(text);
    else parts.push({ kind: 'para', text, where: `第${++paraNo}段` });
  };

  const re = /<(\/?)([a-z][a-z0-9]*)((?:\s[^>]*)?)>|([^<]+)/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[4] !== undefined) {
      const t = decode(m[4]);
      if (buf !== null) buf += t;
      else if (t.trim()) buf = t; // text outside any block: its own paragraph
      continue;
    }
    const closing = m[1] === '/';
    const tag = m[2].toLowerCase();
    const attr = (name: string) => Number(new RegExp(`${name}="(\\d+)"`).exec(m![3])?.[1] ?? 1);
    if (tag === 'table') {
      endBlock();
      if (!closing && ++depth === 1) rows = [];
      if (closing && --depth === 0) parts.push({ kind: 'table', where: `第${++tableNo}个表格`, rows: gridRows(rows, tableNo) });
      continue;
    }
    if (depth > 1) {
      // a table inside a cell: its text joins the cell's, line by line
      if (tag === 'br' || (closing && (BLOCK.has(tag) || tag === 'tr'))) buf = buf !== null ? `${buf}\n` : buf;
      if (!closing && (BLOCK.has(tag) || tag === 'td' || tag === 'th') && buf === null) buf = '';
      if (!closing && (tag === 'td' || tag === 'th') && buf) buf += ' ';
      continue;
    }
    if (tag === 'tr' && depth === 1) {
      if (!closing) rows.push((row = []));
      else row = null;
      continue;
    }
    if ((tag === 'td' || tag === 'th') && depth === 1) {
      if (!closing && row) row.push((cell = { text: [], colspan: attr('colspan'), rowspan: attr('rowspan') }));
      else {
        endBlock();
        cell = null;
      }
      continue;
    }
    if (tag === 'ol' || tag === 'ul') {
      endBlock();
      if (!closing) lists.push({ ordered: tag === 'ol', n: !lists.length && tag === 'ol' ? topN : 0 });
      else {
        const list = lists.pop();
        if (list?.ordered && !lists.length) topN = list.n;
      }
      continue;
    }
    if (tag === 'br') {
      if (buf !== null) buf += '\n';
      continue;
    }
    if (BLOCK.has(tag)) {
      endBlock();
      if (!closing) {
        buf = '';
        if (tag === 'li') {
          const list = lists[lists.length - 1];
          if (list?.ordered) buf = lists.length === 1 ? `${++list.n}. ` : `（${++list.n}）`;
        }
      }
    }
  }
  endBlock();
  return parts;
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
