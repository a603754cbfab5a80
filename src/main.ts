import type { Server } from 'node:http';
import type Koa from 'koa';
import type Router from '@koa/router';
import type { Connection } from './adapters/mongo/database';
import { chineseDaysSource } from './adapters/chinese-days-source';
import { FeishuMessenger } from './adapters/feishu/messenger';
import { startLongConnection, wsAppIdProblem, type LongConnection, type LongConnectionFactory } from './adapters/feishu/ws';
import { OutboxWorker } from './adapters/feishu/outbox-worker';
import { RateLimiter } from './adapters/feishu/rate-limit';
import { Database } from './adapters/mongo/database';
import { mongoLeadersPorts } from './adapters/mongo/leaders-ports';
import { MongoOwedDocs, type Relay } from './adapters/mongo/owed-docs';
import { Locks } from './adapters/mongo/lock';
import { defineModels, ensureIndexes, type Models } from './adapters/mongo/models';
import { OutboxStore } from './adapters/mongo/outbox-store';
import { mongoCorePorts } from './adapters/mongo/core-ports';
import { Bot } from './app/bot';
import { CardHandler } from './app/card-handler';
import { AppCardViews } from './app/card-views';
import { leadersHelp } from './app/leaders-help';
import { taskLoopFeature } from './features/task-loop';
import { statsFeature } from './features/stats';
import type { WiredDeps } from './adapters/mongo/models';
import { DispatchService } from './features/dispatch/service';
import { dispatchFeature } from './features/dispatch';
import { helpFeature } from './features/help';
import { orgFeature } from './features/org';
import { orgAdmin } from './org/admin';
import type { ContactResolver } from './org';
import { FileMakers } from './app/files-out';
import { ledgerFeature } from './features/ledger';
import { evaluationFeature } from './features/evaluation';
import { MongoLedgerStore } from './adapters/mongo/ledger-store';
import { MessageHandler } from './app/message-handler';
import type { Messenger } from './app/ports';
import { TaskService } from './app/task-service';
import { AppClock, type Clock } from './clock';
import { configOrExit, type Config } from './config';
import { WorkCalendar } from './domain/calendar';
import { localDate } from './domain/time';
import { apiRoutes } from './http/api-routes';
import { createHttpApp, NotReady } from './http/app';
import { feishuRoutes } from './http/feishu-routes';
import { cleanupJob } from './jobs/cleanup';
import { outboxJob, type OutboxSender } from './jobs/outbox';
import { remindersFeature } from './features/reminders';
import { JobRunner } from './jobs/runner';
import { weeklyDigestFeature } from './features/weekly-digest';
import { createLogger, type Logger } from './log';
import { feishuResolver } from './app/feishu-resolver';
import { seedSandbox, startSandbox, type Sandbox } from './sandbox/sandbox';
import { persistSandbox, type SandboxPersistence } from './sandbox/persist';
import { webRoutes } from './http/web-routes';
import { dashboardRoutes } from './http/dashboard-routes';
import { createMetrics, type Metrics } from './metrics';
import { meteredBot, meteredCards } from './app/metered';
import { openapiRoutes } from './http/openapi-routes';
import { recordRoutes } from './http/record-routes';
import { featureRoutes } from './http/feature-routes';
import { featureActions, reportSections, taskEffects, type Feature } from './app/feature';
import { MongoRecords } from './adapters/mongo/records';
import { majorReportsFeature } from './features/major-reports';
import { groupMeetingsFeature } from './features/group-meetings';
import { fileDispatchFeature } from './features/file-dispatch';
import { resultsFeature } from './features/results';
import { escalationFeature } from './features/escalation';
import { meetingsFeature } from './features/meetings';
import { summariesFeature } from './features/summaries';
import { appealsFeature } from './features/appeals';
import { bulletinsFeature } from './features/bulletins';
import { yearFactsFromMongo } from './adapters/mongo/year-facts';
import { fieldWorkFromMongo } from './adapters/mongo/field-work-facts';
import { CARD_ACTIONS } from './cards/actions';
import { backfillSteps } from './app/record-steps';
import { version } from '../package.json';
import { isEntry } from './paths';
import { machineNow } from './clock';
import { MongoCodedStore } from './adapters/mongo/coded-store';
import { projectCode, type Project } from './domain/project';
import { projectsFeature } from './features/projects';
import { visitsFeature } from './features/visits';
import { visitCode, type Visit } from './domain/visit';

