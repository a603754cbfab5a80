import { chineseDaysSource } from '../../src/adapters/chinese-days-source';
import { WorkCalendar } from '../../src/domain/calendar';
import { reminderWindow, ReminderInputError, remindersDue, signDeadline, type ReminderInput } from '../../src/domain/reminders';
import type { TaskState } from '../../src/domain/task';
import { addDays, localDate, startOfDay, zonedInstant } from '../../src/domain/time';
import { reminderQueries } from '../../src/features/reminders/job';

/**
 * The ladder (docs/rules.md#reminders-and-letters) through 2026-09-14 … 10-31: 中秋 09-25..27 off, 国庆 10-01..07 off, and the
 * 调休 workdays Sunday 09-20 and Saturday 10-10. Each day is a run of the job; once-kinds are kept as
 * claims would keep them, so each line is what goes out that day.
 */
const TZ = 'Asia/Shanghai';
const cal = new WorkCalendar(chineseDaysSource());
const at = (day: string, time = '09:00') => zonedInstant(day, time, TZ);

interface Plan {
  task: ReminderInput;
  /** The state from a day on (signing, submitting, closing), and deadline changes (extensions). */
  changes?: { from: string; state?: TaskState; deadline?: string }[];
}

function ladder(p: Plan, from = '2026-09-14', to = '2026-10-31'): string[] {
  const out: string[] = [];
  const claimed = new Set<string>();
  for (let day = from; day <= to; day = addDays(day, 1)) {
    if (!cal.isWorkday(day)) continue; // the job skips days off
    const t = { ...p.task };
    for (const c of p.changes ?? []) if (day >= c.from) Object.assign(t, c.state ? { state: c.state } : {}, c.deadline ? { deadline: c.deadline } : {});
    const kinds = remindersDue(t, day, TZ, cal).filter((d) => !claimed.has(d.key) && claimed.add(d.key));
    if (kinds.length) out.push(`${day.slice(5)} ${kinds.map((d) => (d.kind === 'overdue' ? `overdue${d.overdueWorkdays}` : d.kind)).join(' ')}`);
  }
  return out;
}

const base = (over: Partial<ReminderInput>): ReminderInput => ({ code: 'DB-2026-0001', state: 'in_progress', deadline: '2026-09-30', dispatchedAt: at('2026-09-14', '10:00'), strict: false, ...over });

