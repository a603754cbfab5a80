import http from 'node:http';
import type { Connection, mongo } from 'mongoose';
import type { SignedRequest } from '../test/fake-feishu';

/**
 * Load for the ingress bench: signed requests posted over keep-alive loopback connections, a fixed
 * number in flight, each ack's latency measured from write to the end of the response; and the
 * database round trips they cost, counted by the driver's command monitor.
 */
export interface Answer {
  status: number;
  body: string;
}

export function poster(maxSockets: number): { post(port: number, path: string, r: SignedRequest): Promise<Answer>; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return {
    post: (port, path, r) =>
      new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        req.end(r.body);
      }),
    close: () => agent.destroy(),
  };
}

export interface Load {
  sent: number;
  perSec: number;
  p50: number;
  p99: number;
  max: number;
  /** answers not 200 (or that failed to arrive) */
  bad: number;
  /** each request's latency (ms) and the seconds the load ran: slices of one phase are merged from them */
  lat: number[];
  secs: number;
  /** database commands sent while the load ran, per request (undefined: not counted) */
  rtPerReq?: number;
  rtDetail?: string;
  answers: Answer[];
}

export function percentiles(lat: number[]): { p50: number; p99: number; max: number } {
  const s = [...lat].sort((a, b) => a - b);
  const pct = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  return { p50: pct(50), p99: pct(99), max: s.at(-1) ?? NaN };
}

/** Posts `reqs` with `concurrency` in flight, stopping early after `maxMs` (the figures say how many went). */
export async function drive(post: (r: SignedRequest) => Promise<Answer>, reqs: SignedRequest[], concurrency: number, maxMs = Infinity): Promise<Load> {
  const lat: number[] = [];
  const answers: Answer[] = [];
  let next = 0;
  let bad = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, reqs.length) }, async () => {
      while (next < reqs.length && performance.now() - t0 < maxMs) {
        const r = reqs[next++];
        const s = performance.now();
        const a = await post(r).catch((e: Error) => ({ status: 0, body: e.message }));
        lat.push(performance.now() - s);
        answers.push(a);
        if (a.status !== 200) bad++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  return { sent: lat.length, perSec: lat.length / secs, ...percentiles(lat), bad, answers, lat, secs };
}

/** Slices of one phase (run between other phases' slices) as one load. */
export function merge(slices: Load[]): Load {
  const lat = slices.flatMap((s) => s.lat);
  const secs = slices.reduce((a, s) => a + s.secs, 0);
  return { sent: lat.length, perSec: lat.length / secs, ...percentiles(lat), bad: slices.reduce((a, s) => a + s.bad, 0), answers: slices.flatMap((s) => s.answers), lat, secs };
}

/** Counts the commands a connection sends (`monitorCommands` is on for every dudao connection). */
export class RoundTrips {
  private counts = new Map<string, number>();
  /** Time in the database per command kind (ms, summed), from start to reply. */
  private times = new Map<string, number[]>();
  private started = new Map<number, { key: string; at: number }>();
  private on = false;

  constructor(conn: Connection) {
    const client = conn.getClient();
    client.on('commandStarted', (e: mongo.CommandStartedEvent) => {
      if (!this.on) return;
      const key = `${e.commandName} ${String(e.command[e.commandName] ?? '')}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      this.started.set(e.requestId, { key, at: performance.now() });
    });
    const ended = (e: { requestId: number }) => {
      const s = this.started.get(e.requestId);
      if (!s) return;
      this.started.delete(e.requestId);
      const list = this.times.get(s.key) ?? [];
      list.push(performance.now() - s.at);
      this.times.set(s.key, list);
    };
    client.on('commandSucceeded', ended);
    client.on('commandFailed', ended);
  }

  start(): void {
    this.counts.clear();
    this.times.clear();
    this.on = true;
  }

  /** Counting again without forgetting (the next slice of the same phase). */
  resume(): void {
    this.on = true;
  }

  pause(): void {
    this.on = false;
  }

  /** Stops counting; the total per request and the commonest commands. */
  stop(requests: number): { rtPerReq: number; rtDetail: string } {
    this.on = false;
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    const top = [...this.counts].sort((a, b) => b[1] - a[1]).slice(0, 5);
    const slow = [...this.times].map(([k, l]) => [k, percentiles(l)] as const).sort((a, b) => b[1].p99 - a[1].p99).slice(0, 4);
    const dbTime = slow.map(([k, p]) => `${k} p50 ${p.p50.toFixed(0)}/p99 ${p.p99.toFixed(0)} ms`).join(', ');
    return { rtPerReq: total / Math.max(1, requests), rtDetail: top.map(([k, n]) => `${k} ${(n / Math.max(1, requests)).toFixed(2)}`).join(', ') + (dbTime ? `; in the database: ${dbTime}` : '') };
  }

  /** Runs `fn` while counting; `requests` is how many it served (read from its result). */
  async around<T extends { sent: number }>(fn: () => Promise<T>): Promise<T & { rtPerReq: number; rtDetail: string }> {
    this.start();
    const r = await fn();
    return { ...r, ...this.stop(r.sent) };
  }
}
