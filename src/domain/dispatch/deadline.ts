import type { WorkCalendar } from '../calendar';
import type { Milestone } from '../task';
import { addDays, daysBetween, isLocalDate, isoWeekday, lastDayOfMonth, localDate, makeDate, type LocalDate } from '../time';
import { count, SPACE, trimEndChars, trimStartChars, type Steps } from './steps';
import { cnNumeralsToDigits, toHalfWidth } from './text';

export type DeadlineContext = { now: Date; tz: string; calendar: WorkCalendar; steps?: Steps };
export type DeadlineResult = { ok: true; deadline: LocalDate; milestones: Milestone[] } | { ok: false; message: string; example: string };

interface Env {
  today: LocalDate;
  year: number;
  month: number;
  calendar: WorkCalendar;
}
type Found = LocalDate | 'invalid' | undefined; // undefined: not a date after all, leave the text alone
interface Matcher {
  re: RegExp;
  date(m: RegExpExecArray, env: Env): Found;
}
interface Hit {
  start: number;
  end: number;
  date: LocalDate | 'invalid';
  text: string;
}

const RANGE_TAIL = String.raw`(?:\s?(?:起\s?)?(?:至|到|~|—+|-)\s?(\d{1,2})\s?[日号])?`;
const PERIOD_DAY: Record<string, number | 'last'> = { 上旬: 10, 中旬: 20, 下旬: 'last', 底: 'last', 末: 'last', 内: 'last' };
const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };

function ymd(y: number, m: number, d: number): LocalDate | 'invalid' {
  const s = makeDate(y, m, d);
  return isLocalDate(s) ? s : 'invalid';
}

function periodEnd(y: number, m: number, period: string): LocalDate | 'invalid' {
  if (m < 1 || m > 12) return 'invalid';
  const d = PERIOD_DAY[period];
  return d === 'last' ? lastDayOfMonth(y, m) : makeDate(y, m, d);
}

/** A date written without a year takes the year that puts it nearest the dispatch day (later one on a tie). */
function nearest(env: Env, ofYear: (y: number) => LocalDate | 'invalid'): LocalDate | 'invalid' {
  let best: LocalDate | undefined;
  for (const y of [env.year - 1, env.year, env.year + 1]) {
    const d = ofYear(y);
    if (d === 'invalid') continue;
    if (!best || Math.abs(daysBetween(env.today, d)) <= Math.abs(daysBetween(env.today, best))) best = d;
  }
  return best ?? 'invalid';
}

function addMonths(d: LocalDate, n: number): LocalDate {
  const [y, m, day] = d.split('-').map(Number);
  const total = y * 12 + (m - 1) + n;
  const last = lastDayOfMonth(Math.floor(total / 12), (total % 12) + 1);
  return Number(last.slice(8)) < day ? last : makeDate(Math.floor(total / 12), (total % 12) + 1, day);
}

const quarterEnd = (y: number, q: number): LocalDate => lastDayOfMonth(y, q * 3);

/**
 * Most specific first: each match masks its text so that later, looser patterns do not see it. The text is
 * squeezed first (every run of spaces is one space), so `\s?` stands where a notice may put a space: no
 * pattern here can backtrack over a long run.
 */
