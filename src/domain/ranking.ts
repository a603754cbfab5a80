/**
 * 晾晒比拼 (成果运用, docs/rules.md#summaries-and-ranking): units ranked by the outcome of their tasks only — closed on time,
 * workdays overdue, completion requests returned, 督导提示函 — never by activity, clicks or time online.
 * Pure: tallies in, scores and ranks out. The weights come from config (RANKING_WEIGHTS) with defaults.
 */
export interface RankingWeights {
  base: number;
  onTime: number; // per task closed on or before its deadline in the period
  overdueDay: number; // per workday overdue within the period
  overdueCap: number; // workdays counted per task per period at most
  return: number; // per completion request returned in the period
  letter: number; // per 督导提示函 issued in the period
}

export const DEFAULT_WEIGHTS: RankingWeights = { base: 100, onTime: 2, overdueDay: 1, overdueCap: 10, return: 3, letter: 5 };

const WEIGHT_KEYS = Object.keys(DEFAULT_WEIGHTS) as (keyof RankingWeights)[];

/** `base=100,onTime=2,overdueDay=1,overdueCap=10,return=3,letter=5` (any subset; the rest keep their defaults). */
export function parseWeights(text: string): RankingWeights {
  const w = { ...DEFAULT_WEIGHTS };
  for (const item of text.split(/[,;\s]+/).filter(Boolean)) {
    const m = /^([A-Za-z]+)=(\d+(?:\.\d+)?)$/.exec(item);
    if (!m) throw new Error(`expected entries such as onTime=2 separated by commas, got "${item}"`);
    const key = WEIGHT_KEYS.find((k) => k.toLowerCase() === m[1].toLowerCase());
    if (!key) throw new Error(`unknown weight "${m[1]}"; weights: ${WEIGHT_KEYS.join(', ')}`);
    const v = Number(m[2]);
    if (key === 'overdueCap' && (!Number.isInteger(v) || v < 1)) throw new Error(`overdueCap must be a whole number of workdays, at least 1, got "${m[2]}"`);
    w[key] = v;
  }
  return w;
}

/** What a unit did in a period, as far as the score goes. */
export interface UnitTally {
  unit: string;
  dispatched: number; // tasks dispatched to it in the period (shown, not scored)
  closed: number; // tasks closed in the period
  onTime: number; // of those, closed on or before the deadline in force
  overdueWorkdays: number; // workdays overdue within the period, each task capped at overdueCap
  returns: number;
  letters: number;
}

export function emptyTally(unit: string): UnitTally {
  return { unit, dispatched: 0, closed: 0, onTime: 0, overdueWorkdays: 0, returns: 0, letters: 0 };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function scoreOf(t: UnitTally, w: RankingWeights): number {
  return round1(w.base + w.onTime * t.onTime - w.overdueDay * t.overdueWorkdays - w.return * t.returns - w.letter * t.letters);
}

/** The score written out for one unit, zero terms left out: `100 + 2×3 − 1×4 − 5×1 = 95`. */
export function scoreTerms(t: UnitTally, w: RankingWeights): string {
  const terms = [`${w.base}`];
  if (t.onTime) terms.push(`+ ${w.onTime}×${t.onTime}`);
  if (t.overdueWorkdays) terms.push(`− ${w.overdueDay}×${t.overdueWorkdays}`);
  if (t.returns) terms.push(`− ${w.return}×${t.returns}`);
  if (t.letters) terms.push(`− ${w.letter}×${t.letters}`);
  return `${terms.join(' ')} = ${scoreOf(t, w)}`;
}

export function formulaText(w: RankingWeights): string {
  return `得分 = ${w.base} + ${w.onTime}×按期办结数 − ${w.overdueDay}×超期工作日数（每项每期最多计 ${w.overdueCap} 日） − ${w.return}×退回次数 − ${w.letter}×督导提示函数；申诉成立的扣分项不计；“较上月”为名次升降。`;
}

export interface RankedUnit extends UnitTally {
  rank: number;
  score: number;
  onTimeRate: number | null;
  /** Places moved since the previous period (+ = up), null when it was not ranked then. */
  change: number | null;
}

export function onTimeRate(t: Pick<UnitTally, 'closed' | 'onTime'>): number | null {
  return t.closed ? t.onTime / t.closed : null;
}

/** Score descending, then on-time rate, then unit code; equal scores share a rank (1, 1, 3). */
export function rankUnits(tallies: UnitTally[], w: RankingWeights, previous?: ReadonlyMap<string, number>): RankedUnit[] {
  const rows = tallies.map((t) => ({ ...t, score: scoreOf(t, w), onTimeRate: onTimeRate(t), rank: 0, change: null as number | null }));
  rows.sort((a, b) => b.score - a.score || (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) || a.unit.localeCompare(b.unit));
  rows.forEach((r, i) => {
    r.rank = i > 0 && rows[i - 1].score === r.score ? rows[i - 1].rank : i + 1;
    const before = previous?.get(r.unit);
    r.change = before === undefined ? null : before - r.rank;
  });
  return rows;
}

export function rankMap(rows: Pick<RankedUnit, 'unit' | 'rank'>[]): Map<string, number> {
  return new Map(rows.map((r) => [r.unit, r.rank]));
}
