/**
 * 文号 and links written in a progress report. A document number is the issuer's short name (机关代字,
 * such as 梅政 or 梅政办发), the year in brackets and the number: `梅政〔2026〕12号`. The words before it
 * (`文件见`, `已按`) are not part of it.
 */
const DOC_NO = /[\u4e00-\u9fa5A-Za-z]{0,12}[〔［[(（]\d{4}[〕］\])）]\s?\d{1,6}\s?号/g;
const LINK = /https?:\/\/[^\s，。；、)）]+/g;

// words that end a sentence's lead-in before a document number; the issuer's name follows the last one
const LEAD_INS = ['文件见', '依据', '根据', '按照', '依照', '参照', '对照', '落实', '执行', '贯彻', '印发', '下发', '转发', '详见', '通过', '文件', '按', '见', '据', '以', '已', '于', '即', '是', '为', '和', '及', '与', '的'];

/** `文件见梅政〔2026〕12号` → `梅政〔2026〕12号`: the issuer is what follows the last lead-in word. */
function issuerOf(prefix: string): string {
  let cut = 0;
  for (const w of LEAD_INS) {
    const at = prefix.lastIndexOf(w);
    if (at >= 0 && at + w.length > cut) cut = at + w.length;
  }
  return prefix.slice(cut);
}

export function documentNumbers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(DOC_NO)) {
    const bracket = m[0].search(/[〔［[(（]/);
    const number = m[0].slice(bracket).replace(/\s/g, '');
    out.push(issuerOf(m[0].slice(0, bracket)) + number);
  }
  return out;
}

export function links(text: string): string[] {
  return text.match(LINK) ?? [];
}