describe('the ladder through the National Day holiday', () => {
  test('due 09-30, signed on 09-15 after one 催签: T-3 before 中秋, due day, overdue daily, 提示函 on Saturday 10-10, leader at 7', () => {
    expect(ladder({ task: base({ state: 'dispatched' }), changes: [{ from: '2026-09-16', state: 'in_progress' }] }, '2026-09-14', '2026-10-16')).toEqual([
      '09-15 sign',
      '09-24 due3', // 09-28, 09-29, 09-30 are the three workdays left
      '09-29 due1',
      '09-30 due0',
      '10-08 overdue1',
      '10-09 overdue2',
      '10-10 overdue3 letter',
      '10-12 overdue4',
      '10-13 overdue5',
      '10-14 overdue6',
      '10-15 overdue7 leader',
      '10-16 overdue8',
    ]);
  });

  test('due Friday 10-09, signed only on 09-16: 催签 every workday until then', () => {
    expect(ladder({ task: base({ state: 'dispatched', deadline: '2026-10-09' }), changes: [{ from: '2026-09-17', state: 'in_progress' }] }, '2026-09-14', '2026-10-19')).toEqual([
      '09-15 sign',
      '09-16 sign',
      '09-29 due3',
      '10-08 due1', // the next workday after 09-30 is 10-08: 1 workday before
      '10-09 due0',
      '10-10 overdue1',
      '10-12 overdue2',
      '10-13 overdue3 letter',
      '10-14 overdue4',
      '10-15 overdue5',
      '10-16 overdue6',
      '10-19 overdue7 leader',
    ]);
  });

  test('催签 one workday after dispatch: dispatched Friday 09-18 evening, reminded on the 调休 Sunday 09-20', () => {
    expect(ladder({ task: base({ state: 'dispatched', dispatchedAt: at('2026-09-18', '17:30'), deadline: '2026-11-30' }) }, '2026-09-18', '2026-09-22')).toEqual(['09-20 sign', '09-21 sign', '09-22 sign']);
  });

  test('a deadline on a holiday (10-03): the due-day reminder on the last workday before it', () => {
    expect(ladder({ task: base({ deadline: '2026-10-03' }) }, '2026-09-20', '2026-10-10')).toEqual(['09-24 due3', '09-29 due1', '09-30 due0', '10-08 overdue1', '10-09 overdue2', '10-10 overdue3 letter']);
  });

  test('strict urging (有所不为): every rung a workday earlier', () => {
    expect(ladder({ task: base({ deadline: '2026-10-16', strict: true }) }, '2026-10-08', '2026-10-27')).toEqual([
      '10-12 due3', // 4 workdays before
      '10-14 due1', // 2 before
      '10-15 due0',
      '10-16 due0',
      '10-19 overdue1',
      '10-20 overdue2 letter',
      '10-21 overdue3',
      '10-22 overdue4',
      '10-23 overdue5',
      '10-26 overdue6 leader',
      '10-27 overdue7',
    ]);
  });

  test('an approved extension starts the ladder again: a second letter for the new deadline', () => {
    const plan: Plan = { task: base({ deadline: '2026-09-30' }), changes: [{ from: '2026-10-12', deadline: '2026-10-20' }] };
    expect(ladder(plan, '2026-10-08', '2026-10-23')).toEqual(['10-08 overdue1', '10-09 overdue2', '10-10 overdue3 letter', '10-15 due3', '10-19 due1', '10-20 due0', '10-21 overdue1', '10-22 overdue2', '10-23 overdue3 letter']);
    const keys = ['2026-10-10', '2026-10-23'].map((d) => remindersDue({ ...plan.task, deadline: d === '2026-10-10' ? '2026-09-30' : '2026-10-20' }, d, TZ, cal).find((x) => x.kind === 'letter')!.key);
    expect(keys).toEqual(['DB-2026-0001:letter:2026-09-30', 'DB-2026-0001:letter:2026-10-20']);
  });

  test('submitted, closed and cancelled tasks get nothing; a task closed mid-way stops', () => {
    for (const state of ['submitted', 'closed', 'cancelled'] as const) expect(ladder({ task: base({ state, deadline: '2026-09-20' }) })).toEqual([]);
    expect(ladder({ task: base({}), changes: [{ from: '2026-10-09', state: 'closed' }] }, '2026-09-28')).toEqual(['09-29 due1', '09-30 due0', '10-08 overdue1']);
  });

  test('daily kinds are keyed by day, once-kinds by the deadline in force', () => {
    const due = remindersDue(base({ state: 'dispatched' }), '2026-10-15', TZ, cal);
    expect(due.map((d) => d.key)).toEqual(['DB-2026-0001:sign:2026-10-15', 'DB-2026-0001:overdue:2026-10-15', 'DB-2026-0001:letter:2026-09-30', 'DB-2026-0001:leader:2026-09-30']);
  });
});

describe('letters and leader reports are offered only past the last day a run went through', () => {
  const kinds = (t: ReminderInput, today: string, since?: string) => remindersDue(t, today, TZ, cal, undefined, since).map((d) => d.kind);
  const late = base({ deadline: '2026-09-30' }); // 3 overdue on 10-10, 7 on 10-15

  test('a long-overdue task is not offered them again every day', () => {
    expect(kinds(late, '2026-10-20')).toEqual(['overdue', 'letter', 'leader']);
    expect(kinds(late, '2026-10-20', '2026-10-19')).toEqual(['overdue']);
    expect(kinds(late, '2026-10-15', '2026-10-14')).toEqual(['overdue', 'leader']); // 6 on 10-14: the leader's day is today
    expect(kinds(late, '2026-10-10', '2026-10-09')).toEqual(['overdue', 'letter']);
    expect(kinds(late, '2026-10-10', '2026-10-10')).toEqual(['overdue']); // run again the same day
  });

  test('after an outage both are offered; a task made strict on the way is not missed', () => {
    expect(kinds(late, '2026-10-16', '2026-10-08')).toEqual(['overdue', 'letter', 'leader']);
    // strict from 10-10: its letter was due at 2 (10-09), when the task was not strict yet
    expect(kinds({ ...late, strict: true }, '2026-10-10', '2026-10-09')).toEqual(['overdue', 'letter']);
  });

  test('a bad day is refused', () => {
    expect(() => remindersDue(late, '2026-10-20', TZ, cal, undefined, '10-19')).toThrow('the day "10-19" is not a date (YYYY-MM-DD)');
  });
});

