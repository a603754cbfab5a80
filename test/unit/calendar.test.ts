import { chineseDaysSource } from '../../src/adapters/chinese-days-source';
import { WorkCalendar, type HolidaySource } from '../../src/domain/calendar';
import { addDays, endOfDay, isoWeekday, localDate, zonedInstant } from '../../src/domain/time';

const cal = new WorkCalendar(chineseDaysSource());

describe('workday calendar (China, 2026 National Day)', () => {
  test.each([
    ['2026-09-20', true], // Sunday, adjusted workday (调休)
    ['2026-10-10', true], // Saturday, adjusted workday
    ['2026-10-01', false],
    ['2026-10-04', false],
    ['2026-10-07', false],
    ['2026-10-08', true],
    ['2026-09-19', false], // an ordinary Saturday
    ['2026-09-18', true],
  ])('%s is a workday: %s', (d, expected) => {
    expect(cal.isWorkday(d)).toBe(expected);
  });

  test('addWorkdays skips the holiday and counts the adjusted Saturday', () => {
    expect(cal.addWorkdays('2026-09-30', 1)).toBe('2026-10-08');
    expect(cal.addWorkdays('2026-09-30', 3)).toBe('2026-10-10');
    expect(cal.addWorkdays('2026-10-08', -1)).toBe('2026-09-30');
    expect(cal.addWorkdays('2026-10-08', 0)).toBe('2026-10-08');
  });

  test('workdaysBetween counts (a, b]', () => {
    expect(cal.workdaysBetween('2026-09-30', '2026-10-08')).toBe(1);
    expect(cal.workdaysBetween('2026-09-30', '2026-10-12')).toBe(4); // 8, 9, 10 (Sat), 12
    expect(cal.workdaysBetween('2026-10-12', '2026-09-30')).toBe(-4);
    expect(cal.workdaysBetween('2026-10-05', '2026-10-05')).toBe(0);
  });

  test('a year without holiday data falls back to Mon–Fri, and overrides win', () => {
    expect(cal.uncoveredYears([2026, 2027])).toEqual([2027]);
    expect(cal.isWorkday('2027-03-06')).toBe(false); // Saturday
    expect(cal.isWorkday('2027-03-08')).toBe(true);
    const custom = new WorkCalendar(chineseDaysSource(), { '2027-03-08': false, '2027-03-06': true });
    expect(custom.isWorkday('2027-03-08')).toBe(false);
    expect(custom.isWorkday('2027-03-06')).toBe(true);
  });

  test('pure: any holiday source can be passed in', () => {
    const none: HolidaySource = { hasYear: () => false, lookup: () => undefined };
    const plain = new WorkCalendar(none);
    expect(plain.isWorkday('2026-10-01')).toBe(true); // a Thursday with no data
    expect(plain.nextWorkday('2026-10-03')).toBe('2026-10-05');
  });
});

describe('time zone helpers', () => {
  test('local dates and end of day in Asia/Shanghai', () => {
    expect(localDate(new Date('2026-11-30T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-12-01');
    expect(endOfDay('2026-12-15', 'Asia/Shanghai').toISOString()).toBe('2026-12-15T15:59:59.999Z');
    expect(zonedInstant('2026-12-15', '09:00', 'Asia/Shanghai').toISOString()).toBe('2026-12-15T01:00:00.000Z');
    expect(zonedInstant('2026-07-01', '09:00', 'Europe/Berlin').toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(isoWeekday('2026-11-30')).toBe(1);
  });
});