const MATCHERS: Matcher[] = [
  { re: new RegExp(String.raw`(\d{4})\s?[-/.年]\s?(\d{1,2})\s?[-/.月]\s?(\d{1,2})\s?[日号]?` + RANGE_TAIL, 'g'), date: (m) => ymd(+m[1], +m[2], +(m[4] ?? m[3])) },
  { re: /(\d{4})\s?年\s?(\d{1,2})\s?月份?\s?(底|末|上旬|中旬|下旬|内)/g, date: (m) => periodEnd(+m[1], +m[2], m[3]) },
  { re: /(\d{4})\s?年\s?第?([1-4])\s?季度[末底内]?/g, date: (m) => quarterEnd(+m[1], +m[2]) },
  { re: /(\d{4})\s?年\s?(上|下)半年/g, date: (m) => quarterEnd(+m[1], m[2] === '上' ? 2 : 4) },
  { re: /(\d{4})\s?年度?\s?(?:底|末|内)/g, date: (m) => makeDate(+m[1], 12, 31) },
  { re: /(本|这个?|当|下个?)月\s?(\d{1,2})\s?[日号]/g, date: (m, e) => (m[1].startsWith('下') ? relMonthDay(e, 1, +m[2]) : relMonthDay(e, 0, +m[2])) },
  { re: new RegExp(String.raw`(\d{1,2})\s?月\s?(\d{1,2})\s?[日号]?` + RANGE_TAIL, 'g'), date: (m, e) => nearest(e, (y) => ymd(y, +m[1], +(m[3] ?? m[2]))) },
  { re: /(本|这个?|当|下个?)月份?\s?(底|末|内|上旬|中旬|下旬)/g, date: (m, e) => relMonthPeriod(e, m[1].startsWith('下') ? 1 : 0, m[2]) },
  { re: /(\d{1,2})\s?月份?\s?(底|末|上旬|中旬|下旬|内)/g, date: (m, e) => (+m[1] >= 1 && +m[1] <= 12 ? nearest(e, (y) => periodEnd(y, +m[1], m[2])) : 'invalid') },
  { re: /(?<![\d.])(\d{1,2})\s?[-./]\s?(\d{1,2})(?=\s?(?:[日号前之以(（,，;；。]|$))/g, date: (m, e) => (+m[1] >= 1 && +m[1] <= 12 && +m[2] >= 1 && +m[2] <= 31 ? nearest(e, (y) => ymd(y, +m[1], +m[2])) : undefined) },
  { re: /(上|下)半年/g, date: (m, e) => nearest(e, (y) => quarterEnd(y, m[1] === '上' ? 2 : 4)) },
  { re: /(今|本|明|当)?年度?\s?(?:底|末|内)/g, date: (m, e) => makeDate(e.year + (m[1] === '明' ? 1 : 0), 12, 31) },
  { re: /第?([1-4])\s?季度[末底内]?/g, date: (m, e) => nearest(e, (y) => quarterEnd(y, +m[1])) },
  { re: /(?:本|当|这个?)季度[末底内]?/g, date: (_m, e) => quarterEnd(e.year, Math.ceil(e.month / 3)) },
  { re: /(本|这|下个?|下)?(?:周|星期|礼拜)([一二三四五六日天1-7])/g, date: (m, e) => weekday(e, m[1], m[2]) },
  { re: /(\d{1,3})\s?个?\s?工作日/g, date: (m, e) => (+m[1] > 0 ? e.calendar.addWorkdays(e.today, +m[1]) : undefined) },
  { re: /(\d{1,3})\s?个?\s?(?:天|日(?=\s?(?:内|以内|之内)))/g, date: (m, e) => addDays(e.today, +m[1]) },
  { re: /(\d{1,2})\s?个?\s?(?:周|星期)\s?(?:内|以内|之内)/g, date: (m, e) => addDays(e.today, 7 * +m[1]) },
  { re: /(\d{1,2})\s?个月\s?(?:内|以内|之内)/g, date: (m, e) => addMonths(e.today, +m[1]) },
  { re: /今天|今日|当天|当日|明天|明日|后天/g, date: (m, e) => addDays(e.today, m[0].startsWith('后') ? 2 : /明/.test(m[0]) ? 1 : 0) },
];

function relMonthDay(e: Env, plus: number, day: number): LocalDate | 'invalid' {
  const total = e.year * 12 + e.month - 1 + plus;
  return ymd(Math.floor(total / 12), (total % 12) + 1, day);
}

function relMonthPeriod(e: Env, plus: number, period: string): LocalDate | 'invalid' {
  const total = e.year * 12 + e.month - 1 + plus;
  return periodEnd(Math.floor(total / 12), (total % 12) + 1, period);
}

/** ISO weeks, Monday first: 本周五 is this week's Friday, 下周三 next week's Wednesday, 周五 the next one on or after today. */
function weekday(e: Env, which: string | undefined, day: string): LocalDate {
  const target = WEEKDAY[day] ?? Number(day);
  const monday = addDays(e.today, 1 - isoWeekday(e.today));
  if (!which) {
    const d = addDays(monday, target - 1);
    return d < e.today ? addDays(d, 7) : d;
  }
  return addDays(monday, target - 1 + (which.startsWith('下') ? 7 : 0));
}

const PLACEHOLDER = /^[【[(（]?\s*(?:待补|待补充|待定|待明确|另定|另行通知|暂无|未定|无|\/|-+|—+|tbd)\s*[】\])）]?$/i;
// a reporting cadence (每月25日前报送) is not a deadline; it is cut before dates are looked for
const CADENCE = /每(?:个)?(?:月|周|星期|季度?|年|旬|日|天|半月|两周)[^,，;；。\n]*/g;
const RANGE_SEP = /^\s?(?:即日)?起?\s?(?:至|到|~|—+|-)\s?$/;

/** A concrete deadline to show in examples: the last day of the month after the dispatch month. */
export function exampleDeadline(today: LocalDate): string {
  const [y, m] = today.split('-').map(Number);
  const d = lastDayOfMonth(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1);
  const md = `${Number(d.slice(5, 7))}月${Number(d.slice(8))}日前`;
  return d.slice(0, 4) === today.slice(0, 4) ? md : `${d.slice(0, 4)}年${md}`;
}

function findHits(work: string, env: Env, steps?: Steps): { hits: Hit[]; work: string } {
  const hits: Hit[] = [];
  let masked = work;
  for (const { re, date } of MATCHERS) {
    re.lastIndex = 0;
    count(steps, masked.length);
    const found: Hit[] = [];
    for (let m = re.exec(masked); m; m = re.exec(masked)) {
      const d = date(m, env);
      if (d === undefined) continue;
      found.push({ start: m.index, end: m.index + m[0].length, date: d, text: work.slice(m.index, m.index + m[0].length) });
    }
    if (!found.length) continue;
    // one rebuild per pattern, not per match
    const parts: string[] = [];
    let at = 0;
    for (const h of found) {
      parts.push(masked.slice(at, h.start), '\u0001'.repeat(h.end - h.start));
      at = h.end;
    }
    parts.push(masked.slice(at));
    masked = parts.join('');
    hits.push(...found);
  }
  hits.sort((a, b) => a.start - b.start);
  // 12月1日至12月20日: the first date only opens the range
  const kept = hits.filter((h, i) => !(hits[i + 1] && RANGE_SEP.test(work.slice(h.end, hits[i + 1].start))));
  return { hits: kept, work };
}

const SEGMENT_END = ',，;；。\n';

/** For each position, where its segment (between , ; 。 and line breaks) starts and ends: one pass each way. */
function segments(work: string): { starts: Int32Array; ends: Int32Array } {
  const starts = new Int32Array(work.length + 1);
  const ends = new Int32Array(work.length + 1);
  for (let i = 1; i <= work.length; i++) starts[i] = SEGMENT_END.includes(work[i - 1]) ? i : starts[i - 1];
  ends[work.length] = work.length;
  for (let i = work.length - 1; i >= 0; i--) ends[i] = SEGMENT_END.includes(work[i]) ? i : ends[i + 1];
  return { starts, ends };
}

/** `…起至` before a range's closing date, without a pattern that rescans the text. */
function withoutRangeOpen(s: string): string {
  let t = s.trimEnd();
  const before = t;
  if (t.endsWith('至') || t.endsWith('到') || t.endsWith('~') || t.endsWith('-')) t = t.slice(0, -1);
  else t = trimEndChars(t, '—');
  if (t === before) return s;
  t = t.trimEnd();
  if (t.endsWith('起')) t = t.slice(0, -1);
  if (t.endsWith('即日')) t = t.slice(0, -2);
  return t;
}

function label(work: string, seg: { starts: Int32Array; ends: Int32Array }, hits: Hit[], i: number): string {
  const h = hits[i];
  const segStart = seg.starts[h.start];
  const segEnd = seg.ends[h.end];
  const from = Math.max(segStart, i > 0 ? hits[i - 1].end : 0);
  const to = Math.min(segEnd, hits[i + 1]?.start ?? work.length);
  const before = withoutRangeOpen(work.slice(from, h.start)).trim();
  const rest = work.slice(h.end, to).replace(/^\s?(?:之前|以前|前|底前|以内|之内|内)?/, '').trim();
  const text = trimEndChars(trimStartChars(`${before}${rest}`, `${SPACE}:：`), `${SPACE}:：,，;；。`);
  // the work text is half-width; a Chinese label reads better with Chinese punctuation
  const full: Record<string, string> = { ':': '：', '(': '（', ')': '）', ',': '，', ';': '；' };
  return (text || work.slice(segStart, segEnd).trim()).replace(/[:(),;]/g, (c) => full[c]);
}

/** Every run of spaces as one space (one line break when the run holds one). */
const squeeze = (s: string): string => s.replace(/\s+/g, (r) => (r.includes('\n') ? '\n' : ' '));

/** A deadline as government notices write it (docs/rules.md#date-forms) → the deadline day, and earlier stage dates as milestones. */
export function parseDeadline(expr: string, ctx: DeadlineContext, key = '完成时限'): DeadlineResult {
  const today = localDate(ctx.now, ctx.tz);
  const ex = exampleDeadline(today);
  const fail = (message: string): DeadlineResult => ({ ok: false, message: `${message}，例如“${key}：${ex}”`, example: `${key}：${ex}` });
  const raw = expr.trim();
  if (!raw) return fail(`缺少${key}，请写明截止日期`);
  if (PLACEHOLDER.test(raw)) return fail(`${key}“${raw}”还没有确定，请写明截止日期`);
  count(ctx.steps, raw.length);
  const work = cnNumeralsToDigits(squeeze(toHalfWidth(raw)))
    .replace(/[(（]\s?(?:星期|周|礼拜)[一二三四五六日天七1-7]\s?[)）]/g, (s) => ' '.repeat(s.length))
    .replace(CADENCE, (s) => ' '.repeat(s.length))
    .replace(/(今|本|明|次)年(?=\s?\d{1,2}\s?月)/g, (_, w: string) => `${Number(today.slice(0, 4)) + (w === '明' || w === '次' ? 1 : 0)}年`);
  const env: Env = { today, year: Number(today.slice(0, 4)), month: Number(today.slice(5, 7)), calendar: ctx.calendar };
  const { hits } = findHits(work, env, ctx.steps);
  const bad = hits.find((h) => h.date === 'invalid');
  if (bad) return fail(`${key}“${raw}”${bad.text.trim() === raw ? '' : `中的“${bad.text.trim()}”`}不是有效日期，请核对年月日`);
  if (!hits.length) return fail(`${key}“${raw}”不是具体日期，请写明截止日期`);
  const dated = hits as (Hit & { date: LocalDate })[];
  const latest = dated.reduce((a, b) => (b.date >= a.date ? b : a));
  if (latest.date < today) {
    return { ok: false, message: `${key} ${latest.date} 已过去（派单时间 ${today}），请写一个今天或以后的日期`, example: `${key}：${ex}` };
  }
  const milestones: Milestone[] = [];
  const seg = segments(work);
  dated.forEach((h, i) => {
    if (h.date === latest.date || milestones.some((m) => m.date === h.date)) return;
    milestones.push({ date: h.date, label: label(work, seg, dated, i) });
  });
  milestones.sort((a, b) => (a.date < b.date ? -1 : 1));
  const past = milestones.find((m) => m.date < today);
  if (past) {
    return { ok: false, message: `${key}中的阶段节点 ${past.date}（${past.label}）已过去（派单时间 ${today}），请删去或改为今天以后的日期`, example: `${key}：${ex}` };
  }
  return { ok: true, deadline: latest.date, milestones };
}
