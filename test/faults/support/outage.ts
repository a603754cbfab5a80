import { startHarness, type Harness } from '../../support/harness';
import { FeishuPusher, repliesByMessage, type PushStats } from './feishu-pusher';
import { FaultProxy, type ProxyMode } from './proxy';

/**
 * A database outage in the middle of a burst of Feishu events, end to end: the service (buildService)
 * reaches FerretDB through a FaultProxy, officials write 帮助 to the bot in their direct chats at a steady
 * rate (signed and encrypted, delivered again as Feishu does when not answered 200 in 3 s), and the proxy
 * refuses or swallows traffic for `outageMs`. Meanwhile the admin API and /healthz are asked every second.
 * The report says what was acknowledged, refused, redelivered and applied; the caller asserts.
 */
export interface OutageOptions {
  outageMs: number;
  mode: Exclude<ProxyMode, 'pass'>;
  /** Events per second, from 5 s before the outage to 15 s after it. */
  rate?: number;
  /** Feishu's intervals between deliveries of one event (FEISHU_RETRY_SCHEDULE_MS by default). */
  schedule?: number[];
  env?: Record<string, string>;
}

export interface ApiProbe {
  at: number;
  status: number | 'timeout';
  ms: number;
  code?: string;
}

export interface OutageReport {
  push: PushStats;
  /** applied = events with exactly one reply; twice = with more; lost = acknowledged but never replied to */
  applied: number;
  twice: number;
  lost: number;
  notApplied: number;
  api: ApiProbe[];
  healthz: { ok: number; failed: number };
  unhandled: unknown[];
  ms: number;
}

const TOKEN = { authorization: 'Bearer test-admin-token-123456' };
const PEOPLE = ['ou_off1', 'ou_off1h', 'ou_off2', 'ou_off3', 'ou_sup1', 'ou_sup1b', 'ou_sup2', 'ou_sup0', 'ou_admin'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function outageDuringBurst(o: OutageOptions): Promise<{ report: OutageReport; h: Harness; proxy: FaultProxy; close(): Promise<void> }> {
  const started = Date.now();
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => void unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  const proxy = await FaultProxy.start(process.env.MONGODB_URI!);
  const h = await startHarness({ env: { MONGODB_URI: proxy.uri(process.env.MONGODB_URI!), DB_TIMEOUT: '2s', ...o.env } });
  const pusher = new FeishuPusher(h, o.schedule);
  const rate = o.rate ?? 2;
  const api: ApiProbe[] = [];
  const healthz = { ok: 0, failed: 0 };
  const t0 = Date.now();
  let outage = false;

  const probes = (async () => {
    while (Date.now() - t0 < o.outageMs + 20_000) {
      const at = Date.now() - t0;
      const was = outage;
      const p = await probeApi(h.base);
      if (was && outage) api.push({ at, ...p }); // asked during the outage
      const hz = await fetch(`${h.base}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status === 200, () => false);
      healthz[hz ? 'ok' : 'failed']++;
      await sleep(1000);
    }
  })();

  const total = Math.round(((o.outageMs + 20_000) / 1000) * rate);
  for (let i = 0; i < total; i++) {
    const at = (i / rate) * 1000;
    await sleep(Math.max(0, t0 + at - Date.now()));
    if (!outage && at >= 5000 && at < 5000 + o.outageMs) {
      outage = true;
      proxy.set(o.mode);
    } else if (outage && at >= 5000 + o.outageMs) {
      outage = false;
      proxy.set('pass');
    }
    pusher.say(PEOPLE[i % PEOPLE.length], '帮助');
  }
  if (outage) proxy.set('pass');
  outage = false;
  await probes;
  await pusher.settled();
  await h.service.db.whenReady();
  await h.drain();

  const replies = repliesByMessage(h, pusher.pushed);
  const acked = new Set(pusher.pushed.filter((p) => p.acked).map((p) => p.messageId));
  const counts = [...replies.entries()];
  process.off('unhandledRejection', onUnhandled);
  const report: OutageReport = {
    push: pusher.stats(),
    applied: counts.filter(([, n]) => n === 1).length,
    twice: counts.filter(([, n]) => n > 1).length,
    lost: counts.filter(([id, n]) => n === 0 && acked.has(id)).length,
    notApplied: counts.filter(([, n]) => n === 0).length,
    api,
    healthz,
    unhandled,
    ms: Date.now() - started,
  };
  return {
    report,
    h,
    proxy,
    async close() {
      proxy.set('pass');
      await h.close();
      await proxy.close();
    },
  };
}

async function probeApi(base: string): Promise<Omit<ApiProbe, 'at'>> {
  const t = Date.now();
  try {
    const r = await fetch(`${base}/api/tasks`, { headers: TOKEN, signal: AbortSignal.timeout(30_000) });
    const body = (await r.json().catch(() => ({}))) as { error?: { code?: string } };
    return { status: r.status, ms: Date.now() - t, code: body.error?.code };
  } catch {
    return { status: 'timeout', ms: Date.now() - t };
  }
}
