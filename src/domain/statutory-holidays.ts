import { addDays, isoWeekday, makeDate, type LocalDate } from './time';

/**
 * The statutory days off of a year, per 全国年节及纪念日放假办法 (as amended in 2024), for a year whose
 * State Council notice is not yet in the holiday data. Pure: the lunar and solar-term dates are given.
 *
 * Article 2 holidays: 元旦 1 day (01-01), 春节 4 days from 除夕, 清明 1 day on the solar term, 劳动节 2
 * days from 05-01, 端午 1 (五月初五), 中秋 1 (八月十五), 国庆 3 days from 10-01. Article 6: such a holiday
 * that falls on a Saturday or Sunday is made up on the following workday. Walking the holidays in date
 * order, each weekend holiday takes the first Monday–Friday after it that is neither a holiday nor
 * already a make-up day, so a block spanning a weekend ends later by as many days (国庆 2027: 10-01
 * Fri, 10-02 Sat, 10-03 Sun → 10-04 and 10-05 off). Two holidays on one date give one
 * day off (the law gives no rule for it; the notice will say).
 * The weekend swaps (调休) are the notice's own and cannot be computed.
 */
export interface FestivalDates {
  /** 正月初一 of the lunar year that starts in this Gregorian year */
  lunarNewYear: LocalDate;
  /** the 清明 solar term */
  qingming: LocalDate;
  /** 五月初五 (the ordinary month, not a leap month) */
  dragonBoat: LocalDate;
  /** 八月十五 */
  midAutumn: LocalDate;
}

export interface StatutoryDay {
  date: LocalDate;
  name: string;
  /** true for a day off that makes up a holiday on a weekend */
  makeUp: boolean;
}

function span(from: LocalDate, days: number): LocalDate[] {
  return Array.from({ length: days }, (_, i) => addDays(from, i));
}

/** The Article 2 holidays of a year, by date (a date two holidays share carries both names). */
export function statutoryHolidays(year: number, f: FestivalDates): Map<LocalDate, string> {
  const list: [string, LocalDate[]][] = [
    ['元旦', [makeDate(year, 1, 1)]],
    ['春节', span(addDays(f.lunarNewYear, -1), 4)], // 除夕 is the day before 初一 (腊月 may have 29 days)
    ['清明节', [f.qingming]],
    ['劳动节', span(makeDate(year, 5, 1), 2)],
    ['端午节', [f.dragonBoat]],
    ['中秋节', [f.midAutumn]],
    ['国庆节', span(makeDate(year, 10, 1), 3)],
  ];
  const out = new Map<LocalDate, string>();
  for (const [name, dates] of list) for (const d of dates) out.set(d, out.has(d) ? `${out.get(d)!}、${name}` : name);
  return out;
}

const weekend = (d: LocalDate) => isoWeekday(d) >= 6;

/** The year's holidays and their make-up days, sorted by date. */
export function statutoryDaysOff(year: number, f: FestivalDates): StatutoryDay[] {
  const holidays = statutoryHolidays(year, f);
  const dates = [...holidays.keys()].sort();
  const out: StatutoryDay[] = dates.map((date) => ({ date, name: holidays.get(date)!, makeUp: false }));
  const taken = new Set<LocalDate>(dates);
  for (const date of dates) {
    if (!weekend(date)) continue;
    let d = addDays(date, 1);
    while (weekend(d) || taken.has(d)) d = addDays(d, 1);
    taken.add(d);
    out.push({ date: d, name: `${holidays.get(date)!}（补假）`, makeUp: true });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
