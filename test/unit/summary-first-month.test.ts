import { cardText } from '../../src/cards/inspect';
import { monthlySummaryCard } from '../../src/cards/stats-cards';
import { monthlySummary, parsePeriod } from '../../src/domain/summary';
import { DEFAULT_WEIGHTS, emptyTally } from '../../src/domain/ranking';

/** Issue 14 rough edge 8: with no previous month on record, 较上月 shows "—", not −1…−4. */
const tally = (unit: string, closed: number, onTime: number, overdueWorkdays = 0) => ({ ...emptyTally(unit), dispatched: closed + 1, closed, onTime, overdueWorkdays });
const base = { scopeLabel: '全市', month: parsePeriod('2026-11')!, overdueNow: [], agenda: [], unitName: (c: string) => c };
const units = [tally('A', 3, 3), tally('B', 2, 1), tally('C', 1, 0, 4), tally('D', 0, 0, 9), tally('E', 0, 0, 12)];

test('the first month: ranks without a change, and 较上月 says there is nothing to compare', () => {
  const s = monthlySummary({ ...base, tallies: units, prevTallies: units.map((t) => emptyTally(t.unit)) }, DEFAULT_WEIGHTS);
  expect(s.ranking.map((r) => r.change)).toEqual([null, null, null, null, null]);
  expect(s.prev).toBeUndefined();
  const text = cardText(monthlySummaryCard(s));
  expect(text).toContain('较上月：—（首月，上月无数据）');
  expect(text).not.toMatch(/-[1-4]\b/);
});

test('a month with a month before: the change is shown', () => {
  const prev = [tally('A', 0, 0, 5), tally('B', 2, 2), tally('C', 1, 1), tally('D', 0, 0), tally('E', 0, 0)];
  const s = monthlySummary({ ...base, tallies: units, prevTallies: prev }, DEFAULT_WEIGHTS);
  expect(s.ranking.some((r) => r.change !== null && r.change !== 0)).toBe(true);
  expect(s.prev).toBeDefined();
  expect(cardText(monthlySummaryCard(s))).toContain('较上月：派发');
});
