/**
 * The service process (`src/main.ts`, a child process) killed with SIGKILL in the middle of a burst of
 * Feishu events, and started again on the same database: nothing that was acknowledged (200) is lost,
 * what was not is applied on Feishu's redelivery (claims the dead process left unfinished are taken over
 * once they are stale), and nothing is applied twice — also when Feishu delivers some acknowledged
 * events once more. Feishu's redelivery schedule is compressed, but still outlasts the stale-claim wait.
 */
import { randomBytes } from 'node:crypto';
import type { FakeFeishu } from '../fake-feishu';
import { Burst, expectExactlyOnce } from './support/burst';
import { FeishuPusher, type Pushed } from './support/feishu-pusher';
import { listening, orgFake, seedDb, startInstance, stopInstance, until, type Instance } from './support/instance';

const RATE = 10; // events a second
const KILL_AT_MS = 4_000;
const BURST_MS = 8_000;
const CLOCK_START = '2026-12-02T10:30:00+08:00'; // a Wednesday, after the 09:00 reminders
const SCHEDULE = [2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 64_000]; // past the 2-minute stale-claim wait
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const instances: Instance[] = [];
let fake: FakeFeishu | undefined;
let seeded: Awaited<ReturnType<typeof seedDb>> | undefined;

afterAll(async () => {
  for (const i of instances) {
    if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
    await i.exited;
  }
  await seeded?.close();
  await fake?.stop();
});

test('SIGKILL mid-burst, then a restart: nothing acknowledged is lost, refused events applied on redelivery, none twice', async () => {
  const t0 = Date.now();
  const dbName = `faults_killburst_${randomBytes(4).toString('hex')}`;
  fake = await orgFake();
  seeded = await seedDb(dbName, 24, '2027-06-30');
  const { models } = seeded.core.stores;
  const tasks = await models.tasks.find({}, { code: 1, leadUnit: 1 }).lean<{ code: string; leadUnit: string }[]>();
  const start = (name: string) => {
    const i = startInstance({ name, dbName, fake: fake!, clockStart: CLOCK_START });
    instances.push(i);
    return i;
  };

  const a = start('a');
  let current: string | undefined = await listening(a);
  const business0 = new Date(CLOCK_START).getTime();
  const clock = { now: () => new Date(business0 + (Date.now() - t0)) };
  const pusher = new FeishuPusher({ fake, clock, base: () => current }, SCHEDULE);
  const burst = new Burst(pusher, { fake, clock, base: () => current }, tasks);

  const total = (BURST_MS / 1000) * RATE;
  let b: Instance | undefined;
  let bUp: Promise<void> | undefined;
  let killedAt = 0;
  const sent = Date.now();
  for (let i = 0; i < total; i++) {
    await sleep(Math.max(0, sent + (i * 1000) / RATE - Date.now()));
    if (!killedAt && Date.now() - sent >= KILL_AT_MS) {
      a.child.kill('SIGKILL');
      current = undefined;
      killedAt = Date.now();
      b = start('b');
      bUp = listening(b).then((base) => void (current = base));
    }
    burst.send(i);
  }
  await bUp;
  const restartMs = Date.now() - killedAt;
  expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
  const ackedByA = burst.events.filter((e) => e.copies.some((p) => p.acked && p.attempts.length === 1 && p.attempts[0] === 200)).length;
  await pusher.settled();

  // Feishu delivers a few acknowledged events once more
  for (const e of burst.events.filter((x) => x.copies.some((p: Pushed) => p.acked)).filter((_, k) => k % 10 === 0)) burst.again(e);
  await pusher.settled();
  await quiet(fake, () => models.outbox.countDocuments({ status: 'pending' }));

  const v = await burst.verdict(models.tasks.db);
  process.stdout.write(`fault report kill-burst: ${JSON.stringify({ ...v.push, help: v.help, progress: v.progress, ackedBeforeKill: ackedByA, applied: v.applied, twice: v.twice.length, lost: v.lost.length, notApplied: v.notApplied.length, restartMs, seconds: Math.round((Date.now() - t0) / 1000) })}\n`);
  await stopInstance(b!);
  expect(v.notApplied).toEqual([]);
  expectExactlyOnce('kill-burst', v);
  expect(v.push.neverAcked).toBe(0);
  expect(v.push.ackedOnRedelivery).toBeGreaterThan(0); // the kill did cost deliveries
});

/** Waits until the outbox has nothing pending and the fake's message count held still for 3 s. */
async function quiet(fake: FakeFeishu, pending: () => Promise<number>): Promise<void> {
  let last = -1;
  await until(
    'the outbox drained',
    async () => {
      const n = fake.calls({ method: 'POST' }).length;
      const still = n === last && (await pending()) === 0;
      last = n;
      return still;
    },
    120_000,
    3000,
  );
}
