import { DEFAULT_STATES, parseSeedArgs, SeedArgError } from '../../scripts/seed-tasks';

/** scripts/seed-tasks.ts reads its command line before touching any database: bad options are named. */
describe('seed-tasks options', () => {
  const now = new Date('2026-10-15T01:00:00Z');

  test('defaults and every option', () => {
    expect(parseSeedArgs(['--count', '100'], now)).toMatchObject({ count: 100, now, states: DEFAULT_STATES, overdue: 0.15, dueSoon: 0.1, clear: false });
    const o = parseSeedArgs(['--count', '5', '--db', 'bench_1', '--now', '2026-12-01T09:00:00+08:00', '--states', 'in_progress=3,closed=1', '--overdue', '0.5', '--due-soon', '0.2', '--ahead', '30', '--back', '60', '--strict', '0.1', '--seed', '9', '--clear'], now);
    expect(o).toMatchObject({ count: 5, db: 'bench_1', overdue: 0.5, dueSoon: 0.2, ahead: 30, back: 60, strict: 0.1, seed: 9, clear: true });
    expect(o.now.toISOString()).toBe('2026-12-01T01:00:00.000Z');
    expect(o.states).toEqual({ dispatched: 0, in_progress: 3, submitted: 0, closed: 1, cancelled: 0 });
  });

  test.each<[string[], RegExp]>([
    [[], /--count is required/],
    [['--count', '0'], /--count: expected a whole number from 1 to 5000000, got "0"/],
    [['--count', '1.5'], /--count: expected a whole number/],
    [['--count'], /--count: a value is missing/],
    [['--count', '10', '--overdue', '1.5'], /--overdue: expected a number from 0 to 1, got "1.5"/],
    [['--count', '10', '--overdue', '0.7', '--due-soon', '0.5'], /add up to 1.2, more than 1/],
    [['--count', '10', '--states', 'open=3'], /--states: expected weights .* got "open=3"/],
    [['--count', '10', '--states', 'closed=0'], /at least one state needs a weight above 0/],
    [['--count', '10', '--now', '12月1日'], /--now: expected an ISO moment/],
    [['--count', '10', '--db', 'a b'], /--db: expected a database name/],
    [['--count', '10', '--ahead', '3'], /--ahead: expected a whole number from 8 to 3650/],
    [['--count', '10', '--verbose'], /unknown option --verbose/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseSeedArgs(argv, now)).toThrow(SeedArgError);
    expect(() => parseSeedArgs(argv, now)).toThrow(message);
  });
});
