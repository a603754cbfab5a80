import { matchUnit } from '../../domain/dispatch';
import type { Org } from '../../domain/org';
import { isLocalDate, type LocalDate } from '../../domain/time';
import { limitMessage, overLimit } from '../../limits';

/**
 * The 现场处置 form on a visit card (fields `decision`, `units`, `deadline`; docs/rules.md#on-site-visits),
 * pure: a decision, its units (the first leads) and a deadline from today on. All or nothing: every
 * problem is named by the field's Chinese label.
 */
export const SETTLE_LABEL = { decision: '现场处置决定', units: '责任单位', deadline: '完成时限' } as const;

export type SettleParse = { ok: true; decision: string; units: string[]; deadline: LocalDate } | { ok: false; problems: string[] };

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : Array.isArray(v) ? v.map(text).join('、') : '');

export function parseSettleForm(form: Record<string, unknown>, o: { org: Org; today: LocalDate }): SettleParse {
  const L = SETTLE_LABEL;
  const decision = text(form.decision).trim();
  const deadline = text(form.deadline).trim().slice(0, 10);
  const names = text(form.units).split(/[、，,;；\s]+/).filter(Boolean);
  const problems: string[] = [];
  if (!decision) problems.push(`请填写${L.decision}`);
  else if (overLimit('titleChars', [...decision].length)) problems.push(limitMessage('titleChars', [...decision].length, L.decision));
  const units: string[] = [];
  for (const n of names) {
    const u = matchUnit(n, o.org);
    if (!u.ok) problems.push(`${L.units}：${u.message}`);
    else if (!units.includes(u.unit.code)) units.push(u.unit.code);
  }
  if (!names.length) problems.push(`请填写${L.units}`);
  else if (overLimit('unitsPerItem', units.length)) problems.push(limitMessage('unitsPerItem', units.length, L.units));
  if (!isLocalDate(deadline)) problems.push(`请选择${L.deadline}`);
  else if (deadline < o.today) problems.push(`${L.deadline} ${deadline} 已过去`);
  return problems.length ? { ok: false, problems } : { ok: true, decision, units, deadline };
}
