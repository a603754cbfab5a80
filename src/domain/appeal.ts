/**
 * 申诉: what a unit appeals of one task's score deductions. `申诉 CODE [item] 理由` names one item —
 * `超期`, `退回`, `提示函` (all of the task's letters) or one letter by number (`〔2026〕第3号`, `第3号`) —
 * or, with no item, all of them. An upheld appeal removes just what it named from the ranking.
 */
export type AppealChoice = { kind: 'all' } | { kind: 'overdue' } | { kind: 'returns' } | { kind: 'letters' } | { kind: 'letter'; year?: number; number: number };

/** What the task costs its unit now: workdays overdue, returns at review, letters by id (`2026-3`). */
export interface Deductions {
  overdueWorkdays: number;
  returns: number;
  letters: { id: string; year: number; number: number }[];
}

export interface AppealItems {
  overdueWorkdays: number;
  returns: number;
  letters: string[];
}

const WORDS: Record<string, AppealChoice> = { 超期: { kind: 'overdue' }, 逾期: { kind: 'overdue' }, 退回: { kind: 'returns' }, 提示函: { kind: 'letters' }, 督导提示函: { kind: 'letters' } };

/** Splits an optional item off the front of the reason; the item must stand alone (`超期 理由`, not `超期系…`). */
export function splitAppealItem(text: string): { choice: AppealChoice; reason: string } {
  const t = text.trim();
  const word = /^\S+/.exec(t);
  if (!word) return { choice: { kind: 'all' }, reason: t };
  const head = word[0];
  const rest = t.slice(head.length);
  if (WORDS[head]) return { choice: WORDS[head], reason: rest.trim() };
  const letter = /^(?:〔(\d{4})〕|\[(\d{4})\]|（(\d{4})）|\((\d{4})\))?第(\d{1,5})号$/.exec(head);
  if (letter) {
    const year = letter[1] ?? letter[2] ?? letter[3] ?? letter[4];
    return { choice: { kind: 'letter', year: year ? Number(year) : undefined, number: Number(letter[5]) }, reason: rest.trim() };
  }
  return { choice: { kind: 'all' }, reason: t };
}

/** The items an appeal covers, or why the choice costs the unit nothing. */
export function appealItems(code: string, d: Deductions, c: AppealChoice): { ok: true; items: AppealItems } | { ok: false; message: string } {
  const none: AppealItems = { overdueWorkdays: 0, returns: 0, letters: [] };
  switch (c.kind) {
    case 'all':
      if (!d.overdueWorkdays && !d.returns && !d.letters.length) return { ok: false, message: `${code} 没有超期、退回或督导提示函，不扣分，无需申诉。` };
      return { ok: true, items: { overdueWorkdays: d.overdueWorkdays, returns: d.returns, letters: d.letters.map((l) => l.id) } };
    case 'overdue':
      return d.overdueWorkdays ? { ok: true, items: { ...none, overdueWorkdays: d.overdueWorkdays } } : { ok: false, message: `${code} 没有超期，无需对超期申诉。` };
    case 'returns':
      return d.returns ? { ok: true, items: { ...none, returns: d.returns } } : { ok: false, message: `${code} 没有被退回，无需对退回申诉。` };
    case 'letters':
      return d.letters.length ? { ok: true, items: { ...none, letters: d.letters.map((l) => l.id) } } : { ok: false, message: `${code} 没有督导提示函，无需对提示函申诉。` };
    case 'letter': {
      const hit = d.letters.find((l) => l.number === c.number && (c.year === undefined || l.year === c.year));
      const name = `${c.year ? `〔${c.year}〕` : ''}第${c.number}号`;
      if (!hit) return { ok: false, message: `${code} 没有督导提示函${name}${d.letters.length ? `（该事项的提示函：${d.letters.map((l) => `〔${l.year}〕第${l.number}号`).join('、')}）` : ''}。` };
      return { ok: true, items: { ...none, letters: [hit.id] } };
    }
  }
}

/** What upheld appeals remove from the ranking: overdue and returns by task code, letters by id. */
export interface Exclusions {
  overdue: ReadonlySet<string>;
  returns: ReadonlySet<string>;
  letters: ReadonlySet<string>;
}

export const NO_EXCLUSIONS: Exclusions = { overdue: new Set(), returns: new Set(), letters: new Set() };

export function exclusionsOf(upheld: { code: string; items: AppealItems }[]): Exclusions {
  const e = { overdue: new Set<string>(), returns: new Set<string>(), letters: new Set<string>() };
  for (const a of upheld) {
    if (a.items.overdueWorkdays) e.overdue.add(a.code);
    if (a.items.returns) e.returns.add(a.code);
    for (const l of a.items.letters) e.letters.add(l);
  }
  return e;
}

/** The items in words, for cards and notices: `超期 4 个工作日、督导提示函〔2026〕第3号`. */
export function appealItemsText(items: AppealItems): string {
  const letters = items.letters.map((id) => {
    const [y, n] = id.split('-');
    return `〔${y}〕第${n}号`;
  });
  return [items.overdueWorkdays ? `超期 ${items.overdueWorkdays} 个工作日` : '', items.returns ? `退回 ${items.returns} 次` : '', letters.length ? `督导提示函${letters.join('、')}` : ''].filter(Boolean).join('、');
}

/** The card's footer: what an upheld appeal of these items removes, and what a rejection keeps. */
export function appealFooter(items: AppealItems): string {
  const what = appealItemsText(items) || '所申诉事项';
  const letters = items.letters.length ? `（${items.letters.length > 1 ? '这些提示函' : '该提示函'}视为撤销）` : '';
  return `申诉成立：${what}不再计入排名扣分${letters}；维持原评：计分不变。`;
}
