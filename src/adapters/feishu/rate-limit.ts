/**
 * Token buckets that keep sends under Feishu's limits (CONTRACT §8): one for the app, one per lane
 * (a chat or a person, 5/s). In-process: several instances each keep their own, and the gateway's 429s
 * (whose reset header the outbox honours) cover the rest.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Milliseconds to wait before a token is available (0 = take it now). Takes it when 0. */
  take(): number {
    const t = this.now();
    if (t < this.pausedUntil) return this.pausedUntil - t;
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSec);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.ratePerSec) * 1000);
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }
}

export class RateLimiter {
  private readonly lanes = new Map<string, TokenBucket>();
  readonly app: TokenBucket;

  constructor(
    private readonly lanePerSec = 5,
    appPerSec = 50,
    private readonly now: () => number = Date.now,
  ) {
    this.app = new TokenBucket(appPerSec * 0.9, Math.max(1, Math.floor(appPerSec / 4)), now);
  }

  lane(key: string): TokenBucket {
    let b = this.lanes.get(key);
    if (!b) {
      // burst 1: a lane never sees more than its rate in any one-second window
      // a 10 % margin: arrival times at Feishu jitter, and its windows are not ours
      b = new TokenBucket(this.lanePerSec * 0.9, 1, this.now);
      this.lanes.set(key, b);
      if (this.lanes.size > 10_000) this.lanes.delete(this.lanes.keys().next().value!);
    }
    return b;
  }

  /** Waits until both the lane and the app allow one more call. */
  async acquire(lane: string): Promise<void> {
    for (;;) {
      const wait = Math.max(this.lane(lane).take(), 0);
      if (wait === 0) {
        const appWait = this.app.take();
        if (appWait === 0) return;
        // give the lane token back by pausing briefly and retrying both
        await sleep(appWait);
        continue;
      }
      await sleep(wait);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
