/**
 * A job's scan is background work (docs/architecture.md#the-hot-path): it asks FerretDB for its next
 * slice of tasks only once no answer write (a click's change, a claim) has been queued or running for a
 * moment. Seen in the commands the scan sends while an answer write is held open.
 */
import type { mongo } from 'mongoose';
import { MongoTaskScan } from '../../src/adapters/mongo/task-scan';
import { writeGate } from '../../src/adapters/mongo/write-gate';
import { openTestDb, type TestDb } from '../support/db';

let db: TestDb;
const sent: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await openTestDb('scanyield');
  await db.models.tasks.collection.insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: `T${i}`, state: 'in_progress' })) as never[]);
  db.conn.getClient().on('commandStarted', (e: mongo.CommandStartedEvent) => {
    if (e.commandName === 'find' || e.commandName === 'getMore') sent.push(e.commandName);
  });
});
afterAll(() => db.drop());

function holdAnswer(): () => Promise<void> {
  let release!: () => void;
  const done = writeGate(db.models.tasks).run('answer', () => new Promise<void>((r) => (release = r)));
  return async () => {
    release();
    await done;
  };
}

test('no slice is asked for while an answer is being written; the scan then goes on and reads every task', async () => {
  const it = new MongoTaskScan(db.models).scan<{ _id: string }>({ state: 'in_progress' }, { _id: 1 }, 2, true)[Symbol.asyncIterator]();
  let release = holdAnswer();
  const first = it.next();
  await sleep(150);
  expect(sent).toEqual([]); // the first slice waits for the answer
  await release();
  const seen = [(await first).value._id, (await it.next()).value._id];
  expect(sent).toEqual(['find']);

  release = holdAnswer();
  const third = it.next();
  await sleep(150);
  expect(sent).toEqual(['find']); // the next slice waits too
  await release();
  seen.push((await third).value._id);
  for (let r = await it.next(); !r.done; r = await it.next()) seen.push(r.value._id);
  expect(seen.sort()).toEqual(['T0', 'T1', 'T2', 'T3', 'T4']);
  expect(sent.filter((c) => c === 'getMore').length).toBeGreaterThanOrEqual(2); // slices of 2
});

test('a scan an answer waits for (统计, an API call) does not wait for the answers being written', async () => {
  sent.length = 0;
  const release = holdAnswer();
  const ids: string[] = [];
  for await (const t of new MongoTaskScan(db.models).scan<{ _id: string }>({ state: 'in_progress' }, { _id: 1 }, 1000)) ids.push(t._id);
  expect(ids).toHaveLength(5);
  expect(sent).toEqual(['find']);
  await release();
});
