import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { buildService, type Service } from '../../src/main';

/**
 * The README's sandbox walkthrough, run exactly as written: its `npm run sandbox -- …` lines are read
 * out of README.md and run one by one through a shell against a sandbox service, each checked for what
 * its comment says.
 */
const root = path.resolve(__dirname, '../..');
let service: Service;
let base: string;

/** The commands of the README's walkthrough block: each starts with `npm run sandbox --` and may span lines (a quoted list). */
export function walkthrough(readme: string): { command: string; comment: string }[] {
  const block = /```bash\n(npm run sandbox -- people[\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README: no walkthrough block starting with `npm run sandbox -- people`');
  const commands: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('npm run sandbox --')) commands.push(line);
    else if (commands.length && line.trim()) commands[commands.length - 1] += `\n${line}`;
  }
  return commands.map((c) => {
    // the first ` #` after the last quote or line break starts the comment (a loop: no backtracking pattern)
    for (let i = Math.max(c.lastIndexOf('"'), c.lastIndexOf('\n')) + 1; i < c.length; i++) {
      if (c[i] === '#' && i > 0 && /\s/.test(c[i - 1])) return { command: c.slice(0, i).trimEnd(), comment: c.slice(i + 1).trimStart() };
    }
    return { command: c, comment: '' };
  });
}

/** What each line must print, by what it does (every README line must match one). */
const CHECKS: [RegExp, RegExp][] = [
  [/ people$/, /P-SUP-1[\s\S]*P-OFF-1/],
  [/ say "派单/, /卡片「[^」]*」[\s\S]*\[确认派发\] \[取消\]/],
  [/ click last 确认派发$/, /^success: .*派发/m],
  [/ chat oc_demo_msz$/, /推进茂盛路征迁扫尾[\s\S]*\[签收\]/],
  [/ click last 签收$/, /^success: .*签收/m],
  [/ click last 反馈进度 progress=60/, /^success: .*60%/m],
  [/ reply last "第三户已签约 80%"$/, /已记录 DB-2026-0001 的进度 80%/],
  [/ clock 2026-12-18T09:00:00\+08:00$/, /2026-12-18T01:00:\d\d[\s\S]*reminders 2026-12-18 09:00 运行/],
  [/ job reminders$/, /reminders @ .*完成[\s\S]*发送给：\n {2}梅山镇督办工作群（oc_demo_msz）：每日督办提醒/],
];

beforeAll(async () => {
  const config = loadConfig({ MONGODB_URI: process.env.MONGODB_URI, LOG_LEVEL: 'silent' });
  service = await buildService(config, { clock: new AppClock(new Date('2026-12-01T10:00:00+08:00')), dbName: `walkthrough_${randomBytes(5).toString('hex')}`, log: createLogger('silent') });
  base = `http://127.0.0.1:${await service.listen(0)}`;
}, 60_000);

afterAll(async () => {
  await service.conn.dropDatabase().catch(() => undefined);
  await service.close();
});

/** Runs a line through bash without blocking this process (the service answers from it). */
function sh(command: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd: root, encoding: 'utf8', env: { ...process.env, SANDBOX_URL: base }, timeout: 60_000 }, (err, stdout, stderr) => resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

test('the README walkthrough runs as written, each line doing what its comment says', async () => {
  const lines = walkthrough(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
  expect(lines.length).toBe(CHECKS.length);
  for (const { command, comment } of lines) {
    const check = CHECKS.find(([re]) => re.test(command));
    expect([command, check ? 'checked' : 'no check for this README line']).toEqual([command, 'checked']);
    const r = await sh(command);
    expect({ command, comment, status: r.status, stderr: r.stderr.replace(/npm (warn|notice).*\n/g, '') }).toEqual({ command, comment, status: 0, stderr: '' });
    expect({ command, out: r.stdout }).toEqual({ command, out: expect.stringMatching(check![1]) });
  }
}, 300_000);
