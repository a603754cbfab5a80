import { signRequest, type FakeFeishu } from '../../fake-feishu';
import { TEST_APP } from '../../support/harness';

/**
 * Feishu's side of event delivery for fault tests: each event is POSTed signed and encrypted to the
 * service's /feishu/events, and anything but HTTP 200 within 3 s is delivered again (the same bytes) after
 * the next interval of `schedule` — Feishu's own is 15 s, 5 min, 1 h, 6 h. Records every attempt, so a test
 * can say how many events were acknowledged at once, acknowledged on a redelivery, or never.
 */
export const FEISHU_RETRY_SCHEDULE_MS = [15_000, 5 * 60_000, 60 * 60_000, 6 * 60 * 60_000];

export interface Pushed {
  eventId: string;
  messageId: string;
  chatId: string;
  attempts: (number | 'timeout' | 'error')[];
  acked: boolean;
}

export interface PushStats {
  events: number;
  /** acknowledged on the first delivery */
  ackedAtOnce: number;
  /** acknowledged on a redelivery */
  ackedOnRedelivery: number;
  redeliveries: number;
  /** never acknowledged: Feishu gave up (the schedule ran out) */
  neverAcked: number;
  /** answers other than 200 seen, by status */
  refusals: Record<string, number>;
}

/**
 * Where events go: a harness (one service), or instances that come and go — `base` is then asked at
 * each attempt (none up: the attempt fails as a refused connection does, and is redelivered).
 */
export interface PushTarget {
  fake: FakeFeishu;
  clock: { now(): Date };
  base: string | ((p: Pushed, attempt: number) => string | undefined);
}

type MessageEnvelope = ReturnType<FakeFeishu['userMessage']>;

export class FeishuPusher {
  readonly pushed: Pushed[] = [];
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly h: PushTarget,
    private readonly schedule: number[] = FEISHU_RETRY_SCHEDULE_MS,
    private readonly answerMs = 3000,
  ) {}

  /** A person writes `text` in their direct chat with the bot; delivered (and redelivered) in the background. */
  say(openId: string, text: string): Pushed {
    const { fake, clock } = this.h;
    const chatId = fake.p2pChatOf(openId);
    return this.push(fake.userMessage({ senderOpenId: openId, chatType: 'p2p', chatId, text, mentions: [], createTime: clock.now().getTime() }));
  }

  /** Delivers a message event (and redelivers it) in the background; each delivery of one event is a record of its own. */
  push(env: MessageEnvelope): Pushed {
    const signed = signRequest(env, { verificationToken: TEST_APP.verificationToken, encryptKey: TEST_APP.encryptKey });
    const p: Pushed = { eventId: env.header.event_id, messageId: env.event.message.message_id, chatId: env.event.message.chat_id, attempts: [], acked: false };
    this.pushed.push(p);
    const run = this.deliver(p, signed.body, signed.headers).finally(() => this.inflight.delete(run));
    this.inflight.add(run);
    return p;
  }

  /** Waits until every event is acknowledged or its redeliveries ran out. */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  stats(): PushStats {
    const refusals: Record<string, number> = {};
    for (const p of this.pushed) for (const a of p.attempts) if (a !== 200) refusals[String(a)] = (refusals[String(a)] ?? 0) + 1;
    return {
      events: this.pushed.length,
      ackedAtOnce: this.pushed.filter((p) => p.acked && p.attempts.length === 1).length,
      ackedOnRedelivery: this.pushed.filter((p) => p.acked && p.attempts.length > 1).length,
      redeliveries: this.pushed.reduce((n, p) => n + p.attempts.length - 1, 0),
      neverAcked: this.pushed.filter((p) => !p.acked).length,
      refusals,
    };
  }

  private async deliver(p: Pushed, body: string, headers: Record<string, string>): Promise<void> {
    for (let i = 0; ; i++) {
      const base = typeof this.h.base === 'string' ? this.h.base : this.h.base(p, i);
      const outcome = base ? await this.post(base, body, headers) : 'error';
      p.attempts.push(outcome);
      if (outcome === 200) {
        p.acked = true;
        return;
      }
      if (i >= this.schedule.length) return;
      await new Promise((r) => setTimeout(r, this.schedule[i]));
    }
  }

  private async post(base: string, body: string, headers: Record<string, string>): Promise<number | 'timeout' | 'error'> {
    try {
      const res = await fetch(`${base}/feishu/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(this.answerMs) });
      await res.arrayBuffer();
      return res.status;
    } catch (e) {
      return (e as Error).name === 'TimeoutError' ? 'timeout' : 'error';
    }
  }
}

/** Bot replies to each pushed message, by the message replied to (a reply's parent_id). */
export function repliesByMessage(h: { fake: FakeFeishu }, pushed: Pushed[]): Map<string, number> {
  const count = new Map<string, number>(pushed.map((p) => [p.messageId, 0]));
  for (const chatId of new Set(pushed.map((p) => p.chatId))) {
    for (const m of h.fake.messagesIn(chatId).filter((x) => x.fromBot)) {
      const parent = (m as { parent_id?: string }).parent_id;
      if (parent && count.has(parent)) count.set(parent, count.get(parent)! + 1);
    }
  }
  return count;
}
