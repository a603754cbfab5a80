import { LIGHT_EMOJI, LIGHT_LABEL, type Light, type LightColor } from '../domain/lights';
import type { TaskState } from '../domain/task';
import { localParts, type LocalDate } from '../domain/time';

/** Small pieces every card builder shares: colours, light words, dates, lengths. Pure. */

export const DEFAULT_TZ = 'Asia/Shanghai';

export const HEADER_TEMPLATES = ['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default'] as const;
export type HeaderTemplate = (typeof HEADER_TEMPLATES)[number];

/** Header colour by light: red, orange for yellow (a yellow header is hard to read), green; grey without a light. */
export const LIGHT_HEADER: Record<LightColor, HeaderTemplate> = { red: 'red', yellow: 'orange', green: 'green', none: 'grey' };
export const LIGHT_TAG_COLOR: Record<LightColor, string> = { red: 'red', yellow: 'yellow', green: 'green', none: 'neutral' };
export const STATE_TAG_COLOR: Record<TaskState, string> = {
  dispatched: 'blue',
  in_progress: 'wathet',
  submitted: 'violet',
  closed: 'green',
  cancelled: 'neutral',
};
const LIGHT_ORDER: Record<LightColor, number> = { red: 0, yellow: 1, green: 2, none: 3 };

export interface Tag {
  text: string;
  color: string;
}

/** `🔴 红灯` */
export function lightText(c: LightColor): string {
  return `${LIGHT_EMOJI[c]} ${LIGHT_LABEL[c]}`;
}

export function lightTag(light: Pick<Light, 'color'>): Tag | null {
  return light.color === 'none' ? null : { text: lightText(light.color), color: LIGHT_TAG_COLOR[light.color] };
}

/** Sort key: red first, then yellow, green, none. */
export function lightOrder(c: LightColor): number {
  return LIGHT_ORDER[c];
}

export function worstLight(colors: LightColor[]): LightColor {
  return colors.reduce<LightColor>((w, c) => (LIGHT_ORDER[c] < LIGHT_ORDER[w] ? c : w), 'none');
}

/** Counts of red / yellow / green, for summary lines such as `🔴1 🟡3 🟢8`. */
export function lightCounts(colors: LightColor[]): { red: number; yellow: number; green: number; none: number } {
  const n = { red: 0, yellow: 0, green: 0, none: 0 };
  for (const c of colors) n[c]++;
  return n;
}

/** Cuts a text to n characters (code points), marking the cut with …; newlines kept unless flat. */
export function cut(s: string | undefined, n: number, flat = false): string {
  let t = (s ?? '').trim();
  if (flat) t = t.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  const chars = Array.from(t);
  return chars.length <= n ? t : `${chars.slice(0, Math.max(1, n - 1)).join('')}…`;
}

/** `2026年12月15日` */
export function cnDate(d: LocalDate): string {
  const [y, m, day] = d.split('-').map(Number);
  return `${y}年${m}月${day}日`;
}

/** `12月2日`, with the year when it is not today's year. */
export function monthDayText(d: LocalDate, today?: LocalDate): string {
  const [y, m, day] = d.split('-').map(Number);
  return `${today && today.slice(0, 4) === d.slice(0, 4) ? '' : `${y}年`}${m}月${day}日`;
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
/** `12月15日（周二）`, with the year when it is not today's year. */
export function dayText(d: LocalDate, today?: LocalDate): string {
  const [y, m, day] = d.split('-').map(Number);
  const w = WEEKDAYS[new Date(Date.UTC(y, m - 1, day)).getUTCDay()];
  const year = today && today.slice(0, 4) === d.slice(0, 4) ? '' : `${y}年`;
  return `${year}${m}月${day}日（周${w}）`;
}

/** `11-20 09:30` (with the year when it differs from today's). */
export function momentText(at: Date, tz: string, today?: LocalDate): string {
  const p = localParts(at, tz);
  const hm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
  const md = p.date.slice(5);
  return today && today.slice(0, 4) === p.date.slice(0, 4) ? `${md} ${hm}` : `${p.date} ${hm}`;
}

/** `95%`, or `—` when there is nothing to measure. */
export function percentText(r: number | null | undefined): string {
  return r === null || r === undefined || Number.isNaN(r) ? '—' : `${Math.round(r * 1000) / 10}%`;
}

/** `▓▓▓▓▓▓░░░░` — ten cells, one per ten points. */
export function progressBar(p: number): string {
  const n = Math.max(0, Math.min(10, Math.round(p / 10)));
  return '▓'.repeat(n) + '░'.repeat(10 - n);
}

/** `+3` / `-2` / `持平`, or null without a previous value. */
export function changeText(now: number, before: number | undefined | null): string | null {
  if (before === undefined || before === null) return null;
  const d = Math.round((now - before) * 10) / 10;
  return d === 0 ? '持平' : d > 0 ? `+${d}` : `${d}`;
}

/** The chat-list summary (config.summary.content): one line, short. */
export function summaryText(s: string): string {
  return cut(s, 60, true);
}
