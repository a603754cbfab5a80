import { isIP } from 'node:net';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { parseWeights } from './domain/ranking';
import { trimEndChars } from './domain/trim';
import { machineDate } from './clock';

/**
 * Every setting comes from the environment (docs/rules.md#configuration-and-http-interface). `loadConfig` never throws past its caller:
 * `configOrExit` turns the first problem into one line naming the variable, then exit code 2.
 */

const DURATION = /^(\d+)\s*(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function duration(what: string) {
  return z.string().trim().transform((v, ctx) => {
    const m = DURATION.exec(v);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as 12h, 30m or 3600s (${what}), got "${v}"` });
      return z.NEVER;
    }
    return Number(m[1]) * UNIT_MS[m[2] ?? 's'];
  });
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const optional = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s);

const envSchema = z.object({
  FEISHU_APP_ID: z.string().trim().regex(/^cli_\w+$/, 'expected an app id such as cli_a1b2c3').optional(),
  FEISHU_APP_SECRET: z.string().trim().min(1, 'expected the app secret from the developer console').optional(),
  FEISHU_VERIFICATION_TOKEN: z.string().trim().min(1, 'expected the Verification Token from the event subscription page').optional(),
  FEISHU_ENCRYPT_KEY: z.string().trim().min(1).optional(),
  FEISHU_DOMAIN: z
    .string()
    .trim()
    .default('feishu')
    .transform((v) => trimEndChars(v, '/')) // the SDK builds `${domain}/open-apis/…`: a trailing slash would double it
    .refine((v) => v === 'feishu' || v === 'lark' || /^https?:\/\/[^\s/]+(:\d+)?$/.test(v), {
      message: 'expected feishu, lark or a base URL such as http://127.0.0.1:9000',
    }),
  FEISHU_EVENT_MODE: z.enum(['webhook', 'websocket'], { message: 'expected webhook or websocket' }).default('webhook'),
  FEISHU_MAX_EVENT_AGE: duration('how old a signed request may be').default(12 * 3_600_000),
  MONGODB_URI: z
    .string()
    .trim()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'expected a connection string such as mongodb://127.0.0.1:27017/dudao')
    .optional(),
  // how long a ping or a request waits for an unanswering database before it is called unavailable (503)
  DB_TIMEOUT: duration('how long to wait for an unanswering database').default(3000),
  PORT: z.coerce.number({ message: 'expected a port number' }).int().min(0).max(65535).default(3000),
  // the interface to listen on; the default depends on the mode (see loadConfig)
  HOST: z
    .string()
    .trim()
    .refine((v) => isIP(v) !== 0 || /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/i.test(v), { message: 'expected an address to listen on such as 127.0.0.1, 0.0.0.0, :: or localhost' })
    .optional(),
  TIMEZONE: z.string().trim().default('Asia/Shanghai').refine(isTimeZone, { message: 'expected an IANA time zone such as Asia/Shanghai' }),
  // no length is set (docs/rules.md#configuration-and-http-interface): a short token is accepted with a warning at start (see `warnings`)
  ADMIN_TOKEN: z.string().trim().min(1, 'expected the bearer token that guards /api and /admin').optional(),
  METRICS_TOKEN: z.string().trim().min(1, 'expected a bearer token for GET /metrics').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'expected one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  CLOCK_START: z
    .string()
    .trim()
    .refine((v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)), { message: 'expected an ISO moment such as 2026-12-15T09:00:00+08:00' })
    .optional(),
  // product settings (docs/rules.md#tasks-and-their-states, docs/rules.md#scheduled-jobs), all with defaults
  WORKDAY_OVERRIDES: z
    .string()
    .trim()
    .default('')
    .transform((v, ctx) => {
      const out: Record<string, boolean> = {};
      for (const item of v.split(/[,\s]+/).filter(Boolean)) {
        const m = /^(\d{4}-\d{2}-\d{2}):(work|off)$/.exec(item);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: `expected a list such as 2027-01-01:off,2027-02-07:work, got "${item}"` });
          return z.NEVER;
        }
        out[m[1]] = m[2] === 'work';
      }
      return out;
    }),
  LIGHT_YELLOW_WORKDAYS: z.coerce.number().int().min(0).max(30).default(3),
  LIGHT_LAG_POINTS: z.coerce.number().int().min(1).max(100).default(30),
  TASK_CATEGORIES: z
    .string()
    .default('重点项目,问题整改,征迁,信访,巡视整改,其他')
    .transform((v) => v.split(/[,，、]/).map((s) => s.trim()).filter(Boolean)),
  MEETING_SOURCE_LABEL: z.enum(['调度会', '领导交办']).default('调度会'),
  OUTBOX_CHAT_RATE: z.coerce.number().positive().default(5),
  OUTBOX_APP_RATE: z.coerce.number().positive().default(50),
  // how often the outbox worker looks for rows other processes put (its own wake it at once); idle, the wait grows to six times this
  OUTBOX_SCAN: duration('how often to look for messages other processes queued')
    .default(5000)
    .refine((ms) => ms >= 100 && ms <= 600_000, { message: 'expected a duration from 100ms to 10m' }),
  JOB_SCHEDULES: z.string().default(''),
  // how long a job's lock lasts unless renewed (src/jobs/runner.ts JOB_LEASE_MS): a killed instance's run is taken over about this long after
  JOB_LEASE: duration('how long a job lock lasts unless renewed')
    .default(60_000)
    .refine((ms) => ms >= 5000 && ms <= 3_600_000, { message: 'expected a duration from 5s to 1h' }),
  // 晾晒比拼 score weights (src/domain/ranking.ts), e.g. "onTime=2,overdueDay=1,overdueCap=10,return=3,letter=5"
  RANKING_WEIGHTS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      try {
        return parseWeights(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  sandbox: boolean;
  adminToken: string;
  /** HOST, or 127.0.0.1 in sandbox mode (its control API has no token) and 0.0.0.0 otherwise. */
  host: string;
  feishu?: { appId: string; appSecret: string; verificationToken: string; encryptKey?: string; domain: string };
  schedules: Record<string, string>;
  /** Settings that work but are unwise, one line each, never showing a secret; logged at start. */
  warnings: string[];
}

/** Below this an ADMIN_TOKEN is accepted but warned about. */
export const ADMIN_TOKEN_ADVISED_LENGTH = 16;

export const DEFAULT_SCHEDULES: Record<string, string> = {
  reminders: '0 9 * * *',
  'weekly-digest': '0 9 * * 1-5', // runs only on the week's first workday (Monday unless a holiday)
  'monthly-summary': '0 9 1-10 * *', // runs only on the first workday of the month
  'meeting-reminder': '0 9 20-27 * *', // acts only on the first workday on or after the 20th
  cleanup: '30 3 * * *',
  'visit-quiet': '*/10 * * * *', // every day: ends 现场督导 visits after 2 hours of quiet (features/visits/quiet.ts)
  // `outbox` has no slot: it runs continuously (the outbox worker) and on demand (see jobs/outbox.ts)
};

export class ConfigError extends Error {}

/**
 * Why a five-field cron expression cannot be scheduled (a value out of range, a day that never comes),
 * or null. The job runner evaluates it every minute; an error there would surface only at the first tick.
 */
export function cronProblem(expr: string, tz: string): string | null {
  try {
    const it = CronExpressionParser.parse(expr, { tz, currentDate: machineDate() });
    it.prev();
    it.next();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export function loadConfig(raw: NodeJS.ProcessEnv): Config {
  const env: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) env[key] = optional(raw[key]);
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? '?');
    throw new ConfigError(`${name}: ${issue.message}${env[name] !== undefined && !/got "/.test(issue.message) && !name.includes('SECRET') && !name.includes('TOKEN') && !name.includes('KEY') ? ` (got "${env[name]}")` : ''}`);
  }
  const e = parsed.data;
  const sandbox = !e.FEISHU_APP_ID;
  let feishu: Config['feishu'];
  if (!sandbox) {
    for (const name of ['FEISHU_APP_SECRET', 'FEISHU_VERIFICATION_TOKEN', 'MONGODB_URI', 'ADMIN_TOKEN'] as const) {
      if (!e[name]) throw new ConfigError(`${name}: required when FEISHU_APP_ID is set`);
    }
    feishu = {
      appId: e.FEISHU_APP_ID!,
      appSecret: e.FEISHU_APP_SECRET!,
      verificationToken: e.FEISHU_VERIFICATION_TOKEN!,
      encryptKey: e.FEISHU_ENCRYPT_KEY,
      domain: e.FEISHU_DOMAIN,
    };
  }
  const schedules = { ...DEFAULT_SCHEDULES };
  for (const item of e.JOB_SCHEDULES.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z-]+)=(.+)$/.exec(item);
    if (!m || !(m[1] in DEFAULT_SCHEDULES) || m[2].trim().split(/\s+/).length !== 5) {
      throw new ConfigError(`JOB_SCHEDULES: expected entries such as "reminders=0 9 * * *; weekly-digest=0 9 * * 1" naming ${Object.keys(DEFAULT_SCHEDULES).join(', ')}, got "${item}"`);
    }
    const expr = m[2].trim();
    const bad = cronProblem(expr, e.TIMEZONE);
    if (bad) throw new ConfigError(`JOB_SCHEDULES: ${m[1]}="${expr}" is not a cron expression that can run (${bad})`);
    schedules[m[1]] = expr;
  }
  const warnings: string[] = [];
  if (e.ADMIN_TOKEN && e.ADMIN_TOKEN.length < ADMIN_TOKEN_ADVISED_LENGTH) {
    warnings.push(`ADMIN_TOKEN: shorter than ${ADMIN_TOKEN_ADVISED_LENGTH} characters; it guards /api and /admin, a longer random one is advised`);
  }
  if (e.METRICS_TOKEN && e.METRICS_TOKEN.length < ADMIN_TOKEN_ADVISED_LENGTH) {
    warnings.push(`METRICS_TOKEN: shorter than ${ADMIN_TOKEN_ADVISED_LENGTH} characters; a longer random one is advised`);
  }
  const host = e.HOST ?? (sandbox ? '127.0.0.1' : '0.0.0.0');
  if (sandbox && !['127.0.0.1', '0.0.0.0', '::'].includes(host)) {
    // the sandbox's own console posts its signed events to http://127.0.0.1:PORT
    throw new ConfigError(`HOST: in sandbox mode use 127.0.0.1 (the default), 0.0.0.0 or ::, so that the stand-in reaches the service on 127.0.0.1 (got "${host}")`);
  }
  if (sandbox && host !== '127.0.0.1') {
    warnings.push(`HOST: sandbox mode listening on ${host}: its control API (/api/sandbox: impersonation, clock, jobs) has no token; anyone who can reach it can use it`);
  }
  return { ...e, sandbox, adminToken: e.ADMIN_TOKEN ?? 'sandbox-admin-token', host, feishu, schedules, warnings };
}

/**
 * For main.ts and scripts: a bad environment ends the process with one clear line and exit code 2;
 * a usable but unwise one is started with a warning line per problem (no secret in it).
 */
export function configOrExit(raw: NodeJS.ProcessEnv = process.env): Config {
  try {
    const config = loadConfig(raw);
    for (const w of config.warnings) process.stderr.write(`dudao: configuration warning: ${w}\n`);
    return config;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`dudao: configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}
