/** Character-level helpers for Chinese office text: full-width forms, Chinese numerals, numbering. */

/** Full-width ASCII forms (ＡＢ１２：（）) and the ideographic space to their half-width forms. */
export function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\u3000\u00A0]/g, ' ');
}

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 十二 → 12, 二十三 → 23, 二〇二六 → 2026; undefined when it is not a Chinese numeral. */
export function cnToInt(s: string): number | undefined {
  if (!s) return undefined;
  if (s.length > 1 && !/[十百]/.test(s)) {
    let out = '';
    for (const ch of s) {
      if (CN_DIGIT[ch] === undefined) return undefined;
      out += CN_DIGIT[ch];
    }
    return Number(out);
  }
  let total = 0;
  let cur = 0;
  for (const ch of s) {
    if (ch === '十' || ch === '百') {
      total += (cur || 1) * (ch === '十' ? 10 : 100);
      cur = 0;
    } else if (CN_DIGIT[ch] !== undefined) cur = CN_DIGIT[ch];
    else return undefined;
  }
  return total + cur;
}

/** Chinese numerals that count something (十二月, 三个工作日, 二〇二六年) become digits. */
export function cnNumeralsToDigits(s: string): string {
  // the look-behind starts a try only at the head of a run of numerals, so a long run costs one pass
  return s.replace(/(?<![零〇一二两三四五六七八九十百])[零〇一二两三四五六七八九十百]+(?=[年月日号个天周季星工])/g, (m) => String(cnToInt(m) ?? m));
}

/** Outline levels of Chinese official documents: 一、 > （一） > 1. > （1） > ①. */
export interface Numbering {
  style: string;
  level: number;
  rest: string; // the line without its number
  number?: number; // the written number of an arabic numbering (1. 1、 (1) 第1项)
}

const CN_NUM = '[一二三四五六七八九十百]+';
const NUMBERINGS: { style: string; level: number; re: RegExp }[] = [
  { style: 'cn-dun', level: 1, re: new RegExp(`^${CN_NUM}\\s*[、.．]\\s*`) },
  { style: 'cn-paren', level: 2, re: new RegExp(`^[（(]\\s*${CN_NUM}\\s*[）)]\\s*`) },
  { style: 'arabic-dot', level: 3, re: /^(\d{1,6})\s*[.．](?!\d)\s*/ },
  { style: 'arabic-dun', level: 3, re: /^(\d{1,6})\s*、\s*/ },
  { style: 'arabic-paren', level: 4, re: /^[（(]\s*(\d{1,6})\s*[）)]\s*/ },
  { style: 'circled', level: 5, re: /^[①-⑳]\s*/ },
  { style: 'item', level: 3, re: /^第\s*(?:(\d{1,6})|[一二三四五六七八九十百]+)\s*[项条]\s*[:：、.．]?\s*/ },
];

export function numbering(line: string): Numbering | undefined {
  for (const n of NUMBERINGS) {
    const m = n.re.exec(line);
    if (m) return { style: n.style, level: n.level, rest: line.slice(m[0].length).trim(), ...(m[1] ? { number: Number(m[1]) } : {}) };
  }
  return undefined;
}

/** Levenshtein distance over code points. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/** Characters of a that also occur in b (each distinct character once). */
export function sharedChars(a: string, b: string): number {
  return new Set([...a].filter((c) => b.includes(c))).size;
}
