/** rate-limit.ts on virtual time: never more than the rate in any window; pauses hold everything back. */
import { RateLimiter, SlidingWindow, TokenBucket } from '../../src/adapters/feishu/rate-limit';

/** A clock and a sleep that only move when `run` moves them, so many waiters interleave as in real time. */
class VirtualTime {
  t = 1_000_000;
  private timers: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;
  now = () => this.t;
  sleep = (ms: number) => new Promise<void>((wake) => this.timers.push({ at: this.t + ms, seq: this.seq++, wake }));

  /** Lets every waiter run until all `work` is done, jumping time to the next wake-up each time. */
  async run<T>(work: Promise<T>[]): Promise<T[]> {
    let done = false;
    const all = Promise.all(work).finally(() => (done = true));
    while (!done) {
      await new Promise((r) => setImmediate(r)); // let everyone reach their next sleep
      if (done) break;
      if (!this.timers.length) throw new Error('deadlock: nobody is sleeping and the work is not done');
      // wake everyone due at the earliest moment together, in the order they went to sleep
      const at = Math.min(...this.timers.map((x) => x.at));
      const due = this.timers.filter((x) => x.at === at).sort((a, b) => a.seq - b.seq);
      this.timers = this.timers.filter((x) => x.at !== at);
      this.t = Math.max(this.t, at);
      for (const x of due) x.wake();
    }
    return all;
  }
}

