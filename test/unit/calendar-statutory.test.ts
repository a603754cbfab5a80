import { chineseDaysSource } from '../../src/adapters/chinese-days-source';
import { WorkCalendar } from '../../src/domain/calendar';
import { statutoryDaysOff, statutoryHolidays } from '../../src/domain/statutory-holidays';
import { addDays, makeDate } from '../../src/domain/time';

const source = chineseDaysSource();
const cal = new WorkCalendar(source);
const offIn = (days: ReturnType<WorkCalendar['yearDays']>, from: string, to: string) => days.filter((d) => d.date >= from && d.date <= to);

describe('2027: no announced notice, so the statutory holidays and their make-up days', () => {
  const days = cal.yearDays(2027);

  test('the source has no 2027 data: every listed day is statutory', () => {
    expect(cal.uncoveredYears([2026, 2027])).toEqual([2027]);
    expect(days.length).toBeGreaterThan(0);
    expect(new Set(days.map((d) => d.source))).toEqual(new Set(['statutory']));
    expect(days.every((d) => d.off)).toBe(true); // the weekend swaps are unknown until published
  });

  test('元旦: 01-01 off, 01-04 (Monday) the first workday of January', () => {
    expect(offIn(days, '2027-01-01', '2027-01-31').map((d) => [d.date, d.name])).toEqual([['2027-01-01', '元旦']]);
    expect(cal.isWorkday('2027-01-01')).toBe(false);
    expect(cal.nextWorkday('2027-01-01')).toBe('2027-01-04');
  });

  test('春节: 02-05 (除夕) to 02-08 (初三), the two weekend days made up on 02-09 and 02-10', () => {
    expect(offIn(days, '2027-02-01', '2027-02-28').map((d) => [d.date, d.name])).toEqual([
      ['2027-02-05', '春节'],
      ['2027-02-06', '春节'],
      ['2027-02-07', '春节'],
      ['2027-02-08', '春节'],
      ['2027-02-09', '春节（补假）'],
      ['2027-02-10', '春节（补假）'],
    ]);
    expect(cal.addWorkdays('2027-02-04', 1)).toBe('2027-02-11');
  });

  test('劳动节 05-01…05-04 and 国庆节 10-01…10-05 off', () => {
    expect(offIn(days, '2027-05-01', '2027-05-31').map((d) => d.date)).toEqual(['2027-05-01', '2027-05-02', '2027-05-03', '2027-05-04']);
    expect(offIn(days, '2027-10-01', '2027-10-31').map((d) => d.date)).toEqual(['2027-10-01', '2027-10-02', '2027-10-03', '2027-10-04', '2027-10-05']);
    for (const d of ['2027-05-03', '2027-05-04', '2027-10-04', '2027-10-05']) expect(cal.isWorkday(d)).toBe(false);
    expect(cal.isWorkday('2027-10-06')).toBe(true);
  });

  test('清明, 端午 and 中秋 from the lunar calendar and the solar term', () => {
    expect(days.filter((d) => ['清明节', '端午节', '中秋节'].includes(d.name)).map((d) => [d.date, d.name])).toEqual([
      ['2027-04-05', '清明节'],
      ['2027-06-09', '端午节'],
      ['2027-09-15', '中秋节'],
    ]);
  });

  test('WORKDAY_OVERRIDES add the weekend swaps and win, shown as their own source', () => {
    const withSwaps = new WorkCalendar(source, { '2027-02-20': true, '2027-02-10': true });
    expect(withSwaps.isWorkday('2027-02-20')).toBe(true);
    expect(withSwaps.isWorkday('2027-02-10')).toBe(true);
    const feb = offIn(withSwaps.yearDays(2027), '2027-02-09', '2027-02-28');
    expect(feb).toEqual([
      { date: '2027-02-09', off: true, name: '春节（补假）', source: 'statutory' },
      { date: '2027-02-10', off: false, name: '上班（WORKDAY_OVERRIDES）', source: 'override' },
      { date: '2027-02-20', off: false, name: '上班（WORKDAY_OVERRIDES）', source: 'override' },
    ]);
  });
});

describe('an announced year lists its notice', () => {
  test('2026 国庆: days off and the two weekend workdays, source announced', () => {
    const oct = cal.yearDays(2026).filter((d) => d.date >= '2026-09-20' && d.date <= '2026-10-10');
    expect(oct.every((d) => d.source === 'announced')).toBe(true);
    expect(oct.filter((d) => !d.off).map((d) => d.date)).toEqual(['2026-09-20', '2026-10-10']);
    expect(oct.filter((d) => d.off).map((d) => d.date)).toEqual(['2026-09-25', '2026-09-26', '2026-09-27', ...Array.from({ length: 7 }, (_, i) => addDays('2026-10-01', i))]);
  });

  test.each([2025, 2026])('every statutory holiday of %i is a day off in its notice (the law and the data agree)', (year) => {
    const f = source.festivals!(year)!;
    for (const date of statutoryHolidays(year, f).keys()) expect([date, cal.isWorkday(date)]).toEqual([date, false]);
  });
});

describe('make-up days (Article 6)', () => {
  const f = { lunarNewYear: '2030-02-03', qingming: '2030-04-05', dragonBoat: '2030-06-05', midAutumn: '2030-09-12' };
  test('a holiday on a Saturday is made up on the Monday; one on a weekday has none', () => {
    const days = statutoryDaysOff(2028, { lunarNewYear: '2028-01-26', qingming: '2028-04-04', dragonBoat: '2028-05-28', midAutumn: '2028-10-03' });
    expect(days.filter((d) => d.date.startsWith('2028-01')).map((d) => d.date)).toEqual(['2028-01-01', '2028-01-03', '2028-01-25', '2028-01-26', '2028-01-27', '2028-01-28']);
    // 中秋 on 国庆's third day: one day off; 10-01 is a Sunday, made up after the block
    expect(days.filter((d) => d.date.startsWith('2028-10')).map((d) => [d.date, d.name])).toEqual([
      ['2028-10-01', '国庆节'],
      ['2028-10-02', '国庆节'],
      ['2028-10-03', '中秋节、国庆节'],
      ['2028-10-04', '国庆节（补假）'],
    ]);
  });
  test('dates are unique and sorted', () => {
    const days = statutoryDaysOff(2030, f).map((d) => d.date);
    expect(days).toEqual([...new Set(days)].sort());
    expect(days[0]).toBe(makeDate(2030, 1, 1));
  });
});