/**
 * The one place that wires dudao together. `buildService` is used by `main()` and by the end-to-end
 * tests; nothing here runs at import time.
 */
export interface Service {
  config: Config;
  deps: WiredDeps;
  /** The adapters behind `deps` (see Core.stores). */
  stores: Core['stores'];
  app: Koa;
  /** Every router the app serves (the admin API's among them: see http/openapi-routes.ts). */
  routers: Router[];
  bot: Bot;
  worker: OutboxWorker;
  runner: JobRunner;
  conn: Connection;
  /** This service's metrics, scraped at GET /metrics. */
  metrics: Metrics;
  /** The database, watched: connected, prepared and probed in the background (see adapters/mongo/database.ts). */
  db: Database;
  sandbox?: Sandbox;
  listen(port?: number): Promise<number>;
  /** Learns the bot's own open_id (to recognise @-mentions); retried in the background when Feishu does not answer. */
  learnBot(): Promise<void>;
  /** Starts the outbox worker, the relay and the job schedule. */
  startBackground(opts?: { scheduler?: boolean }): void;
  close(): Promise<void>;
}

export interface BuildOptions {
  log?: Logger;
  clock?: Clock;
  messenger?: Messenger;
  dbName?: string;
  /** The long connection (websocket mode); tests pass one whose state they control. */
  longConnection?: LongConnectionFactory;
  /** Outbox tuning for tests (short locks, quick polling). */
  outbox?: { lockTtlMs?: number; pollMs?: number; scanMs?: number; timeoutMs?: number };
}