/** The most stamps in any window (t - span, t], as Feishu's sliding windows count. */
function maxInWindow(stamps: number[], spanMs: number): number {
  const s = [...stamps].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[j] <= s[i] - spanMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('TokenBucket', () => {
  test('a burst, then one token per 1/rate seconds; wait() takes nothing', () => {
    let t = 0;
    const b = new TokenBucket(4, 2, () => t);
    expect(b.wait()).toBe(0);
    expect([b.take(), b.take()]).toEqual([0, 0]);
    expect(b.wait()).toBe(250);
    expect(b.take()).toBe(250);
    t = 125;
    expect(b.take()).toBe(125);
    t = 250;
    expect(b.take()).toBe(0);
    t = 10_000;
    expect([b.take(), b.take(), b.take()]).toEqual([0, 0, 250]); // refills up to the burst only
  });

  test('pause holds it back for the time given, the longest pause wins', () => {
    let t = 0;
    const b = new TokenBucket(10, 1, () => t);
    b.pause(1000);
    b.pause(300);
    expect(b.take()).toBe(1000);
    t = 999;
    expect(b.take()).toBe(1);
    t = 1000;
    expect(b.take()).toBe(0);
  });

  test('bad settings are refused with the values named', () => {
    expect(() => new TokenBucket(0, 1)).toThrow('positive rate and a burst of at least 1 (got 0/s, burst 1)');
    expect(() => new TokenBucket(5, 0.5)).toThrow('burst 0.5');
    expect(() => new SlidingWindow(0, 1000)).toThrow('got 0 per 1000 ms');
    expect(() => new RateLimiter(0, 50)).toThrow('rate limits must be positive (lane 0/s');
    expect(() => new RateLimiter(5, 50, { appPerMin: -1 })).toThrow('-1/min');
  });
});

describe('SlidingWindow', () => {
  test('at most `limit` in any span; the wait is until the oldest leaves', () => {
    let t = 0;
    const w = new SlidingWindow(3, 1000, () => t);
    expect([w.take(), w.take(), w.take()]).toEqual([0, 0, 0]);
    expect(w.take()).toBe(1001);
    t = 1000;
    expect(w.take()).toBe(0);
  });
});

describe('RateLimiter.acquire on virtual time', () => {
  test('one busy lane: never more than 5 in any 1 s window, evenly spaced', async () => {
    const vt = new VirtualTime();
    const rl = new RateLimiter(5, 50, { now: vt.now, sleep: vt.sleep });
    const stamps: number[] = [];
    await vt.run(Array.from({ length: 40 }, () => rl.acquire('chat:a').then(() => stamps.push(vt.t))));
    expect(stamps).toHaveLength(40);
    expect(maxInWindow(stamps, 1000)).toBeLessThanOrEqual(5);
    const sorted = [...stamps].sort((a, b) => a - b);
    const gaps = sorted.slice(1).map((s, i) => s - sorted[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(222); // 4.5/s
    // and it is not needlessly slow: 40 calls at 4.5/s take about 8.7 s
    expect(sorted.at(-1)! - sorted[0]).toBeLessThan(9000);
  });

  test('many lanes: each lane ≤ 5/s, the app ≤ 50 in any second and its per-minute cap in any minute', async () => {
    const vt = new VirtualTime();
    // a per-minute cap of 200 (instead of Feishu's 1000) keeps the run small
    const rl = new RateLimiter(5, 50, { now: vt.now, sleep: vt.sleep, appPerMin: 200 });
    const byLane = new Map<string, number[]>();
    const all: number[] = [];
    const work = [];
    for (let i = 0; i < 400; i++) {
      const lane = `chat:${i % 60}`;
      work.push(rl.acquire(lane).then(() => {
        all.push(vt.t);
        byLane.set(lane, [...(byLane.get(lane) ?? []), vt.t]);
      }));
    }
    await vt.run(work);
    expect(all).toHaveLength(400);
    for (const stamps of byLane.values()) expect(maxInWindow(stamps, 1000)).toBeLessThanOrEqual(5);
    expect(maxInWindow(all, 1000)).toBeLessThanOrEqual(48);
    expect(maxInWindow(all, 60_000)).toBeLessThanOrEqual(180);
    // the first 180 go at the per-second pace (~45/s), not throttled to the per-minute average
    const sorted = [...all].sort((a, b) => a - b);
    expect(sorted[179] - sorted[0]).toBeLessThan(4500);
    expect(sorted[180] - sorted[0]).toBeGreaterThanOrEqual(60_000);
  });

  test('a lane paused (230020) sends nothing until the pause ends; other lanes go on', async () => {
    const vt = new VirtualTime();
    const rl = new RateLimiter(5, 50, { now: vt.now, sleep: vt.sleep });
    const start = vt.t;
    rl.lane('chat:a').pause(3000);
    const a: number[] = [];
    const b: number[] = [];
    await vt.run([
      ...Array.from({ length: 3 }, () => rl.acquire('chat:a').then(() => a.push(vt.t))),
      ...Array.from({ length: 3 }, () => rl.acquire('chat:b').then(() => b.push(vt.t))),
    ]);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(start + 3000);
    expect(Math.min(...b)).toBe(start);
  });

  test('the app paused (429 reset) holds every lane back', async () => {
    const vt = new VirtualTime();
    const rl = new RateLimiter(5, 50, { now: vt.now, sleep: vt.sleep });
    const start = vt.t;
    rl.app.pause(2000);
    const stamps: number[] = [];
    await vt.run(['x', 'y', 'z'].map((l) => rl.acquire(`chat:${l}`).then(() => stamps.push(vt.t))));
    expect(Math.min(...stamps)).toBeGreaterThanOrEqual(start + 2000);
  });

  test('ready() waits like acquire() but takes nothing', async () => {
    const vt = new VirtualTime();
    const rl = new RateLimiter(5, 50, { now: vt.now, sleep: vt.sleep });
    await vt.run([rl.acquire('chat:a')]);
    const t0 = vt.t;
    await vt.run([rl.ready('chat:a')]);
    expect(vt.t - t0).toBe(223);
    await vt.run([rl.ready('chat:a')]);
    expect(vt.t - t0).toBe(223); // still there: ready took nothing
    await vt.run([rl.acquire('chat:a')]);
    expect(vt.t - t0).toBe(223);
  });

  test('waiting for the app does not spend the lane token (no double wait)', async () => {
    const vt = new VirtualTime();
    // app 1/s: the lane (5/s) is always ready first
    const rl = new RateLimiter(5, 1, { now: vt.now, sleep: vt.sleep, appPerMin: 1000 });
    const stamps: number[] = [];
    await vt.run(Array.from({ length: 4 }, (_, i) => rl.acquire(`chat:${i % 2}`).then(() => stamps.push(vt.t))));
    const sorted = [...stamps].sort((a, b) => a - b);
    const gaps = sorted.slice(1).map((s, i) => s - sorted[i]);
    for (const g of gaps) expect(g).toBeLessThanOrEqual(1112); // one app token per 1/0.9 s, nothing more
  });

  test('thousands of lanes: the oldest idle ones are forgotten, busy ones kept', () => {
    let t = 0;
    const rl = new RateLimiter(5, 50, { now: () => t });
    const busy = rl.lane('chat:busy');
    busy.take();
    for (let i = 0; i < 10_000; i++) {
      rl.lane(`chat:${i}`);
      if (i % 1000 === 0) rl.lane('chat:busy');
    }
    expect(rl.lane('chat:busy')).toBe(busy);
    expect(rl.lane('chat:busy').wait()).toBeGreaterThan(0);
  });
});
