/**
 * `npm run calendar -- 2027`: the year's days off and extra workdays with their source (announced /
 * statutory / override), to check against the State Council notice. Reads WORKDAY_OVERRIDES from the
 * environment like the service; needs no database.
 */
import { chineseDaysSource } from '../src/adapters/chinese-days-source';
import { calendarText, calendarYear } from '../src/app/calendar-view';
import { configOrExit } from '../src/config';
import { WorkCalendar } from '../src/domain/calendar';

function main(argv: string[]): number {
  const [yearText, ...rest] = argv;
  const json = rest.includes('--json');
  if (!yearText || !/^\d{4}$/.test(yearText) || rest.some((a) => a !== '--json')) {
    console.error('usage: npm run calendar -- YEAR [--json]   e.g. npm run calendar -- 2027');
    return 2;
  }
  const year = Number(yearText);
  if (year < 2000 || year > 2099) {
    console.error(`year: expected 2000–2099, got ${year}`);
    return 2;
  }
  const config = configOrExit();
  const c = calendarYear(new WorkCalendar(chineseDaysSource(), config.WORKDAY_OVERRIDES), year);
  console.log(json ? JSON.stringify(c, null, 2) : calendarText(c));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