export async function buildService(config: Config, opts: BuildOptions = {}): Promise<Service> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const closers: (() => Promise<unknown>)[] = [];
  const { db, conn, metrics, sandbox, businessClock } = await openStorage(config, opts, log, closers);

  const feishu = config.feishu ?? sandbox!.feishu;
  const messenger = opts.messenger ?? new FeishuMessenger({ appId: feishu.appId, appSecret: feishu.appSecret, domain: feishu.domain, timeoutMs: opts.outbox?.timeoutMs, onError: (code) => metrics.feishuError(code) });
  let botOpenId: string | undefined;
  let outboxSender: OutboxWorker | undefined; // the `outbox` job sends through the service's worker
  const resolver = sandbox ? sandbox.resolver : feishuResolver(messenger);
  const core = await buildCore(config, { conn, log, clock: opts.clock, botOpenId: () => botOpenId, outboxSender: () => outboxSender, messenger: () => messenger, resolver: () => resolver, metrics, prepare: false });
  const { deps, views, features, runner } = core;
  const { models, locks, outbox } = core.stores;
  const { clock } = deps;
  businessClock.now = () => clock.now().getTime();
  db.onStart('indexes', () => ensureIndexes(models));
  // reminders and letters sent before they were put on the record (once; see app/record-steps.ts)
  db.onStart('audit backfill', () => backfillSteps(deps).catch((e: Error) => log.warn({ err: e.message }, 'audit backfill failed; it is tried again at the next start')));
  db.start();
  let kept: SandboxPersistence | undefined;
  if (sandbox) {
    await db.whenReady(); // the sandbox's own FerretDB, started above
    await seedSandbox(deps, sandbox.fake, sandbox.resolver);
    for (const f of features) await f.demo?.().catch((e: Error) => log.warn({ err: e.message, feature: f.name }, 'demo history not made'));
    kept = await persistSandbox(conn, sandbox.fake, clock, log);
    closers.push(() => kept!.flush()); // closers run last-first: written before the database closes
  }

  const bot = botOf(deps, features, metrics);
  const ingress = meteredBot(bot, metrics);
  const worker = new OutboxWorker({ models, store: outbox, locks, messenger, renderer: views, files: deps.files, log, limiter: new RateLimiter(config.OUTBOX_CHAT_RATE, config.OUTBOX_APP_RATE), lockTtlMs: opts.outbox?.lockTtlMs, pollMs: opts.outbox?.pollMs, scanMs: opts.outbox?.scanMs ?? config.OUTBOX_SCAN, editNow: () => clock.now().getTime() });
  outboxSender = worker;

  const verify = () => ({ verificationToken: feishu.verificationToken, encryptKey: feishu.encryptKey, maxAgeMs: config.FEISHU_MAX_EVENT_AGE });
  const deliveries = feishuRoutes({ verify, bot: ingress, log, db });
  const routers: Router[] = [
    deliveries,
    apiRoutes({ deps, runner }),
    dashboardRoutes({ deps, runner }),
    recordRoutes({ deps }),
    featureRoutes(features, log),
    webRoutes({ sandbox: Boolean(sandbox), log }),
  ];
  if (sandbox) routers.push(sandbox.routes({ deps, runner, worker, clock, kept: kept! }));
  routers.push(openapiRoutes({ routers: () => routers, version }));
  const auth = { adminToken: config.adminToken, metricsToken: config.METRICS_TOKEN, open: sandbox ? ['/api/sandbox'] : [] };
  // ready: the database answers (checked by createHttpApp), and in websocket mode the long connection is up (events arrive only then)
  let ws: LongConnection | undefined;
  const ready = async () => {
    if (config.FEISHU_EVENT_MODE === 'websocket' && config.feishu && ws?.state() !== 'connected') throw new NotReady('ws_not_connected', `the long connection to Feishu is ${ws?.state() ?? 'not started'}`);
  };
  metrics.watchOutbox(() => outbox.depth(), () => clock.now());
  const app = createHttpApp({ log, db, ready, routers, ingress: deliveries, auth, metrics });

  const learnBot = async () => {
    try {
      botOpenId = (await messenger.botInfo()).openId;
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'bot info not available yet; group mentions are recognised by any @ until it is');
      setTimeout(() => void learnBot(), 60_000).unref();
    }
  };
  const startWs = () => {
    if (config.FEISHU_EVENT_MODE === 'websocket' && config.feishu) ws = (opts.longConnection ?? startLongConnection)(ingress, feishu, log);
  };
  const parts = { config, deps, stores: core.stores, app, routers, bot, worker, runner, conn, metrics, db, sandbox, learnBot };
  return withLifecycle(parts, { features, log, closers, startWs, stopWs: () => ws?.close() });
}

/** The database (MONGODB_URI, or in sandbox mode the project's own FerretDB) and the metrics watching it. */
async function openStorage(config: Config, opts: BuildOptions, log: Logger, closers: (() => Promise<unknown>)[]) {
  let uri = config.MONGODB_URI;
  let sandbox: Sandbox | undefined;
  const businessClock = { now: () => machineNow() }; // the stand-in stamps messages on the business clock, once there is one
  if (config.sandbox) {
    sandbox = await startSandbox({ config, log, now: () => businessClock.now() });
    closers.push(() => sandbox!.stop());
    uri ??= sandbox.mongoUri;
  }
  if (!uri) throw new Error('MONGODB_URI is required outside sandbox mode');
  // the service does not wait for the database: it listens at once and answers 503 until it is up
  const db = new Database({ uri, dbName: opts.dbName, log, timeoutMs: config.DB_TIMEOUT });
  const metrics = createMetrics({ onCollectError: (e) => log.warn({ err: e.message }, 'metrics: the outbox could not be read') });
  db.onClient((client) => metrics.watchMongo(client));
  closers.push(() => db.close());
  return { db, conn: db.conn, metrics, sandbox, businessClock };
}

