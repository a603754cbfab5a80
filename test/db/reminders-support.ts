import type { OutboxRow } from '../../src/adapters/mongo/models/outbox';
import { cardText } from '../../src/cards/inspect';

/**
 * Reading the reminders job's messages back as short lines, so tests can compare whole sequences:
 * `梅山镇 DB-2026-0001 overdue 已超期 3 个工作日`, `letter 〔2026〕第1号 DB-2026-0001 → ou_off1h`.
 */
type Card = { header?: { title?: { content?: string }; subtitle?: { content?: string }; text_tag_list?: { text: { content: string } }[] } };

const SECTIONS: [RegExp, string][] = [
  [/已超期/, 'overdue'],
  [/即将到期/, 'due'],
  [/催签/, 'sign'],
];

/** The items of a daily digest card: code, section and the light reason of each line. */
export function digestItems(card: unknown): { code: string; kind: string; reason: string; unit?: string }[] {
  const out: { code: string; kind: string; reason: string; unit?: string }[] = [];
  let kind = '';
  const elements = ((card as { body?: { elements?: { tag: string; content?: string }[] } }).body?.elements ?? []).filter((e) => e.tag === 'markdown');
  for (const { content = '' } of elements) {
    const m = /(?:【(.+?)】)?\*\*(DB-\d{4}-\d+)\*\*[^\n]*\n截止 [^，]+，([^，\n]+(?:，进度落后 \d+ 个百分点)?)/.exec(content);
    if (m) out.push({ code: m[2], kind, reason: m[3], unit: m[1] });
    else kind = SECTIONS.find(([re]) => re.test(content))?.[1] ?? kind;
  }
  return out;
}

export function titleOf(card: unknown): string {
  return (card as Card).header?.title?.content ?? '';
}

/** One line per message: who gets what. */
export function describe(row: Pick<OutboxRow, 'to' | 'content' | 'urgentTo'>): string[] {
  const to = row.to?.id ?? '?';
  const card = row.content;
  const title = titleOf(card);
  if (title === '每日督办提醒') {
    const copy = (card as Card).header?.text_tag_list?.some((t) => t.text.content === '抄送督导组') ? 'cc ' : '';
    return digestItems(card).map((i) => `${to} ${copy}${i.unit ? `${i.unit} ` : ''}${i.code} ${i.kind} ${i.reason}`);
  }
  if (title === '督导提示函') {
    const text = cardText(card);
    const code = /（(DB-\d{4}-\d+)）/.exec(text)?.[1];
    return [`${to} letter ${(card as Card).header?.subtitle?.content} ${code}`];
  }
  if (title === '超期事项报告') return [`${to} leader ${(card as Card).header?.subtitle?.content}`];
  if (title === '督办周报') return [`${to} weekly ${(card as Card).header?.subtitle?.content}`];
  return [`${to} ${title || JSON.stringify(card).slice(0, 40)}`];
}
