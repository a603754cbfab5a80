import { chineseDaysSource } from '../../src/adapters/chinese-days-source';
import { WorkCalendar } from '../../src/domain/calendar';
import { closedOnTime, lightOf, LightInputError, progressLag, type LightInput } from '../../src/domain/lights';
import { zonedInstant } from '../../src/domain/time';

/** docs/rules.md#tasks-and-their-states: red / yellow / green with the reason in words, on China's 2026 calendar (中秋 9-25..27, 国庆 10-01..07, 调休 9-20 and 10-10). */
const TZ = 'Asia/Shanghai';
const cal = new WorkCalendar(chineseDaysSource());
const at = (day: string, time = '09:00') => zonedInstant(day, time, TZ);
const task = (over: Partial<LightInput> = {}): LightInput => ({ code: 'DB-2026-0001', state: 'in_progress', deadline: '2026-09-30', dispatchedAt: at('2026-09-14', '10:00'), progress: 50, ...over });
const light = (t: LightInput, day: string, s?: { yellowWorkdays: number; lagPoints: number }) => lightOf(t, at(day), TZ, cal, s);

describe('red: overdue, counted in workdays after the deadline day', () => {
  test.each([
    ['2026-10-01', '已过截止日（09-30）', 0],
    ['2026-10-07', '已过截止日（09-30）', 0],
    ['2026-10-08', '已超期 1 个工作日', 1],
    ['2026-10-09', '已超期 2 个工作日', 2],
    ['2026-10-10', '已超期 3 个工作日', 3], // Saturday, a 调休 workday
    ['2026-10-11', '已超期 3 个工作日', 3], // Sunday, off
    ['2026-10-12', '已超期 4 个工作日', 4],
  ])('deadline 09-30, on %s: %s', (day, reason, n) => {
    expect(light(task(), day)).toMatchObject({ color: 'red', reason, overdueWorkdays: n, workdaysLeft: -n });
  });

  test('the deadline is the end of its day: red only from the next day', () => {
    expect(lightOf(task(), at('2026-09-30', '23:59'), TZ, cal).color).toBe('yellow');
    expect(lightOf(task(), at('2026-10-01', '00:00'), TZ, cal).color).toBe('red');
  });
});

describe('yellow: deadline within 3 workdays, or progress behind', () => {
  test.each([
    ['2026-09-23', 'green', '剩 4 个工作日'], // 09-24, 09-28, 09-29, 09-30 (中秋 off between)
    ['2026-09-24', 'yellow', '剩 3 个工作日'],
    ['2026-09-29', 'yellow', '剩 1 个工作日'],
    ['2026-09-30', 'yellow', '今日到期'],
  ])('deadline 09-30, on %s: %s, %s', (day, color, reason) => {
    expect(light(task({ progress: 90 }), day)).toMatchObject({ color, reason });
  });

  test('a deadline on a holiday: no workday left before it', () => {
    expect(light(task({ deadline: '2026-10-03', progress: 90 }), '2026-09-30')).toMatchObject({ color: 'yellow', reason: '截止前已无工作日（10-03 截止）', workdaysLeft: 0 });
  });

  test('progress more than 30 points behind the share of workdays elapsed', () => {
    // dispatched 09-14, due 10-16: 20 workdays; by 10-09, 14 have passed (70%)
    const t = task({ deadline: '2026-10-16', progress: 35 });
    expect(progressLag(t, '2026-10-09', TZ, cal)).toBe(35);
    expect(light(t, '2026-10-09')).toMatchObject({ color: 'yellow', reason: '剩 6 个工作日，进度落后 35 个百分点', lag: 35 });
    expect(light({ ...t, progress: 40 }, '2026-10-09')).toMatchObject({ color: 'green', reason: '剩 6 个工作日', lag: 30 });
  });

  test('thresholds come from the settings (LIGHT_YELLOW_WORKDAYS, LIGHT_LAG_POINTS)', () => {
    const t = task({ deadline: '2026-10-16', progress: 35 });
    expect(light(t, '2026-10-09', { yellowWorkdays: 3, lagPoints: 40 }).color).toBe('green');
    expect(light(t, '2026-10-09', { yellowWorkdays: 6, lagPoints: 40 }).color).toBe('yellow');
    expect(light(task({ progress: 90 }), '2026-09-24', { yellowWorkdays: 1, lagPoints: 30 }).color).toBe('green');
  });

  test('progress ahead is never a reason', () => {
    expect(light(task({ deadline: '2026-10-16', progress: 100 }), '2026-09-15')).toMatchObject({ color: 'green', reason: '剩 19 个工作日' });
  });
});

describe('closed and cancelled tasks have no light', () => {
  test('closed on time, closed late, cancelled', () => {
    expect(light(task({ state: 'closed', closedAt: at('2026-09-30', '17:00') }), '2026-10-12')).toMatchObject({ color: 'none', reason: '按期办结' });
    expect(light(task({ state: 'closed', closedAt: at('2026-10-09', '17:00') }), '2026-10-12')).toMatchObject({ color: 'none', reason: '超期 2 个工作日办结', overdueWorkdays: 2 });
    expect(light(task({ state: 'cancelled' }), '2026-10-12')).toMatchObject({ color: 'none', reason: '已撤销' });
  });

  test('on time = closed on or before the deadline in force', () => {
    expect(closedOnTime({ state: 'closed', closedAt: at('2026-09-30', '23:00'), deadline: '2026-09-30' }, TZ)).toBe(true);
    expect(closedOnTime({ state: 'closed', closedAt: at('2026-10-01', '00:30'), deadline: '2026-09-30' }, TZ)).toBe(false);
    expect(closedOnTime({ state: 'in_progress', deadline: '2026-09-30' }, TZ)).toBe(false);
  });
});

describe('bad input', () => {
  test.each<[Partial<LightInput>, RegExp]>([
    [{ deadline: '2026-9-30' }, /DB-2026-0001: deadline "2026-9-30" is not a date \(YYYY-MM-DD\)/],
    [{ deadline: '2026-02-30' }, /deadline "2026-02-30" is not a date/],
    [{ deadline: undefined as unknown as string }, /deadline undefined is not a date/],
    [{ dispatchedAt: new Date('x') }, /DB-2026-0001: dispatchedAt null is not a moment/],
  ])('%j is refused with a clear error', (over, message) => {
    expect(() => light(task(over), '2026-09-24')).toThrow(LightInputError);
    expect(() => light(task(over), '2026-09-24')).toThrow(message);
  });

  test('a closed task needs no dispatch time', () => {
    expect(light(task({ state: 'closed', dispatchedAt: undefined as unknown as Date, closedAt: at('2026-09-29') }), '2026-10-12').reason).toBe('按期办结');
  });
});
