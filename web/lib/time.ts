/**
 * Business time in the service's time zone (not the browser's): what the clock control shows and sets.
 * Pure (Intl only), so the unit tests run it under Node.
 */
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

export interface WallTime {
  date: string; // 2026-12-01
  time: string; // 09:30:00
  weekday: string; // 周二
}

export function wallTime(at: Date, tz: string): WallTime {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', weekday: 'short' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const wd = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}:${get('second')}`, weekday: WEEKDAYS[wd] ?? '' };
}

/** The zone's offset at that moment, as `+08:00`. */
export function offsetOf(at: Date, tz: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
  return m ? `${m[1]}:${m[2] ?? '00'}` : '+00:00';
}

/**
 * `2026-12-17T09:00` read as a wall time in `tz` → an ISO moment with that zone's offset, or an error
 * message saying what is wrong.
 */
export function wallToIso(local: string, tz: string): { iso: string } | { error: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return { error: '请填写完整的日期和时间，如 2026-12-17 09:00' };
  const [, y, mo, d, hh, mi, ss = '00'] = m;
  const guess = new Date(Date.UTC(+y, +mo - 1, +d, +hh, +mi, +ss));
  if (Number.isNaN(guess.getTime()) || guess.getUTCDate() !== +d) return { error: `没有这一天：${y}-${mo}-${d}` };
  // the offset at the guessed moment is right except within hours of a DST change, which China has none of
  const off = offsetOf(guess, tz);
  return { iso: `${y}-${mo}-${d}T${hh}:${mi}:${ss}${off}` };
}

/** For `<input type="datetime-local">`: the wall time in tz, `2026-12-01T09:30`. */
export function toLocalInput(at: Date, tz: string): string {
  const w = wallTime(at, tz);
  return `${w.date}T${w.time.slice(0, 5)}`;
}

/** `12-01 09:30` for lists; the year too when it is not this year's. */
export function shortMoment(at: Date | string | undefined, tz: string, now = new Date()): string {
  if (!at) return '';
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return '';
  const w = wallTime(d, tz);
  const sameYear = w.date.slice(0, 4) === wallTime(now, tz).date.slice(0, 4);
  return `${sameYear ? w.date.slice(5) : w.date} ${w.time.slice(0, 5)}`;
}