/** The bot's one entry, routing messages and card actions to the features (docs/architecture.md#one-entry-for-events). */
function botOf(deps: WiredDeps, features: readonly Feature[], metrics: Metrics): Bot {
  const messages = new MessageHandler(deps, features);
  const actions = featureActions(features);
  const cards = new CardHandler(deps, actions);
  return new Bot(deps, {
    onMessage: (m) => messages.handle(m),
    query: (m) => messages.query(m),
    onCard: meteredCards((a) => cards.handle(a), metrics, new Set([...CARD_ACTIONS, ...actions.keys()])),
    onOther: async (e) => {
      if (e.eventType === 'im.chat.member.bot.added_v1' && e.chatId) await messages.greet(e.chatId, e.eventId);
    },
    otherTypes: ['im.chat.member.bot.added_v1'],
  });
}

type ServiceParts = Omit<Service, 'listen' | 'startBackground' | 'close'>;

/** Listening, the background work (relay, outbox worker, schedule, long connection) and the orderly close. */
function withLifecycle(p: ServiceParts, o: { features: readonly Feature[]; log: Logger; closers: (() => Promise<unknown>)[]; startWs: () => void; stopWs: () => void }): Service {
  const { config, db, worker, runner, deps, sandbox, app } = p;
  const { log } = o;
  let server: Server | undefined;
  let relayTimer: NodeJS.Timeout | undefined;
  return {
    ...p,
    async listen(port = config.PORT) {
      server = app.listen(port, config.host);
      await new Promise<void>((r, j) => server!.once('listening', r).once('error', j));
      const actual = (server.address() as { port: number }).port;
      sandbox?.attach(actual);
      return actual;
    },
    startBackground({ scheduler = true } = {}) {
      void p.learnBot();
      // what a crash left owed is relayed once the database is up, and every 5 minutes (skipped while it is away)
      const relay = () => {
        if (!db.ready) return;
        void deps.tasks.relayAll().catch((e) => log.warn({ err: (e as Error).message }, 'relay failed; the next pass retries'));
        for (const f of o.features) void f.relay?.().catch((e) => log.warn({ err: (e as Error).message, feature: f.name }, 'relay failed; the next pass retries'));
      };
      void db.whenReady().then(relay);
      relayTimer = setInterval(relay, 5 * 60_000);
      relayTimer.unref();
      worker.start();
      if (scheduler) runner.start(() => db.ready);
      o.startWs();
    },
    async close() {
      // stop taking requests, finish in-flight work, release leases, close the database
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      await deps.tasks.settled(); // relays that card answers left running (docs/architecture.md#a-card-click-in-four-round-trips)
      if (relayTimer) clearInterval(relayTimer);
      o.stopWs();
      await runner.stop();
      await worker.stop();
      await p.stores.locks.releaseAll().catch(() => undefined);
      for (const c of o.closers.reverse()) await c().catch((e) => log.warn({ err: e }, 'close step failed'));
    },
  };
}

/**
 * The application without transports: dependencies, card views, services and jobs on one database.
 * Used by the service and by command-line scripts (`npm run job`), which run jobs against the same
 * database while the service's outbox worker sends what they queue.
 */
export interface Core {
  deps: WiredDeps;
  views: AppCardViews;
  dispatch: DispatchService;
  features: Feature[];
  runner: JobRunner;
  /** The adapters themselves, for the transports (the outbox worker) and scripts; use cases get `deps`. */
  stores: { models: Models; locks: Locks; outbox: OutboxStore };
}

