/**
 * The database process stopped (SIGKILL) for 5 s in the middle of a burst of Feishu events, then started
 * again on the same data: every event answered 200 is applied once the database is back, every event
 * refused is applied on Feishu's redelivery, none twice — also when Feishu delivers some acknowledged
 * events once more afterwards. A FerretDB of the test's own (port and data folder), so stopping it
 * touches no other test; the service (buildService) runs in the test's process as in the e2e tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort, portIsFree, startFerretDB, type RunningFerretDB } from '../../scripts/ferretdb';
import { startHarness, type Harness } from '../support/harness';
import { Burst, expectExactlyOnce, type BurstVerdict } from './support/burst';
import { FeishuPusher } from './support/feishu-pusher';
import { seedDb, until } from './support/instance';

const RATE = 10; // events a second
const BEFORE_MS = 5_000;
const OUTAGE_MS = 5_000;
const AFTER_MS = 5_000;
const SCHEDULE = [2_000, 4_000, 8_000, 16_000, 32_000]; // Feishu's 15 s, 5 min, 1 h, 6 h, compressed
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let db: RunningFerretDB | undefined;
let h: Harness | undefined;
let seeded: Awaited<ReturnType<typeof seedDb>> | undefined;
const dir = path.resolve(__dirname, '../../.data', `faults-dbstop-${process.pid}`);

afterAll(async () => {
  await h?.close().catch(() => undefined);
  await seeded?.close().catch(() => undefined);
  await db?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('FerretDB stopped for 5 s mid-burst: acknowledged events applied, refused ones applied on redelivery, none twice', async () => {
  const t0 = Date.now();
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => void unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  const port = await freePort();
  fs.rmSync(dir, { recursive: true, force: true });
  db = await startFerretDB({ dir, port });
  const dbName = `faults_dbstop_${process.pid}`;
  seeded = await seedDb(dbName, 24, '2027-06-30', db.uri);
  const tasks = await seeded.core.deps.models.tasks.find({}, { code: 1, leadUnit: 1 }).lean<{ code: string; leadUnit: string }[]>();
  h = await startHarness({ dbName, env: { MONGODB_URI: db.uri, DB_TIMEOUT: '2s' } });
  const pusher = new FeishuPusher(h, SCHEDULE);
  const burst = new Burst(pusher, h, tasks);

  const total = ((BEFORE_MS + OUTAGE_MS + AFTER_MS) / 1000) * RATE;
  let stoppedAt = 0;
  let restarted: Promise<void> | undefined;
  const start = Date.now();
  for (let i = 0; i < total; i++) {
    await sleep(Math.max(0, start + (i * 1000) / RATE - Date.now()));
    if (!stoppedAt && Date.now() - start >= BEFORE_MS) {
      process.kill(db.pid, 'SIGKILL');
      stoppedAt = Date.now();
      restarted = (async () => {
        await sleep(OUTAGE_MS);
        await until('the stopped FerretDB’s port free', () => portIsFree(port), 10_000, 50);
        db = await startFerretDB({ dir, port });
      })();
    }
    burst.send(i);
  }
  await restarted;
  const upAfterMs = Date.now() - stoppedAt;
  await pusher.settled();
  await h.service.db.whenReady();
  await h.drain();

  // Feishu delivers a few acknowledged events once more
  const acked = burst.events.filter((e) => e.copies.some((p) => p.acked));
  for (const e of acked.filter((_, k) => k % 10 === 0)) burst.again(e);
  await pusher.settled();
  await h.drain();
  await sleep(1000);
  await h.drain();

  const v: BurstVerdict = await burst.verdict(h.service.conn);
  process.off('unhandledRejection', onUnhandled);
  process.stdout.write(`fault report db-stop: ${JSON.stringify({ ...v.push, help: v.help, progress: v.progress, applied: v.applied, twice: v.twice.length, lost: v.lost.length, notApplied: v.notApplied.length, databaseBackAfterMs: upAfterMs, seconds: Math.round((Date.now() - t0) / 1000) })}\n`);
  expect(unhandled).toEqual([]);
  expect(v.notApplied).toEqual([]);
  expectExactlyOnce('db-stop', v);
  expect(v.push.neverAcked).toBe(0);
  expect(v.push.ackedOnRedelivery).toBeGreaterThan(0); // the stop did refuse events
});
