import type { CalendarDay, WorkCalendar } from '../domain/calendar';
import { isoWeekday } from '../domain/time';

/**
 * A year of the workday calendar as an officer checks it against the State Council notice: its days
 * off and extra workdays with their source, for `npm run calendar` and `GET /api/calendar`.
 */
export interface CalendarYear {
  year: number;
  /** announced: the notice is in the holiday data; statutory: computed from the law until it is */
  basis: 'announced' | 'statutory';
  note: string;
  daysOff: number;
  extraWorkdays: number;
  days: (CalendarDay & { weekday: string })[];
}

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];
export const STATUTORY_NOTE = '国务院放假通知尚未收录：按《全国年节及纪念日放假办法》计算法定假日及周末补假；调休上班日在通知发布前未知，请用 WORKDAY_OVERRIDES 补充。';

export function calendarYear(cal: WorkCalendar, year: number): CalendarYear {
  const basis = cal.uncoveredYears([year]).length ? 'statutory' : 'announced';
  const days = cal.yearDays(year).map((d) => ({ ...d, weekday: `周${WEEKDAYS[isoWeekday(d.date) - 1]}` }));
  return {
    year,
    basis,
    note: basis === 'statutory' ? STATUTORY_NOTE : '按国务院放假通知（含调休）。',
    daysOff: days.filter((d) => d.off).length,
    extraWorkdays: days.filter((d) => !d.off).length,
    days,
  };
}

/** The years (this one and the next) the calendar computes instead of reading a notice, for the dashboard. */
export function calendarFallback(cal: WorkCalendar, thisYear: number): { statutoryYears: number[]; note: string | null } {
  const statutoryYears = cal.uncoveredYears([thisYear, thisYear + 1]);
  return { statutoryYears, note: statutoryYears.length ? `${statutoryYears.join('、')} 年：${STATUTORY_NOTE}` : null };
}

/** Plain text for the command line. */
export function calendarText(c: CalendarYear): string {
  const src = { announced: '通知', statutory: '法定', override: '配置' } as const;
  const lines = [`${c.year} 年工作日历（${c.basis === 'announced' ? '国务院通知' : '法定计算'}）：休息 ${c.daysOff} 天，调休上班 ${c.extraWorkdays} 天`, c.note, ''];
  for (const d of c.days) lines.push(`${d.date} ${d.weekday}  ${d.off ? '休' : '班'}  ${d.name.padEnd(7, '　')} [${d.source}/${src[d.source]}]`);
  return lines.join('\n');
}
