/**
 * Two instances, one killed with SIGKILL during the 09:00 reminders (docs/architecture.md#jobs): the
 * real service (`src/main.ts`, child processes) on one FerretDB database and a fake Feishu. Instance A
 * starts at 09:00 and runs the reminders; once some of them are queued it is killed. Instance B, started
 * on the same database, finds the slot's record still `running` and A's lease held; when the lease has
 * run out it takes the slot over: A's claims are sent under A's message keys, the rest claimed and sent.
 * What the fake Feishu received is compared with a clean single run on a fresh database: each reminder
 * once, none missing.
 */
import { randomBytes } from 'node:crypto';
import type { JobRunDoc } from '../../src/adapters/mongo/models/job-runs';
import type { ReminderRunDoc } from '../../src/adapters/mongo/models/reminder-runs';
import type { Core } from '../../src/main';
import type { FakeFeishu } from '../fake-feishu';
import { compareLines, deliveredReminders, orgFake, seedDb, startInstance, stopInstance, until, type Instance } from './support/instance';

const TASKS = 160; // 4 units, 2 groups: a run of some seconds on FerretDB, ~3 messages a task at 5 a second per chat
const DEADLINE = '2026-09-30'; // before National Day: 7 workdays overdue on Thursday 10-15 (10-10 is a make-up workday)
const CLOCK_START = '2026-10-15T09:00:05+08:00';
const SLOT_ID = `reminders@${new Date('2026-10-15T09:00:00+08:00').toISOString()}`;
const MINUTES = 60_000;

interface World {
  dbName: string;
  fake: FakeFeishu;
  core: Core;
  close(): Promise<void>;
}
const worlds: World[] = [];
const instances: Instance[] = [];

async function world(): Promise<World> {
  const dbName = `faults_kill_${randomBytes(4).toString('hex')}`;
  const fake = await orgFake();
  const db = await seedDb(dbName, TASKS, DEADLINE);
  const w = {
    dbName,
    fake,
    core: db.core,
    async close() {
      await db.close();
      await fake.stop();
    },
  };
  worlds.push(w);
  return w;
}

function instance(name: string, w: World): Instance {
  const i = startInstance({ name, dbName: w.dbName, fake: w.fake, clockStart: CLOCK_START });
  instances.push(i);
  return i;
}

const slotRecord = (w: World) => w.core.deps.models.jobRuns.findById(SLOT_ID).lean<JobRunDoc>();
const pendingRows = (w: World) => w.core.deps.models.outbox.countDocuments({ status: 'pending' });

/** Everything the run owed is out: the slot recorded ok, no reminders run unfinished, nothing pending, and the fake's count still for 3 s. */
async function settled(w: World, i: Instance, owner?: (o: string) => boolean): Promise<JobRunDoc> {
  const record = await until(
    `the 09:00 reminders run finished\n${i.tail()}`,
    async () => {
      const r = await slotRecord(w);
      return r && r.status !== 'running' && (!owner || owner(r.owner)) ? r : undefined;
    },
    10 * MINUTES,
    500,
  );
  await until('no reminders run left unfinished', async () => (await w.core.deps.models.reminderRuns.countDocuments({ state: 'started' })) === 0, 2 * MINUTES, 500);
  let last = -1;
  await until(
    `the outbox drained\n${i.tail()}`,
    async () => {
      const n = deliveredReminders(w.fake).messages;
      const still = n === last && (await pendingRows(w)) === 0;
      last = n;
      return still;
    },
    10 * MINUTES,
    3000,
  );
  return record;
}

/** How many lines of each kind: the unit's overdue line, the group's copy, letters, leader reports. */
function kinds(lines: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) {
    const k = / cc /.test(l) ? 'groupCopy' : / letter /.test(l) ? 'letter' : / leader /.test(l) ? 'leader' : / overdue /.test(l) ? 'overdue' : 'other';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

afterAll(async () => {
  for (const i of instances) {
    if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL');
    await i.exited;
  }
  for (const w of worlds) await w.close();
});

test('SIGKILL during the 09:00 reminders: the other instance finishes them, each reminder sent once', async () => {
  const t0 = Date.now();

  // the reference: one instance, undisturbed, on a database and a Feishu of its own
  const clean = await world();
  const only = instance('clean', clean);
  const cleanRun = await settled(clean, only);
  const cleanStarted = Date.now();
  await stopInstance(only);
  expect(cleanRun).toMatchObject({ status: 'ok', result: { tasks: TASKS, overdue: TASKS, letters: TASKS, leaders: TASKS } });
  const want = deliveredReminders(clean.fake);
  expect(want.lines.length).toBeGreaterThan(TASKS * 3); // the unit's line and the group's copy, the letter (to one or two), the leader's report
  expect(new Set(want.lines).size).toBe(want.lines.length); // the reference itself sends each once

  // A runs the 09:00 reminders and is killed once some, not all, are queued
  const w = await world();
  const a = instance('a', w);
  const atKill = await until(
    `instance A queued some reminders\n${a.tail()}`,
    async () => {
      const [runs, rows] = await Promise.all([w.core.deps.models.reminderRuns.find({}, { state: 1 }).lean<Pick<ReminderRunDoc, 'state'>[]>(), w.core.deps.models.outbox.countDocuments()]);
      return runs.length > 0 && rows > 0 ? { run: runs[0].state, rows } : undefined;
    },
    10 * MINUTES,
    20,
  );
  a.child.kill('SIGKILL');
  expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
  const killedAt = Date.now();
  const deliveredByA = deliveredReminders(w.fake);
  const queuedByA = await w.core.deps.models.outbox.countDocuments();
  const record = await slotRecord(w);
  expect(record).toMatchObject({ status: 'running', owner: expect.stringMatching(new RegExp(`:${a.pid}:[0-9a-f]{8}$`)) });
  expect(deliveredByA.lines.length).toBeLessThan(want.lines.length); // killed part-way

  // B starts at once: A's lease still holds it off; once it has run out, B takes the slot over
  const b = instance('b', w);
  const bRun = await settled(w, b, (owner) => owner.includes(`:${b.pid}:`));
  const tookOverAfter = (await slotRecord(w))!.startedAt.getTime() - killedAt;
  expect(bRun).toMatchObject({ status: 'ok', trigger: expect.stringMatching(/^(schedule|catch-up)$/) });
  await stopInstance(b);

  const got = deliveredReminders(w.fake);
  const { duplicates, missing } = compareLines(want.lines, got.lines);
  const posts = w.fake.calls({ method: 'POST', path: '/open-apis/im/v1/messages' });
  const uuids = posts.map((c) => (c.body as { uuid?: string } | undefined)?.uuid).filter((u): u is string => typeof u === 'string');
  const report = {
    tasks: TASKS,
    reminders: want.lines.length,
    byKind: kinds(want.lines),
    messages: want.messages,
    killedWith: { runState: atKill.run, queued: queuedByA, delivered: deliveredByA.lines.length },
    recoveredRuns: (bRun.result as { recovered?: number }).recovered,
    takeoverSeconds: Math.round(tookOverAfter / 1000),
    resentSameUuid: uuids.length - new Set(uuids).size,
    duplicates: duplicates.length,
    missing: missing.length,
    cleanRunSeconds: Math.round((cleanStarted - t0) / 1000),
    seconds: Math.round((Date.now() - t0) / 1000),
  };
  process.stdout.write(`fault report reminders-kill: ${JSON.stringify(report)}\n`);
  expect({ duplicates: duplicates.slice(0, 10), missing: missing.slice(0, 10) }).toEqual({ duplicates: [], missing: [] });
  expect(got.lines).toEqual(want.lines);
});