describe('the job reads every task that can be owed something', () => {
  /** A tiny evaluator of the job's filter ($or, $in, $lt, equality), to check the window against the ladder. */
  const matches = (doc: Record<string, unknown>, q: Record<string, unknown>): boolean =>
    Object.entries(q).every(([k, cond]) => {
      if (k === '$or') return (cond as Record<string, unknown>[]).some((c) => matches(doc, c));
      const v = doc[k] as string | Date;
      if (cond && typeof cond === 'object' && !(cond instanceof Date)) {
        const c = cond as { $in?: unknown[]; $lt?: string | Date };
        return (c.$in === undefined || c.$in.includes(v)) && (c.$lt === undefined || v < c.$lt);
      }
      return v === cond;
    });

  test('no task that the ladder owes something is left out, on any day of the two months, by either plan', () => {
    let owed = 0;
    for (let today = '2026-09-01'; today <= '2026-10-31'; today = addDays(today, 1)) {
      const one = reminderQueries(today, cal, TZ, 'one');
      const split = reminderQueries(today, cal, TZ, 'split');
      for (let d = -12; d <= 12; d++) {
        for (const state of ['dispatched', 'in_progress', 'submitted'] as const) {
          for (const strict of [false, true]) {
            const t = base({ state, strict, deadline: addDays(today, d), dispatchedAt: at(addDays(today, -((d + 40) % 5)), '16:00') });
            const doc = t as unknown as Record<string, unknown>;
            const read = one.some((q) => matches(doc, q));
            expect({ today, t, split: split.some((q) => matches(doc, q)) }).toEqual({ today, t, split: read }); // the same tasks either way
            if (!remindersDue(t, today, TZ, cal).length) continue;
            owed++;
            expect({ today, t, read }).toMatchObject({ read: true });
          }
        }
      }
    }
    expect(owed).toBeGreaterThan(1000);
  });

  test('the window: 5 workdays ahead, and 催签 from the latest workday', () => {
    expect(reminderWindow('2026-09-30', cal)).toEqual({ deadlineBefore: '2026-10-13', signDispatchedBefore: '2026-09-30' });
    expect(reminderWindow('2026-10-03', cal)).toEqual({ deadlineBefore: '2026-10-13', signDispatchedBefore: '2026-09-30' });
    expect(localDate(startOfDay('2026-09-30', TZ), TZ)).toBe('2026-09-30');
  });
});

describe('bad input', () => {
  test.each<[Partial<ReminderInput>, string, RegExp]>([
    [{ deadline: '2026/09/30' }, '2026-10-08', /DB-2026-0001: deadline "2026\/09\/30" is not a date \(YYYY-MM-DD\)/],
    [{ dispatchedAt: 'yesterday' as unknown as Date }, '2026-10-08', /DB-2026-0001: dispatchedAt "yesterday" is not a moment/],
    [{}, '2026-10-32', /the day "2026-10-32" is not a date/],
  ])('%j on %s is refused', (over, day, message) => {
    expect(() => remindersDue(base(over), day, TZ, cal)).toThrow(ReminderInputError);
    expect(() => remindersDue(base(over), day, TZ, cal)).toThrow(message);
  });
});

describe('the 签收 deadline shown on the card is the day 催签 starts (issue 14, rough edge 17)', () => {
  test.each([
    ['2026-09-14', '2026-09-15'],
    ['2026-09-30', '2026-10-08'],
    ['2026-09-19', '2026-09-20'],
  ])('dispatched %s → 签收 due %s', (day, due) => {
    expect(signDeadline(at(day, '23:30'), TZ, cal)).toBe(due);
    const t: ReminderInput = { code: 'DB-2026-0001', state: 'dispatched', deadline: '2026-12-31', dispatchedAt: at(day, '23:30'), strict: false };
    expect(remindersDue(t, addDays(due, -1), TZ, cal).map((r) => r.kind)).not.toContain('sign');
    expect(remindersDue(t, due, TZ, cal).map((r) => r.kind)).toContain('sign');
  });
});