/** `prepare: false` leaves the indexes to the caller (the service creates them once the database is up). */
export async function buildCore(config: Config, o: { conn: Connection; log: Logger; clock?: Clock; botOpenId?: () => string | undefined; outboxSender?: () => OutboxSender | undefined; messenger?: () => Messenger | undefined; resolver?: () => ContactResolver | undefined; metrics?: Metrics; prepare?: boolean }): Promise<Core> {
  const { log, conn } = o;
  const models = defineModels(conn);
  if (o.prepare !== false) await ensureIndexes(models);
  const clock = o.clock ?? new AppClock(config.CLOCK_START ? new Date(config.CLOCK_START) : undefined);
  if (config.CLOCK_START) log.warn({ clockStart: config.CLOCK_START }, 'CLOCK_START is set: the service clock does not show the real time');
  const cal = new WorkCalendar(chineseDaysSource(), config.WORKDAY_OVERRIDES);
  const year = Number(localDate(clock.now(), config.TIMEZONE).slice(0, 4));
  const uncovered = cal.uncoveredYears([year, year + 1]);
  if (uncovered.length) log.warn({ years: uncovered }, 'no State Council holiday notice in the data for these years: the statutory holidays and their make-up days are used; the weekend swaps (调休) are unknown until published, add them to WORKDAY_OVERRIDES (npm run calendar -- YEAR lists the days)');

  const locks = new Locks(models.locks);
  const outbox = new OutboxStore(models);
  const ports = mongoCorePorts(models, { locks, outbox, log });
  const relay: Relay = { put: (items) => outbox.put(items), expand: (items) => ports.tasks.expand(items) };
  const deps: WiredDeps = {
    settings: { tz: config.TIMEZONE, lights: { yellowWorkdays: config.LIGHT_YELLOW_WORKDAYS, lagPoints: config.LIGHT_LAG_POINTS }, categories: config.TASK_CATEGORIES, meetingSource: config.MEETING_SOURCE_LABEL, ranking: config.RANKING_WEIGHTS },
    models,
    ...ports,
    clock,
    cal,
    log,
    files: new FileMakers(),
    botOpenId: o.botOpenId ?? (() => undefined),
    metrics: o.metrics,
    ...mongoLeadersPorts(models, { locks, relay, clock }),
  };

  const dispatch = new DispatchService(deps);
  const projectStore = new MongoCodedStore<Project>(conn, 'project', models, locks, deps.tasks, outbox, projectCode, () => clock.now());
  const visitStore = new MongoCodedStore<Visit>(conn, 'visit', models, locks, deps.tasks, outbox, visitCode, () => clock.now());
  const fieldWork = fieldWorkFromMongo({ projects: projectStore, visits: visitStore }, config.TIMEZONE);
  // the features, one line each (docs/architecture.md#features); those others read are made first and passed on
  const escalation = escalationFeature(deps);
  const results = resultsFeature(deps, {
    highlights: { records: new MongoRecords(models.highlights, locks), changes: new MongoOwedDocs(models.highlights, 'highlight', { locks, relay, audit: deps.audit, clock }) },
    grades: { records: new MongoRecords(models.unitGrades, locks), changes: new MongoOwedDocs(models.unitGrades, 'unit_grade', { locks, relay, audit: deps.audit, clock }) },
    facts: (year) => yearFactsFromMongo(models, config.TIMEZONE, year, fieldWork),
  });
  // the features' sections of the monthly summary and the weekly digest (the projects'), asked when the jobs run
  const sections = reportSections(() => features);
  const summaries = summariesFeature(deps, escalation.service, { yearEnd: (year) => results.yearCard(year), sections });
  const projects = projectsFeature(deps, projectStore, dispatch);
  const views = new AppCardViews(deps, { ranking: (p, org) => summaries.ranking(p, org), supervisors: (p, org) => results.statsRows(p, org) });
  const tasks = new TaskService(deps, { onNotice: (t, n, actor) => taskEffects(features).onNotice!(t, n, actor) }); // the features' effects of a task change
  const features: Feature[] = [
    dispatchFeature(deps, dispatch),
    taskLoopFeature(deps, views, tasks),
    { name: 'leaders-help', help: leadersHelp }, // 通报, 会议纪要, 申诉's 帮助 lines, in this order before 统计
    statsFeature(views),
    remindersFeature({ leaseMs: config.JOB_LEASE }),
    weeklyDigestFeature(sections),
    orgFeature(deps, orgAdmin({ models, locks, clock, resolver: () => o.resolver?.() })),
    results,
    escalation.feature,
    summaries.feature,
    meetingsFeature(deps, escalation.service, dispatch),
    appealsFeature(deps),
    bulletinsFeature(deps),
    groupMeetingsFeature(deps, { records: new MongoRecords(models.groupMeetings, locks), changes: new MongoOwedDocs(models.groupMeetings, 'group_meeting', { locks, relay, audit: deps.audit, clock }) }, dispatch, escalation.service),
    majorReportsFeature(deps, { records: new MongoRecords(models.majorReports, locks), changes: new MongoOwedDocs(models.majorReports, 'major_report', { locks, relay, audit: deps.audit, clock }) }, escalation.service),
    ledgerFeature(deps, new MongoLedgerStore(conn, models)),
    evaluationFeature(deps, summaries.service, (y) => results.gradesOf(y)),
    fileDispatchFeature(deps, dispatch, { source: () => o.messenger?.() }),
    projects.feature,
    visitsFeature(deps, visitStore, dispatch, projects.service, () => o.messenger?.()),
    helpFeature(deps, () => features), // last: 帮助's own line ends the card
  ];
  views.useFeatures(features);
  const eventRetentionMs = Math.max(config.FEISHU_MAX_EVENT_AGE * 2, 24 * 3_600_000); // must outlive the signature window
  const outboxRun = outboxJob({ tasks: ports.tasks, features, sender: () => o.outboxSender?.() }); // no cron slot: see jobs/outbox.ts
  const runner = new JobRunner(deps, [...features.flatMap((f) => f.jobs ?? []), outboxRun, cleanupJob({ eventRetentionMs })], config.schedules, undefined, config.JOB_LEASE);

  return { deps, views, dispatch, features, runner, stores: { models, locks, outbox } };
}

