import { machineNow } from '../../clock';
/**
 * Keeps sends under Feishu's limits (docs/feishu.md#rate-limits): per lane (a chat or a person) 5/s, per app 50/s and
 * 1000/min. In-process: several instances each keep their own, and the gateway's 429s (whose reset
 * header the outbox honours) cover the rest.
 *
 * Each limit is used at 90 %: arrival times at Feishu jitter, and its windows are not ours.
 * - lane: a token bucket with burst 1, so calls are spaced evenly and no one-second window holds more
 *   than the rate (a burst would bunch them at the window's edge);
 * - app per second: a token bucket whose burst plus one second's refill stays under the limit;
 * - app per minute: a log of the last minute's calls (a bucket slow enough for 1000/min would throttle
 *   a burst of a few hundred messages to 15/s for no reason).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = machineNow,
  ) {
    if (!(ratePerSec > 0) || !(burst >= 1)) throw new Error(`a token bucket needs a positive rate and a burst of at least 1 (got ${ratePerSec}/s, burst ${burst})`);
    this.tokens = burst;
    this.last = now();
  }

  /** Milliseconds until a token is available (0 = one is there now); takes nothing. */
  wait(): number {
    const t = this.now();
    if (t < this.pausedUntil) return this.pausedUntil - t;
    if (t > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSec);
      this.last = t;
    }
    if (this.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.ratePerSec) * 1000));
  }

  /** Milliseconds to wait before a token is available (0 = take it now). Takes it when 0. */
  take(): number {
    const w = this.wait();
    if (w === 0) this.tokens -= 1;
    return w;
  }

  /** Nothing goes out for `ms` (a 429's reset, a chat's frequency refusal). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}

/** At most `limit` calls in any `spanMs` window, remembered one by one. */
export class SlidingWindow {
  private readonly stamps: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly spanMs: number,
    private readonly now: () => number = machineNow,
  ) {
    if (!(limit >= 1) || !(spanMs > 0)) throw new Error(`a window needs a limit of at least 1 and a positive span (got ${limit} per ${spanMs} ms)`);
  }

  wait(): number {
    const t = this.now();
    while (this.stamps.length && this.stamps[0] <= t - this.spanMs) this.stamps.shift();
    return this.stamps.length < this.limit ? 0 : this.stamps[0] + this.spanMs - t + 1;
  }

  take(): number {
    const w = this.wait();
    if (w === 0) this.stamps.push(this.now());
    return w;
  }
}

export interface RateLimiterOptions {
  /** App calls per minute (Feishu: 1000). */
  appPerMin?: number;
  now?: () => number;
  /** How to wait; tests pass a virtual one. */
  sleep?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const MAX_LANES = 10_000;
const MARGIN = 0.9;

export class RateLimiter {
  private readonly lanes = new Map<string, TokenBucket>();
  /** Per-second app limit; `pause` it on a 429. */
  readonly app: TokenBucket;
  private readonly appMinute: SlidingWindow;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly lanePerSec = 5,
    appPerSec = 50,
    opts: RateLimiterOptions = {},
  ) {
    const appPerMin = opts.appPerMin ?? 1000;
    if (!(lanePerSec > 0) || !(appPerSec > 0) || !(appPerMin > 0)) throw new Error(`rate limits must be positive (lane ${lanePerSec}/s, app ${appPerSec}/s, ${appPerMin}/min)`);
    this.now = opts.now ?? machineNow;
    this.sleep = opts.sleep ?? sleep;
    // burst + one second at 90 % ≤ 95 % of the limit
    this.app = new TokenBucket(appPerSec * MARGIN, Math.max(1, Math.floor(appPerSec * 0.05)), this.now);
    this.appMinute = new SlidingWindow(Math.max(1, Math.floor(appPerMin * MARGIN)), 60_000, this.now);
  }

  lane(key: string): TokenBucket {
    let b = this.lanes.get(key);
    if (b) {
      // least-recently-used order, so eviction drops an idle lane, never a busy one
      this.lanes.delete(key);
      this.lanes.set(key, b);
      return b;
    }
    b = new TokenBucket(this.lanePerSec * MARGIN, 1, this.now);
    this.lanes.set(key, b);
    if (this.lanes.size > MAX_LANES) this.lanes.delete(this.lanes.keys().next().value!);
    return b;
  }

  /** Milliseconds until the lane and the app would all allow one more call. */
  private waitFor(lane: TokenBucket): number {
    return Math.max(lane.wait(), this.app.wait(), this.appMinute.wait());
  }

  /** Waits until the lane and the app would allow one more call, taking nothing (see the outbox worker). */
  async ready(lane: string): Promise<void> {
    for (let w = this.waitFor(this.lane(lane)); w > 0; w = this.waitFor(this.lane(lane))) await this.sleep(w);
  }

  /**
   * Waits until the lane and the app allow one more call, then takes it from each. All are checked
   * before any is taken, synchronously, so no token is spent while another limit makes the call wait.
   */
  async acquire(lane: string): Promise<void> {
    for (;;) {
      const l = this.lane(lane);
      const w = this.waitFor(l);
      if (w === 0) {
        l.take();
        this.app.take();
        this.appMinute.take();
        return;
      }
      await this.sleep(w);
    }
  }
}
