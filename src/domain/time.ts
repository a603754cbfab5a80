/**
 * Calendar dates as `YYYY-MM-DD` strings in the configured time zone, and the few conversions between
 * them and instants. Pure: every function takes the moment it works on.
 */
export type LocalDate = string; // YYYY-MM-DD

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface LocalParts {
  date: LocalDate;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(at: Date, tz: string): LocalParts {
  const p: Record<string, string> = {};
  for (const { type, value } of formatter(tz).formatToParts(at)) p[type] = value;
  const year = Number(p.year);
  const month = Number(p.month);
  const day = Number(p.day);
  return { date: `${p.year}-${p.month}-${p.day}`, year, month, day, hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second) };
}

export function localDate(at: Date, tz: string): LocalDate {
  return localParts(at, tz).date;
}

export function isLocalDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function makeDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function toUtcDay(d: LocalDate): number {
  const m = ISO_DATE.exec(d);
  if (!m) throw new Error(`not a date: ${d}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

function fromUtcDay(n: number): LocalDate {
  const d = new Date(n * 86_400_000);
  return makeDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addDays(d: LocalDate, n: number): LocalDate {
  return fromUtcDay(toUtcDay(d) + n);
}

/** Calendar days from a to b (negative when b is earlier). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toUtcDay(b) - toUtcDay(a);
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(d: LocalDate): number {
  const w = new Date(toUtcDay(d) * 86_400_000).getUTCDay();
  return w === 0 ? 7 : w;
}

export function lastDayOfMonth(year: number, month: number): LocalDate {
  return makeDate(year, month, new Date(Date.UTC(year, month, 0)).getUTCDate());
}

/** The instant at which a local wall-clock time happens in tz (the later one in a repeated hour). */
export function zonedInstant(date: LocalDate, time: string, tz: string): Date {
  const [h, mi, s = '0'] = time.split(':');
  const m = ISO_DATE.exec(date)!;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(h), Number(mi), Number(s));
  // two passes settle the offset, also across a DST change
  let at = guess;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(at), tz);
    const seen = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    at += guess - seen;
  }
  return new Date(at);
}

/** A deadline date means the end of that day in the configured time zone. */
export function endOfDay(date: LocalDate, tz: string): Date {
  return new Date(zonedInstant(addDays(date, 1), '00:00:00', tz).getTime() - 1);
}

export function startOfDay(date: LocalDate, tz: string): Date {
  return zonedInstant(date, '00:00:00', tz);
}

/** `12-15` for dates this year, `2027-01-10` otherwise. */
export function shortDate(d: LocalDate, today: LocalDate): string {
  return d.slice(0, 4) === today.slice(0, 4) ? d.slice(5) : d;
}
