/**
 * `npm run job -- NAME [--at 2026-12-15T09:00:00+08:00] [--force]`: runs a job for a moment, the same
 * code the schedule runs. Messages it owes go to the outbox; the running service sends them. The
 * `outbox` job is the exception: with a Feishu app configured it sends what is due itself (a one-shot
 * worker, safe next to a running service: rows are claimed one by one and sent with their uuid).
 * Uses MONGODB_URI, or the sandbox's database (started by `npm start`, or for this run). The run is
 * recorded in the audit log as asked by `cli` and the OS user.
 */
import os from 'node:os';
import { configOrExit } from '../src/config';
import { connectMongo } from '../src/adapters/mongo/connection';
import { createLogger } from '../src/log';
import { buildCore } from '../src/main';
import { FeishuMessenger } from '../src/adapters/feishu/messenger';
import { OutboxWorker } from '../src/adapters/feishu/outbox-worker';
import { RateLimiter } from '../src/adapters/feishu/rate-limit';
import { UnknownJob } from '../src/jobs/runner';
import { runDetails } from '../src/app/run-words';
import { mongoForScripts } from './ferretdb';

const USAGE = 'usage: npm run job -- NAME [--at ISO-moment] [--force]   e.g. npm run job -- reminders --at 2026-12-15T09:00:00+08:00';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name.startsWith('-')) {
    console.error(USAGE);
    return 2;
  }
  const atIdx = rest.indexOf('--at');
  const atText = atIdx >= 0 ? rest[atIdx + 1] : undefined;
  if (atIdx >= 0 && (!atText || Number.isNaN(Date.parse(atText)) || !/^\d{4}-\d{2}-\d{2}T/.test(atText))) {
    console.error(`--at: expected an ISO moment such as 2026-12-15T09:00:00+08:00, got "${atText ?? ''}"`);
    return 2;
  }
  const unknown = rest.filter((a, i) => a.startsWith('--') && !['--at', '--force'].includes(a) && rest[i - 1] !== '--at');
  if (unknown.length) {
    console.error(`unknown option ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  const config = configOrExit();
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const db = await mongoForScripts();
  const conn = await connectMongo(db.uri);
  try {
    let sender: OutboxWorker | undefined;
    const core = await buildCore(config, { conn, log, outboxSender: () => sender });
    if (name === 'outbox' && config.feishu) {
      // no worker runs in this process: the job sends through one of its own (in sandbox mode the
      // sandbox's Feishu lives in the service, which sends)
      const { appId, appSecret, domain } = config.feishu;
      const { models, outbox, locks } = core.stores;
      const messenger = new FeishuMessenger({ appId, appSecret, domain });
      sender = new OutboxWorker({ models, store: outbox, locks, messenger, renderer: core.views, log, limiter: new RateLimiter(config.OUTBOX_CHAT_RATE, config.OUTBOX_APP_RATE) });
    }
    const at = atText ? new Date(atText) : core.deps.clock.now();
    const run = await core.runner.run(name, at, { trigger: 'manual', force: rest.includes('--force'), by: `cli ${osUser()}` });
    console.log(`${name} @ ${at.toISOString()}: ${run.status}`);
    console.log(runDetails(run));
    return run.status === 'error' ? 1 : 0;
  } catch (e) {
    if (e instanceof UnknownJob) {
      console.error(e.message);
      return 2;
    }
    throw e;
  } finally {
    await conn.close();
    await db.stop();
  }
}

/** The OS user who ran the command, for the audit log. */
function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error((e as Error).message);
    process.exit(1);
  },
);
