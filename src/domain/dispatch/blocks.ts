import { fieldKind, KNOWN_KEYS, normKey } from './fields';
import { count, SPACE, type Steps } from './steps';
import { numbering, type Numbering } from './text';
import type { RawField, RawParse, RawTask } from './types';

/** A `key：value` line (also `【key】value` and `key<TAB>value`), split where another known key follows inline. */
export function keyLine(line: string, steps?: Steps): { fields: RawField[]; unknownKey: boolean } | undefined {
  count(steps, Math.min(line.length, 16));
  // the key is at most 14 characters before the first colon or tab: no pattern here can backtrack far
  const m = /^【([^】]{1,14})】(.*)$/s.exec(line) ?? /^([^:：\t]{1,14})(?:[:：]|\t)(.*)$/s.exec(line);
  if (!m) return undefined;
  const key = normKey(m[1]);
  const kind = fieldKind(key);
  if (!kind) {
    const keyLike = key.length > 0 && key.length <= 10 && !/[，。、；,.;()（）“”"'!?！？]/.test(key) && !line.includes('\t');
    return keyLike ? { fields: [{ kind: 'ignored', key, value: m[2].trim() }], unknownKey: true } : undefined;
  }
  return { fields: splitInline(m[1].trim(), m[2], steps), unknownKey: false };
}

const SEPARATORS = ';；,，。' + SPACE;
// one separator, then a known key and its colon; the run of separators before it is found by walking back
const INLINE_KEY = new RegExp(`[;；,，。\\s](${KNOWN_KEYS.join('|')})\\s*[:：]`, 'g');

/** The next inline `，责任单位：` at or after `from`: where its separators start, where its value starts, and its key. */
function nextInlineKey(text: string, from: number, steps?: Steps): { start: number; end: number; key: string } | undefined {
  INLINE_KEY.lastIndex = from;
  const m = INLINE_KEY.exec(text);
  count(steps, (m ? m.index + m[0].length : text.length) - from);
  if (!m) return undefined;
  let start = m.index;
  while (start > from && SEPARATORS.includes(text[start - 1])) start--;
  return { start, end: m.index + m[0].length, key: m[1] };
}

/** 责任单位：梅山镇；完成时限：12月15日前 → two fields. */
function splitInline(key: string, value: string, steps?: Steps): RawField[] {
  const out: RawField[] = [];
  let curKey = key;
  let from = 0;
  for (let m = nextInlineKey(value, 0, steps); m; m = nextInlineKey(value, m.end, steps)) {
    out.push({ kind: fieldKind(curKey)!, key: normKey(curKey), value: value.slice(from, m.start).trim() });
    curKey = m.key;
    from = m.end;
  }
  out.push({ kind: fieldKind(curKey)!, key: normKey(curKey), value: value.slice(from).trim() });
  return out;
}

interface Block {
  line: number; // index of its first line in the text, so a file's reader can say where it is
  num?: Numbering;
  title?: string;
  description: string[];
  fields: RawField[];
  last?: RawField;
}

const hasFields = (b: Block): boolean => b.fields.some((f) => f.kind !== 'ignored');

function addLine(b: Block, t: string, first: boolean, steps?: Steps): void {
  const kl = keyLine(t, steps);
  if (first && kl?.unknownKey) setTitle(b, t, steps); // 1. 茂盛路征迁：完成剩余3户签约
  else if (kl && !(kl.unknownKey && b.last?.kind === 'content')) {
    b.fields.push(...kl.fields);
    b.last = kl.fields[kl.fields.length - 1];
  } else if (b.last) b.last.value = b.last.value ? `${b.last.value}\n${t}` : t;
  else if (first) setTitle(b, t, steps);
  else b.description.push(t);
}

/** `…（责任单位：梅山镇；完成时限：12月15日前）。` at the end of a line: where the bracket opens and what it holds. */
function trailingParen(text: string): { index: number; inner: string } | undefined {
  let e = text.length;
  while (e > 0 && SPACE.includes(text[e - 1])) e--;
  if (e > 0 && '。.;；'.includes(text[e - 1])) e--;
  while (e > 0 && SPACE.includes(text[e - 1])) e--;
  if (e === 0 || !')）'.includes(text[e - 1])) return undefined;
  const close = e - 1;
  const open = Math.max(text.lastIndexOf('(', close), text.lastIndexOf('（', close));
  if (open < 0) return undefined;
  const inner = text.slice(open + 1, close);
  if (inner.includes(')') || inner.includes('）') || !(inner.includes(':') || inner.includes('：'))) return undefined;
  return { index: open, inner };
}

/** The numbered line's text: a trailing （责任单位：…；完成时限：…） holds fields, text after the first 。 is content. */
function setTitle(b: Block, text: string, steps?: Steps): void {
  let title = text;
  count(steps, text.length);
  const paren = trailingParen(title);
  const inline = paren && keyLine(paren.inner, steps);
  if (paren && inline && !inline.unknownKey) {
    title = title.slice(0, paren.index);
    b.fields.push(...inline.fields);
  }
  const inlineKey = nextInlineKey(title, 0, steps); // 1、茂盛路征迁扫尾，责任单位：梅山镇，完成时限：12月15日前
  if (inlineKey) {
    b.fields.push(...splitInline(inlineKey.key, title.slice(inlineKey.end), steps));
    title = title.slice(0, inlineKey.start);
  }
  const stop = title.search(/[。；;]/);
  if (stop >= 0) {
    const rest = title.slice(stop + 1).trim();
    if (rest) b.description.push(rest);
    title = title.slice(0, stop);
  }
  b.title = title.trim();
}

function segment(text: string, steps?: Steps): Block[] {
  const blocks: Block[] = [];
  let cur: Block | undefined;
  let lineNo = -1;
  for (const line of text.split('\n')) {
    lineNo++;
    count(steps, line.length);
    const t = line.trim();
    if (!t) {
      cur = undefined;
      continue;
    }
    const num = numbering(t);
    // a numbered line deeper than the block's own number, inside a 要求, is a sub-item of that 要求
    const subItem = num && cur?.last?.kind === 'content' && num.level > (cur.num?.level ?? 0);
    if (num && !subItem) {
      cur = { line: lineNo, num, description: [], fields: [] };
      blocks.push(cur);
      addLine(cur, num.rest, true, steps);
    } else if (cur) addLine(cur, t, false, steps);
    else {
      cur = { line: lineNo, description: [], fields: [] };
      blocks.push(cur);
      addLine(cur, t, true, steps);
    }
  }
  return blocks;
}

/** `1. 推进…`, a blank line, then its untitled fields: one block. */
function joinDetachedTitles(blocks: Block[]): Block[] {
  const out: Block[] = [];
  for (const b of blocks) {
    const prev = out[out.length - 1];
    if (prev?.num && !hasFields(prev) && !b.num && !b.title && hasFields(b) && !b.fields.some((f) => f.kind === 'title')) {
      prev.description.push(...b.description);
      prev.fields.push(...b.fields);
    } else out.push(b);
  }
  return out;
}

/**
 * Blocks → raw tasks. A block without fields is a heading (一、重点项目推进) or preamble and is skipped, unless
 * blocks numbered the same way carry fields: then it is a task whose fields are missing.
 */
export function parseBlocks(text: string, categories: string[], steps?: Steps): RawParse {
  const blocks = joinDetachedTitles(segment(text, steps));
  const taskStyles = new Set(blocks.filter(hasFields).map((b) => b.num?.style));
  const headings: { level: number; category?: string }[] = [];
  const tasks: RawTask[] = [];
  for (const b of blocks) {
    const isTask = hasFields(b) || (b.num && taskStyles.has(b.num.style));
    const level = b.num?.level ?? 99;
    while (headings.length && headings[headings.length - 1].level >= level) headings.pop();
    if (!isTask) {
      if (b.num) headings.push({ level, category: categories.find((c) => c !== '其他' && (b.title ?? '').includes(c)) });
      continue;
    }
    const headingCategory = [...headings].reverse().find((h) => h.category)?.category;
    tasks.push({
      ref: `第${tasks.length + 1}项`,
      form: 'block',
      line: b.line,
      ...(b.title ? { title: b.title } : {}),
      ...(b.num?.number !== undefined ? { number: b.num.number } : {}),
      ...(b.description.length ? { description: b.description.join('\n') } : {}),
      fields: b.fields,
      ...(headingCategory ? { headingCategory } : {}),
    });
  }
  return { tasks, problems: [] };
}
