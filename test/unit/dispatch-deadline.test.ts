import { parseDeadline } from '../../src/domain/dispatch';
import { calendar, NOV25 } from '../fixtures/dispatch/org';

const tz = 'Asia/Shanghai';
const at = (iso: string) => ({ now: new Date(iso), tz, calendar });
const nov25 = { now: NOV25, tz, calendar }; // Wednesday

describe('parseDeadline: date forms, sent Wed 2026-11-25', () => {
  it.each([
    ['2026-12-15', '2026-12-15'],
    ['2026/12/15', '2026-12-15'],
    ['2026.12.15', '2026-12-15'],
    ['2026年12月15日', '2026-12-15'],
    ['2026年12月15日前', '2026-12-15'],
    ['12-15', '2026-12-15'],
    ['12.15', '2026-12-15'],
    ['12月15日', '2026-12-15'],
    ['12月15日前', '2026-12-15'],
    ['１２月１５日前', '2026-12-15'],
    ['二〇二六年十二月十五日', '2026-12-15'],
    ['12月18日（星期五）前', '2026-12-18'],
    ['12月18日(周五)前', '2026-12-18'],
    ['12月15日前（遇节假日顺延）', '2026-12-15'],
    ['12月底前', '2026-12-31'],
    ['本月底前', '2026-11-30'],
    ['下月底', '2026-12-31'],
    ['年底前', '2026-12-31'],
    ['年内', '2026-12-31'],
    ['第四季度', '2026-12-31'],
    ['四季度末', '2026-12-31'],
    ['2027年第一季度', '2027-03-31'],
    ['12月上旬', '2026-12-10'],
    ['12月中旬', '2026-12-20'],
    ['12月下旬', '2026-12-31'],
    ['2月下旬', '2027-02-28'],
    ['即日起至12月20日', '2026-12-20'],
    ['12月1日-20日', '2026-12-20'],
    ['3个工作日', '2026-11-30'],
    ['收到后三个工作日内', '2026-11-30'],
    ['5天内', '2026-11-30'],
    ['会后7日内', '2026-12-02'],
    ['两周内', '2026-12-09'],
    ['本周五', '2026-11-27'],
    ['本周五前', '2026-11-27'],
    ['下周三', '2026-12-02'],
    ['下周一', '2026-11-30'],
    ['本周日', '2026-11-29'],
    ['今天', '2026-11-25'],
    ['11月25日', '2026-11-25'],
    ['1月10日', '2027-01-10'],
    ['1月10日前', '2027-01-10'],
    ['明年12月底前', '2027-12-31'],
    ['今年12月20日', '2026-12-20'],
    ['12月15日17:00前', '2026-12-15'],
    ['12月15日前完成3.5公里', '2026-12-15'],
    ['2026年12月15日至2027年1月10日', '2027-01-10'],
    ['一个月内', '2026-12-25'],
    ['立行立改，12月10日前完成', '2026-12-10'],
    ['每月25日前报送进展，12月31日前完成', '2026-12-31'],
  ])('%s → %s', (expr, deadline) => {
    expect(parseDeadline(expr, nov25)).toEqual({ ok: true, deadline, milestones: [] });
  });
});

describe('parseDeadline: workdays follow the statutory calendar (2026 National Day, 调休)', () => {
  // chinese-days: 2026-10-01..07 off; 2026-09-20 (Sun) and 2026-10-10 (Sat) are workdays; 2026-09-25 (Mid-Autumn) off
  it.each([
    ['2026-09-30T10:00:00+08:00', '1个工作日', '2026-10-08'],
    ['2026-09-30T10:00:00+08:00', '3个工作日', '2026-10-10'],
    ['2026-09-30T10:00:00+08:00', '5个工作日', '2026-10-13'],
    ['2026-09-30T10:00:00+08:00', '5天内', '2026-10-05'],
    ['2026-09-18T10:00:00+08:00', '1个工作日', '2026-09-20'],
    ['2026-09-24T10:00:00+08:00', '2个工作日', '2026-09-29'],
  ])('sent %s: %s → %s', (now, expr, deadline) => {
    expect(parseDeadline(expr, at(now))).toEqual({ ok: true, deadline, milestones: [] });
  });
});

