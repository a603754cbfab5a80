import type { mongo } from './adapters/mongo/database';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus metrics, on a registry of its own (several services in one process — the
 * tests — keep apart), scraped at `GET /metrics`. Callers see typed observe functions only. Label values
 * that come from outside (event types, Feishu codes, command names) are bounded: an odd value or one past
 * the first 50 seen is counted as `other`, so a flood of strange inputs cannot grow the series.
 */
export interface OutboxDepth {
  counts: Record<string, number>;
  /** creation time of the oldest row still to send, null when none */
  oldestPending: Date | null;
}

export interface Metrics {
  readonly registry: Registry;
  /** a delivery from Feishu (event or card callback), from arrival to answer */
  ingress(kind: string, seconds: number): void;
  /** a card action's handler */
  cardAction(action: string, seconds: number): void;
  httpAnswer(status: number): void;
  feishuError(code: string): void;
  jobRun(job: string, outcome: string, seconds: number): void;
  /** database round trips, from the driver's command monitoring (`monitorCommands: true`) */
  watchMongo(client: mongo.MongoClient): void;
  /** read on each scrape; `now` for the oldest row's age */
  watchOutbox(read: () => Promise<OutboxDepth>, now: () => Date): void;
}

const LATENCY = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JOB_SECONDS = [0.1, 0.5, 1, 5, 15, 60, 300, 1800];
const DB_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
const SCRAPE_DB_TIMEOUT_MS = 2000;

/** Keeps a label's values few and printable. */
function bounded(max = 50): (v: string) => string {
  const seen = new Set<string>();
  return (v) => {
    if (!/^[\w.:-]{1,64}$/.test(v)) return 'other';
    if (seen.has(v)) return v;
    if (seen.size >= max) return 'other';
    seen.add(v);
    return v;
  };
}

export function createMetrics(o: { onCollectError?: (e: Error) => void } = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry }); // process CPU/memory, nodejs_eventloop_lag_*
  const ingress = new Histogram({ name: 'dudao_ingress_seconds', help: 'Feishu deliveries (events, card callbacks) from arrival to answer, by event type', labelNames: ['kind'], buckets: LATENCY, registers });
  const card = new Histogram({ name: 'dudao_card_action_seconds', help: 'Card action handling, by action', labelNames: ['action'], buckets: LATENCY, registers });
  const http = new Counter({ name: 'dudao_http_responses_total', help: 'HTTP answers, by status', labelNames: ['status'], registers });
  const feishu = new Counter({ name: 'dudao_feishu_api_errors_total', help: 'Feishu API calls that failed, by Feishu code (or http_5xx, timeout, network)', labelNames: ['code'], registers });
  const jobs = new Histogram({ name: 'dudao_job_run_seconds', help: 'Job runs (count) and their durations, by job and outcome', labelNames: ['job', 'outcome'], buckets: JOB_SECONDS, registers });
  const db = new Histogram({ name: 'dudao_db_command_seconds', help: 'Database round trips, by command and outcome', labelNames: ['command', 'outcome'], buckets: DB_SECONDS, registers });
  const kinds = bounded();
  const actions = bounded();
  const codes = bounded();
  const commands = bounded();
  const jobNames = bounded();

  // one read per scrape feeds both outbox gauges (the registry collects its metrics concurrently)
  let outbox: { read: () => Promise<OutboxDepth>; now: () => Date } | undefined;
  let shared: Promise<OutboxDepth | null> | undefined;
  const depth = (): Promise<OutboxDepth | null> => {
    if (!outbox) return Promise.resolve(null);
    shared ??= withTimeout(outbox.read(), SCRAPE_DB_TIMEOUT_MS)
      .catch((e: Error) => {
        o.onCollectError?.(e); // the scrape still answers, without the outbox figures
        return null;
      })
      .finally(() => (shared = undefined));
    return shared;
  };
  new Gauge({
    name: 'dudao_outbox_rows',
    help: 'Outbox rows, by status',
    labelNames: ['status'],
    registers,
    async collect() {
      this.reset();
      const d = await depth();
      for (const [status, n] of Object.entries(d?.counts ?? {})) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'dudao_outbox_oldest_pending_seconds',
    help: 'Age of the oldest outbox row still to send (0 when none, NaN when the outbox could not be read)',
    registers,
    async collect() {
      const d = await depth();
      const now = outbox?.now().getTime() ?? 0;
      this.set(!d ? NaN : d.oldestPending ? Math.max(0, (now - d.oldestPending.getTime()) / 1000) : 0);
    },
  });

  return {
    registry,
    ingress: (kind, s) => ingress.observe({ kind: kinds(kind) }, s),
    cardAction: (action, s) => card.observe({ action: actions(action) }, s),
    httpAnswer: (status) => http.inc({ status: String(status) }),
    feishuError: (code) => feishu.inc({ code: codes(code) }),
    jobRun: (job, outcome, s) => jobs.observe({ job: jobNames(job), outcome }, s),
    watchMongo(client) {
      client.on('commandSucceeded', (e) => db.observe({ command: commands(e.commandName), outcome: 'ok' }, e.duration / 1000));
      client.on('commandFailed', (e) => db.observe({ command: commands(e.commandName), outcome: 'error' }, e.duration / 1000));
    },
    watchOutbox(read, now) {
      outbox = { read, now };
    },
  };
}

/** Seconds since `started` (a `performance.now()` reading). */
export const secondsSince = (started: number): number => (performance.now() - started) / 1000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
