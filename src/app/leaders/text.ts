import type { LocalDate } from '../../domain/time';

/** `12月5日` */
export function cnDateShort(d: LocalDate): string {
  const [, m, day] = d.split('-').map(Number);
  return `${m}月${day}日`;
}

/** `2026年11月` for a period label `2026-11`, `2026年` for `2026`. */
export function periodText(label: string): string {
  const [y, m] = label.split('-');
  return m ? `${y}年${Number(m)}月` : `${y}年`;
}
