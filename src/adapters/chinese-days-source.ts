import { getDayDetail, getHolidaysInRange, getSolarDateFromLunar, getSolarTermDate } from 'chinese-days';
import type { AnnouncedDay, HolidaySource } from '../domain/calendar';
import type { FestivalDates } from '../domain/statutory-holidays';
import { addDays, makeDate, type LocalDate } from '../domain/time';

/**
 * The `chinese-days` package as the calendar's holiday source. The package reads `YYYY-MM-DD` strings
 * as UTC midnight but formats with local getters (a day early west of Greenwich), so dates go in as
 * local-midnight `Date`s, and a date it formats from a string is corrected by the same skew.
 */
const local = (d: LocalDate) => new Date(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
const skew = new Date(Date.UTC(2000, 0, 1)).getDate() === 1 ? 0 : 1;

export function chineseDaysSource(): HolidaySource {
  const years = new Map<number, boolean>();
  return {
    hasYear(year) {
      let has = years.get(year);
      if (has === undefined) {
        has = getHolidaysInRange(local(makeDate(year, 1, 1)), local(makeDate(year, 12, 31)), false).length > 0;
        years.set(year, has);
      }
      return has;
    },
    lookup(date) {
      return getDayDetail(local(date)).work;
    },
    announced(year) {
      const out: AnnouncedDay[] = [];
      for (let d = makeDate(year, 1, 1); d.startsWith(String(year)); d = addDays(d, 1)) {
        const detail = getDayDetail(local(d));
        const parts = detail.name.split(','); // "National Day,国庆节,3" for a listed day, a weekday name otherwise
        if (parts.length >= 2) out.push({ date: d, off: !detail.work, name: parts[1] });
      }
      return out;
    },
    festivals(year): FestivalDates {
      const lunar = (m: number, d: number) => getSolarDateFromLunar(new Date(year, m - 1, d)).date;
      return { lunarNewYear: lunar(1, 1), qingming: addDays(getSolarTermDate(year, 4, 'pure_brightness'), skew), dragonBoat: lunar(5, 5), midAutumn: lunar(8, 15) };
    },
  };
}
