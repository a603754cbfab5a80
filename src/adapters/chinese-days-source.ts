import { getDayDetail, getHolidaysInRange } from 'chinese-days';
import type { HolidaySource } from '../domain/calendar';

/** The `chinese-days` package as the calendar's holiday source. */
export function chineseDaysSource(): HolidaySource {
  const years = new Map<number, boolean>();
  return {
    hasYear(year) {
      let has = years.get(year);
      if (has === undefined) {
        has = getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
        years.set(year, has);
      }
      return has;
    },
    lookup(date) {
      return getDayDetail(date).work;
    },
  };
}