/**
 * A rejection nobody handled is a bug in a background path: logged with its stack and the service goes
 * on (the loops it came from retry on their own), where Node would end the process. An uncaught
 * exception may have left any state half-changed: logged as fatal, then the process exits with 1 for
 * its supervisor to restart it (what is owed is in the database and goes out after the restart).
 */
export function watchProcess(log: Logger): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason instanceof Error ? reason : { message: String(reason) } }, 'unhandled promise rejection (the service keeps running)');
  });
  process.on('uncaughtException', (err, origin) => {
    log.fatal({ err, origin }, 'uncaught exception: exiting');
    log.flush?.();
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  });
}

async function main(): Promise<void> {
  const config = configOrExit();
  const wsProblem = config.FEISHU_EVENT_MODE === 'websocket' && config.feishu ? wsAppIdProblem(config.feishu.appId) : null;
  if (wsProblem) {
    process.stderr.write(`dudao: configuration error: ${wsProblem}\n`);
    process.exit(2);
  }
  const log = createLogger(config.LOG_LEVEL);
  watchProcess(log);
  const service = await buildService(config, { log });
  const port = await service.listen();
  service.startBackground();
  log.info({ port, mode: config.sandbox ? 'sandbox' : 'feishu', events: config.FEISHU_EVENT_MODE }, 'dudao is listening');
  if (config.sandbox) {
    process.stdout.write(`\n  dudao sandbox: http://127.0.0.1:${port}/sandbox   admin: http://127.0.0.1:${port}/admin (token: ${config.ADMIN_TOKEN ? 'ADMIN_TOKEN' : config.adminToken})\n\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    service.close().then(
      () => process.exit(0),
      (e) => {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (isEntry(module, 'main')) {
  main().catch((e) => {
    process.stderr.write(`dudao: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
