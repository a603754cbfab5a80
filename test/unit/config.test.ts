import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../src/config';

const prod = {
  FEISHU_APP_ID: 'cli_a1b2c3d4',
  FEISHU_APP_SECRET: 'secret-secret',
  FEISHU_VERIFICATION_TOKEN: 'verification-token',
  FEISHU_ENCRYPT_KEY: 'encrypt-key',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/dudao',
  ADMIN_TOKEN: 'a-long-admin-token-123',
};

describe('loadConfig', () => {
  test('sandbox mode when FEISHU_APP_ID is absent, with defaults', () => {
    const c = loadConfig({});
    expect(c.sandbox).toBe(true);
    expect(c.PORT).toBe(3000);
    expect(c.TIMEZONE).toBe('Asia/Shanghai');
    expect(c.FEISHU_MAX_EVENT_AGE).toBe(12 * 3600_000);
    expect(c.FEISHU_EVENT_MODE).toBe('webhook');
    expect(c.schedules.reminders).toBe('0 9 * * *');
  });

  test('production mode reads every Feishu setting', () => {
    const c = loadConfig({ ...prod, FEISHU_DOMAIN: 'http://127.0.0.1:9000', FEISHU_MAX_EVENT_AGE: '30m', WORKDAY_OVERRIDES: '2027-01-01:off, 2027-02-07:work' });
    expect(c.sandbox).toBe(false);
    expect(c.feishu).toMatchObject({ appId: 'cli_a1b2c3d4', domain: 'http://127.0.0.1:9000' });
    expect(c.FEISHU_MAX_EVENT_AGE).toBe(30 * 60_000);
    expect(c.WORKDAY_OVERRIDES).toEqual({ '2027-01-01': false, '2027-02-07': true });
  });

  test.each([
    [{ PORT: 'abc' }, /^PORT: /],
    [{ PORT: '70000' }, /^PORT: /],
    [{ TIMEZONE: 'Mars/Olympus' }, /^TIMEZONE: expected an IANA time zone/],
    [{ FEISHU_DOMAIN: 'open.feishu.cn' }, /^FEISHU_DOMAIN: expected feishu, lark or a base URL/],
    [{ FEISHU_EVENT_MODE: 'poll' }, /^FEISHU_EVENT_MODE: expected webhook or websocket/],
    [{ FEISHU_MAX_EVENT_AGE: 'soon' }, /^FEISHU_MAX_EVENT_AGE: expected a duration/],
    [{ MONGODB_URI: 'postgres://x' }, /^MONGODB_URI: expected a connection string/],
    [{ CLOCK_START: 'tomorrow' }, /^CLOCK_START: expected an ISO moment/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ WORKDAY_OVERRIDES: '2027-01-01' }, /^WORKDAY_OVERRIDES: expected a list/],
    [{ JOB_SCHEDULES: 'reminders=9am' }, /^JOB_SCHEDULES: /],
    [{ JOB_SCHEDULES: 'reminders=99 9 * * *' }, /^JOB_SCHEDULES: reminders="99 9 \* \* \*" is not a cron expression that can run \(Constraint error, got value 99 expected range 0-59\)$/],
    [{ JOB_SCHEDULES: 'cleanup=30 3 * * *; weekly-digest=0 9 31 2 *' }, /^JOB_SCHEDULES: weekly-digest="0 9 31 2 \*" is not a cron expression that can run/],
    [{ JOB_SCHEDULES: 'reminders=0 25 * * *' }, /^JOB_SCHEDULES: reminders="0 25 \* \* \*"/],
    [{ FEISHU_APP_ID: 'cli_x1', FEISHU_APP_SECRET: 'secret-secret' }, /^FEISHU_VERIFICATION_TOKEN: required when FEISHU_APP_ID is set/],
    [{ FEISHU_DOMAIN: 'http://127.0.0.1:9000/open-apis' }, /^FEISHU_DOMAIN: expected feishu, lark or a base URL/],
    [{ ...prod, ADMIN_TOKEN: ' ' }, /^ADMIN_TOKEN: required when FEISHU_APP_ID is set/],
    [{ ...prod, FEISHU_APP_SECRET: '' }, /^FEISHU_APP_SECRET: required when FEISHU_APP_ID is set/],
  ])('%j is refused with a line naming the variable', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });

  test('HOST: 127.0.0.1 in sandbox mode, every interface otherwise, or as set', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig(prod).host).toBe('0.0.0.0');
    expect(loadConfig({ ...prod, HOST: '10.1.2.3' }).host).toBe('10.1.2.3');
    expect(loadConfig({ ...prod, HOST: '::' }).host).toBe('::');
    expect(loadConfig({ ...prod, HOST: 'dudao.internal' }).host).toBe('dudao.internal');
    const open = loadConfig({ HOST: '0.0.0.0' });
    expect(open.host).toBe('0.0.0.0');
    expect(open.warnings).toEqual([expect.stringMatching(/^HOST: sandbox mode listening on 0\.0\.0\.0: its control API .* has no token/)]);
    expect(loadConfig({ ...prod, HOST: '0.0.0.0' }).warnings).toEqual([]);
  });

  test.each([
    [{ ...prod, HOST: 'http://0.0.0.0' }, /^HOST: expected an address to listen on/],
    [{ ...prod, HOST: '0.0.0.0:3000' }, /^HOST: expected an address to listen on/],
    [{ ...prod, HOST: 'a b' }, /^HOST: expected an address to listen on/],
    [{ HOST: '10.1.2.3' }, /^HOST: in sandbox mode use 127\.0\.0\.1 \(the default\), 0\.0\.0\.0 or ::/],
  ])('%j is refused', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });

  test('METRICS_TOKEN is read, and a short one is warned about without showing it', () => {
    expect(loadConfig({ ...prod, METRICS_TOKEN: 'metrics-token-0123456789' }).METRICS_TOKEN).toBe('metrics-token-0123456789');
    const short = loadConfig({ ...prod, METRICS_TOKEN: 'mtok' });
    expect(short.warnings).toEqual([expect.stringMatching(/^METRICS_TOKEN: shorter than 16 characters/)]);
    expect(short.warnings.join()).not.toContain('mtok');
  });

  test('secrets of any non-empty length are accepted (no length is set; Feishu\'s own examples are short)', () => {
    const c = loadConfig({ ...prod, FEISHU_APP_SECRET: 's', FEISHU_VERIFICATION_TOKEN: 't', FEISHU_ENCRYPT_KEY: 'k', ADMIN_TOKEN: 'a' });
    expect(c.feishu).toMatchObject({ appSecret: 's', verificationToken: 't', encryptKey: 'k' });
    expect(c.adminToken).toBe('a');
  });

  test('an ADMIN_TOKEN under 16 characters is started with a warning that does not show it', () => {
    expect(loadConfig(prod).warnings).toEqual([]);
    expect(loadConfig({}).warnings).toEqual([]); // sandbox default token
    const c = loadConfig({ ...prod, ADMIN_TOKEN: 'tok-xyz' });
    expect(c.warnings).toEqual([expect.stringMatching(/^ADMIN_TOKEN: shorter than 16 characters/)]);
    expect(c.warnings.join('\n')).not.toContain('tok-xyz');
  });

  test('a FEISHU_DOMAIN base URL with a trailing slash is taken without it', () => {
    expect(loadConfig({ ...prod, FEISHU_DOMAIN: 'http://127.0.0.1:9000/' }).feishu?.domain).toBe('http://127.0.0.1:9000');
    expect(loadConfig({ ...prod, FEISHU_DOMAIN: 'https://open.example.test//' }).FEISHU_DOMAIN).toBe('https://open.example.test');
    expect(loadConfig({ ...prod, FEISHU_DOMAIN: 'lark' }).FEISHU_DOMAIN).toBe('lark');
  });

  test('secrets are never echoed in the error line', () => {
    // a malformed value next to a secret: the line names the variable only
    expect(() => loadConfig({ ...prod, FEISHU_APP_ID: 'app-secret-value' })).toThrow(/^FEISHU_APP_ID: expected an app id/);
    let message = '';
    try {
      loadConfig({ ...prod, ADMIN_TOKEN: '  ', FEISHU_APP_SECRET: 'do-not-print' });
    } catch (e) {
      message = String((e as Error).message);
    }
    expect(message).toMatch(/^ADMIN_TOKEN: /);
    expect(message).not.toContain('do-not-print');
  });

  test('a short ADMIN_TOKEN starts: configOrExit writes one warning line without the token', () => {
    const root = path.resolve(__dirname, '../..');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', "require('./src/config').configOrExit(); process.stdout.write('started')"], {
      cwd: root,
      env: { PATH: process.env.PATH, ...prod, ADMIN_TOKEN: 'tok-xyz' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('started');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^dudao: configuration warning: ADMIN_TOKEN: shorter than 16 characters/)]);
    expect(r.stderr).not.toContain('tok-xyz');
  });

  test('the service exits with code 2 and one line on a bad environment', () => {
    const root = path.resolve(__dirname, '../..');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', "require('./src/config').configOrExit()"], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: 'nope' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^dudao: configuration error: PORT: /);
  });

  test('the service itself refuses a cron expression that cannot run: exit 2, one line naming JOB_SCHEDULES', () => {
    const root = path.resolve(__dirname, '../..');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, ...prod, JOB_SCHEDULES: 'reminders=99 9 * * *' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['dudao: configuration error: JOB_SCHEDULES: reminders="99 9 * * *" is not a cron expression that can run (Constraint error, got value 99 expected range 0-59)']);
  });
});
