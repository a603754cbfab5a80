/**
 * A rolling upgrade: an "old" instance running the code of an earlier release (commit de2803f, from
 * before event claims were batched; extracted with `git archive`) and a "new" one running this tree,
 * side by side on one database and one fake Feishu. A burst of events goes to both: some to one, some
 * to the other, and copies of some (the same event id, signed afresh) to both at once; a delivery not
 * answered 200 is delivered again to the other instance. Each instance must read the other's claims:
 * every event applied exactly once, every event acknowledged in the end.
 * Skipped (with the reason printed) when that commit is not in the checkout (a shallow clone).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FakeFeishu } from '../fake-feishu';
import { Burst, expectExactlyOnce } from './support/burst';
import { FeishuPusher, type Pushed } from './support/feishu-pusher';
import { listening, orgFake, seedDb, startInstance, stopInstance, until, type Instance } from './support/instance';

const OLD_COMMIT = 'de2803f';
const ROOT = path.resolve(__dirname, '../..');
const RATE = 10; // events a second
const BURST_MS = 10_000;
const CLOCK_START = '2026-12-02T10:30:00+08:00'; // a Wednesday, after the 09:00 reminders
const SCHEDULE = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function hasCommit(): boolean {
  try {
    execFileSync('git', ['cat-file', '-e', `${OLD_COMMIT}^{commit}`], { cwd: ROOT, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The old release's tree in a folder of its own, sharing this checkout's node_modules. */
function extractOld(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-old-'));
  const tar = execFileSync('git', ['archive', '--format=tar', OLD_COMMIT, 'src', 'cards', 'web', 'package.json', 'tsconfig.json'], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

const present = hasCommit();
if (!present) process.stdout.write(`rolling-upgrade: skipped — commit ${OLD_COMMIT} is not in this checkout (a shallow clone?); fetch the full history to run it\n`);

const instances: Instance[] = [];
let oldDir: string | undefined;
let fake: FakeFeishu | undefined;
let seeded: Awaited<ReturnType<typeof seedDb>> | undefined;

afterAll(async () => {
  for (const i of instances) await stopInstance(i);
  await seeded?.close();
  await fake?.stop();
  if (oldDir) fs.rmSync(oldDir, { recursive: true, force: true });
});

(present ? test : test.skip)(`old (${OLD_COMMIT}) and new instances side by side, copies of events to both: each applied once, every event acknowledged`, async () => {
  const t0 = Date.now();
  oldDir = extractOld();
  const dbName = `faults_rolling_${randomBytes(4).toString('hex')}`;
  fake = await orgFake();
  seeded = await seedDb(dbName, 100, '2027-06-30'); // a task of its own for each progress report: no lock waits between events
  const { models } = seeded.core.stores;
  const tasks = await models.tasks.find({}, { code: 1, leadUnit: 1 }).lean<{ code: string; leadUnit: string }[]>();
  const old = startInstance({ name: 'old', dbName, fake, clockStart: CLOCK_START, root: oldDir });
  const neu = startInstance({ name: 'new', dbName, fake, clockStart: CLOCK_START });
  instances.push(old, neu);
  const bases = await Promise.all([listening(old), listening(neu)]);

  // each delivery's first instance is taken from `next` in order; a redelivery goes to the other one
  const next: number[] = [];
  const first = new Map<Pushed, number>();
  const route = (p: Pushed, attempt: number) => {
    if (!first.has(p)) first.set(p, next.shift() ?? 0);
    return bases[(first.get(p)! + attempt) % 2];
  };
  const business0 = new Date(CLOCK_START).getTime();
  const clock = { now: () => new Date(business0 + (Date.now() - t0)) };
  const pusher = new FeishuPusher({ fake, clock, base: route }, SCHEDULE);
  const burst = new Burst(pusher, { fake, clock, base: route }, tasks);

  const total = (BURST_MS / 1000) * RATE;
  const sent = Date.now();
  for (let i = 0; i < total; i++) {
    await sleep(Math.max(0, sent + (i * 1000) / RATE - Date.now()));
    if (i % 3 === 1) {
      next.push(0, 1); // a copy to each, at the same moment
      burst.send(i, 2);
    } else {
      next.push(i % 2);
      burst.send(i);
    }
  }
  await pusher.settled();
  let last = -1;
  await until(
    'the outbox drained',
    async () => {
      const n = fake!.calls({ method: 'POST' }).length;
      const still = n === last && (await models.outbox.countDocuments({ status: 'pending' })) === 0;
      last = n;
      return still;
    },
    120_000,
    3000,
  );

  const v = await burst.verdict(models.tasks.db);
  const acked = pusher.pushed.filter((p) => p.acked);
  const by = (k: number) => acked.filter((p) => bases[(first.get(p)! + p.attempts.length - 1) % 2] === bases[k]).length;
  process.stdout.write(`fault report rolling-upgrade: ${JSON.stringify({ ...v.push, help: v.help, progress: v.progress, sentToBoth: burst.events.filter((e) => e.copies.length === 2).length, ackedByOld: by(0), ackedByNew: by(1), applied: v.applied, twice: v.twice.length, lost: v.lost.length, notApplied: v.notApplied.length, seconds: Math.round((Date.now() - t0) / 1000) })}\n`);
  expect(v.notApplied).toEqual([]);
  expect(v.push.neverAcked).toBe(0);
  expect(by(0)).toBeGreaterThan(0);
  expect(by(1)).toBeGreaterThan(0);
  expectExactlyOnce('rolling-upgrade', v);
});