describe('parseDeadline: year and time zone', () => {
  it.each([
    ['2026-12-28T10:00:00+08:00', '1月10日', '2027-01-10'],
    ['2026-12-28T10:00:00+08:00', '下周三', '2027-01-06'],
    ['2026-12-28T10:00:00+08:00', '年底前', '2026-12-31'],
    ['2027-01-05T10:00:00+08:00', '3月31日', '2027-03-31'],
    // 2026-11-24T17:00Z is already 2026-11-25 01:00 in Beijing
    ['2026-11-24T17:00:00Z', '本周五', '2026-11-27'],
  ])('sent %s: %s → %s', (now, expr, deadline) => {
    expect(parseDeadline(expr, at(now))).toEqual({ ok: true, deadline, milestones: [] });
  });

  it('the nearest year can lie in the past: 12月31日 sent on 2027-01-05 is last week, not a guess at next year', () => {
    const r = parseDeadline('12月31日', at('2027-01-05T10:00:00+08:00'));
    expect(r).toEqual({ ok: false, message: '完成时限 2026-12-31 已过去（派单时间 2027-01-05），请写一个今天或以后的日期', example: '完成时限：2月28日前' });
  });

  it('a date before the dispatch day in the configured zone is past, even when it is still that day in UTC', () => {
    const r = parseDeadline('11月24日', at('2026-11-24T17:00:00Z'));
    expect(r).toEqual({ ok: false, message: '完成时限 2026-11-24 已过去（派单时间 2026-11-25），请写一个今天或以后的日期', example: '完成时限：12月31日前' });
  });
});

describe('parseDeadline: stage dates become milestones', () => {
  it('the last date is the deadline, earlier ones milestones labelled by their text', () => {
    expect(parseDeadline('11月30日前完成摸底，12月10日前完成签约，12月20日前全部交地', nov25)).toEqual({
      ok: true,
      deadline: '2026-12-20',
      milestones: [
        { date: '2026-11-30', label: '完成摸底' },
        { date: '2026-12-10', label: '完成签约' },
      ],
    });
  });

  it('keeps a stage name before the date', () => {
    expect(parseDeadline('第一阶段：11月30日前完成摸底；第二阶段：12月15日前完成签约', nov25)).toEqual({
      ok: true,
      deadline: '2026-12-15',
      milestones: [{ date: '2026-11-30', label: '第一阶段：完成摸底' }],
    });
  });

  it('a range start is not a milestone', () => {
    expect(parseDeadline('12月1日至12月20日', nov25)).toEqual({ ok: true, deadline: '2026-12-20', milestones: [] });
  });

  it('a stage date already past is a problem', () => {
    expect(parseDeadline('11月20日前完成摸底，12月15日前完成签约', nov25)).toEqual({
      ok: false,
      message: '完成时限中的阶段节点 2026-11-20（完成摸底）已过去（派单时间 2026-11-25），请删去或改为今天以后的日期',
      example: '完成时限：12月31日前',
    });
  });
});

describe('parseDeadline: open-ended, missing, past and invalid deadlines ask for a concrete date', () => {
  const notConcrete = (v: string) => `完成时限“${v}”不是具体日期，请写明截止日期，例如“完成时限：12月31日前”`;
  it.each([
    ['长期坚持', notConcrete('长期坚持')],
    ['持续推进', notConcrete('持续推进')],
    ['立行立改', notConcrete('立行立改')],
    ['每月25日前报送', notConcrete('每月25日前报送')],
    ['每周五报送进展', notConcrete('每周五报送进展')],
    ['春节前', notConcrete('春节前')],
    ['尽快', notConcrete('尽快')],
    ['12月前', notConcrete('12月前')],
    ['2026年12月', notConcrete('2026年12月')],
    ['【待补】', '完成时限“【待补】”还没有确定，请写明截止日期，例如“完成时限：12月31日前”'],
    ['待定', '完成时限“待定”还没有确定，请写明截止日期，例如“完成时限：12月31日前”'],
    ['', '缺少完成时限，请写明截止日期，例如“完成时限：12月31日前”'],
    ['11月20日', '完成时限 2026-11-20 已过去（派单时间 2026-11-25），请写一个今天或以后的日期'],
    ['2026-11-24', '完成时限 2026-11-24 已过去（派单时间 2026-11-25），请写一个今天或以后的日期'],
    ['本周一', '完成时限 2026-11-23 已过去（派单时间 2026-11-25），请写一个今天或以后的日期'],
    ['11月上旬', '完成时限 2026-11-10 已过去（派单时间 2026-11-25），请写一个今天或以后的日期'],
    ['2月30日', '完成时限“2月30日”不是有效日期，请核对年月日，例如“完成时限：12月31日前”'],
    ['2026-13-01前', '完成时限“2026-13-01前”中的“2026-13-01”不是有效日期，请核对年月日，例如“完成时限：12月31日前”'],
  ])('%j', (expr, message) => {
    expect(parseDeadline(expr, nov25)).toEqual({ ok: false, message, example: '完成时限：12月31日前' });
  });

  it('uses the key the notice used, and an example in next year when needed', () => {
    const r = parseDeadline('长期坚持', at('2026-12-10T09:00:00+08:00'), '整改时限');
    expect(r).toEqual({
      ok: false,
      message: '整改时限“长期坚持”不是具体日期，请写明截止日期，例如“整改时限：2027年1月31日前”',
      example: '整改时限：2027年1月31日前',
    });
  });
});
