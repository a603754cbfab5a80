/**
 * Feishu's frequency control (docs/feishu.md#rate-limits) with sliding windows on the fake's clock, plus the numbers
 * a test needs to assert "the product never went over": the most attempts seen in any window.
 * Only admitted calls fill the limiting windows; every attempt counts in the statistics.
 */
import { errors, gatewayRateLimit } from './errors';
import type { Limits } from './types';

export const DEFAULT_LIMITS: Limits = { perChatPerSec: 5, perAppPerSec: 50, perAppPerMin: 1000, perMessagePerSec: 5 };

class Window {
  private readonly stamps: number[] = [];
  constructor(private readonly spanMs: number) {}

  count(now: number): number {
    while (this.stamps.length && this.stamps[0] <= now - this.spanMs) this.stamps.shift();
    return this.stamps.length;
  }

  add(now: number): number {
    this.count(now);
    this.stamps.push(now);
    return this.stamps.length;
  }

  /** Whole seconds until the oldest entry leaves the window (at least 1). */
  resetSec(now: number): number {
    const oldest = this.stamps[0] ?? now;
    return Math.max(1, Math.ceil((oldest + this.spanMs - now) / 1000));
  }
}

class Windows {
  private readonly map = new Map<string, Window>();
  constructor(private readonly spanMs: number) {}
  get(key: string): Window {
    let w = this.map.get(key);
    if (!w) this.map.set(key, (w = new Window(this.spanMs)));
    return w;
  }
}

export interface LimitStats {
  /** Most send/reply attempts to one chat in any 1 s window, per chat id. */
  perChatMaxPerSec: Record<string, number>;
  /** The largest of those over all chats (0 when nothing was sent). */
  maxPerChatPerSec: number;
  /** Most attempts of one rate-limited API in any 1 s / 60 s window, per API name. */
  perAppMaxPerSec: Record<string, number>;
  perAppMaxPerMin: Record<string, number>;
  /** Most PATCH attempts on one message in any 1 s window, per message id. */
  perMessageMaxPerSec: Record<string, number>;
  rejected: { perChat: number; perApp: number; perMessage: number };
}

export class RateLimiter {
  private admitted = this.fresh();
  private attempts = this.fresh();
  private stats = this.emptyStats();

  constructor(readonly limits: Limits) {}

  /**
   * Per API × app (docs/feishu.md#rate-limits: counted per API × app × tenant): 50/s and 1000/min → HTTP 429.
   */
  checkApp(api: string, now: number): void {
    const { limits } = this;
    bump(this.stats.perAppMaxPerSec, api, this.attempts.appSec.get(api).add(now));
    bump(this.stats.perAppMaxPerMin, api, this.attempts.appMin.get(api).add(now));
    const sec = this.admitted.appSec.get(api);
    const min = this.admitted.appMin.get(api);
    if (sec.count(now) >= limits.perAppPerSec) {
      this.stats.rejected.perApp++;
      throw gatewayRateLimit(limits.perAppPerSec, sec.resetSec(now));
    }
    if (min.count(now) >= limits.perAppPerMin) {
      this.stats.rejected.perApp++;
      throw gatewayRateLimit(limits.perAppPerMin, min.resetSec(now));
    }
    sec.add(now);
    min.add(now);
  }

  /** To one chat (or one user's p2p chat): 5/s → HTTP 400 code 230020. */
  checkChat(chatId: string, now: number): void {
    const seen = this.attempts.chat.get(chatId).add(now);
    bump(this.stats.perChatMaxPerSec, chatId, seen);
    this.stats.maxPerChatPerSec = Math.max(this.stats.maxPerChatPerSec, seen);
    const w = this.admitted.chat.get(chatId);
    if (w.count(now) >= this.limits.perChatPerSec) {
      this.stats.rejected.perChat++;
      throw errors.chatFrequency();
    }
    w.add(now);
  }

  /** Updates of one message: 5/s. ⚠ The code is undocumented; 230020 is Feishu's frequency code. */
  checkMessage(messageId: string, now: number): void {
    bump(this.stats.perMessageMaxPerSec, messageId, this.attempts.message.get(messageId).add(now));
    const w = this.admitted.message.get(messageId);
    if (w.count(now) >= this.limits.perMessagePerSec) {
      this.stats.rejected.perMessage++;
      throw errors.chatFrequency();
    }
    w.add(now);
  }

  snapshot(): LimitStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.admitted = this.fresh();
    this.attempts = this.fresh();
    this.stats = this.emptyStats();
  }

  private fresh() {
    return {
      appSec: new Windows(1000),
      appMin: new Windows(60_000),
      chat: new Windows(1000),
      message: new Windows(1000),
    };
  }

  private emptyStats(): LimitStats {
    return {
      perChatMaxPerSec: {},
      maxPerChatPerSec: 0,
      perAppMaxPerSec: {},
      perAppMaxPerMin: {},
      perMessageMaxPerSec: {},
      rejected: { perChat: 0, perApp: 0, perMessage: 0 },
    };
  }
}

function bump(rec: Record<string, number>, key: string, value: number): void {
  rec[key] = Math.max(rec[key] ?? 0, value);
}
