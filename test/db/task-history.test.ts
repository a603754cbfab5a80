import { Locks } from '../../src/adapters/mongo/lock';
import { OutboxStore } from '../../src/adapters/mongo/outbox-store';
import { TaskStore } from '../../src/adapters/mongo/task-store';
import { TASK_SCHEMA_VERSION } from '../../src/adapters/mongo/models/tasks';
import { nextSeq, type AuditEntry } from '../../src/domain/task';
import { LIMITS } from '../../src/limits';
import { openTestDb, type TestDb } from '../support/db';
import { newTask } from '../support/factories';

/**
 * A task keeps its latest LIMITS.historyEmbedded audit entries; older ones move to task_history by a
 * relay that is safe to repeat, and the whole history still reads back in order.
 */
let db: TestDb;
let store: TaskStore;

beforeAll(async () => {
  db = await openTestDb('taskhistory');
  store = new TaskStore(db.models, new Locks(db.models.locks), new OutboxStore(db.models));
});
afterAll(() => db.drop());

const entry = (seq: number): AuditEntry => ({ seq, at: new Date(Date.UTC(2026, 10, 1, 0, seq)), by: 'O1', action: seq === 1 ? 'dispatch' : 'progress', note: `第 ${seq} 条` });

/** A task as version 1 wrote it: every entry embedded. */
async function oldTask(code: string, entries: number): Promise<void> {
  const seq = Number(code.slice(-4));
  await db.models.tasks.collection.insertOne({ _id: code, ...newTask({ origin: `old:${code}` }), code, year: 2026, seq, rev: entries, history: Array.from({ length: entries }, (_, i) => entry(i + 1)), owed: [], owedAt: null, schemaVersion: 1 } as never);
}

const raw = (code: string) => db.models.tasks.collection.findOne({ _id: code as never });
const archived = (code: string) => db.models.taskHistory.collection.find({ code }).sort({ seq: 1 }).toArray();

test('a task with 150 entries written before archiving: the relay keeps 100 embedded and reads back all 150 in order', async () => {
  await oldTask('DB-2026-0101', 150);
  await store.relayAll();
  const doc = await raw('DB-2026-0101');
  expect(doc!.history).toHaveLength(LIMITS.historyEmbedded);
  expect(doc!.history.map((e: AuditEntry) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 51));
  expect(doc!.schemaVersion).toBe(TASK_SCHEMA_VERSION);
  const moved = await archived('DB-2026-0101');
  expect(moved.map((e) => e._id)).toEqual(Array.from({ length: 50 }, (_, i) => `DB-2026-0101:${i + 1}`));
  const full = await store.getWithHistory('db-2026-0101');
  expect(full!.history.map((e) => e.seq)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  expect(full!.history[0]).toMatchObject({ seq: 1, action: 'dispatch', by: 'O1', note: '第 1 条' });
  expect(full!.history[0]).not.toHaveProperty('code');
  expect(full!.history[0]).not.toHaveProperty('_id');
});

test('the relay run twice changes nothing the second time', async () => {
  await oldTask('DB-2026-0102', 130);
  await store.relayAll();
  const [doc1, moved1] = [await raw('DB-2026-0102'), await archived('DB-2026-0102')];
  await store.relayAll();
  expect(await store.archive('DB-2026-0102')).toBe(0);
  expect(await raw('DB-2026-0102')).toEqual(doc1);
  expect(await archived('DB-2026-0102')).toEqual(moved1);
  expect(moved1).toHaveLength(30);
});

test('a crash between the copy and the trim: the next pass trims, the entry is stored and shown once', async () => {
  await oldTask('DB-2026-0103', 105);
  // the copy of the first three happened, the trim did not
  await db.models.taskHistory.collection.insertMany([1, 2, 3].map((s) => ({ _id: `DB-2026-0103:${s}`, code: 'DB-2026-0103', ...entry(s), schemaVersion: 1 })) as never[]);
  const before = await store.getWithHistory('DB-2026-0103');
  expect(before!.history.map((e) => e.seq)).toEqual(Array.from({ length: 105 }, (_, i) => i + 1));
  expect(await store.archive('DB-2026-0103')).toBe(5);
  expect((await raw('DB-2026-0103'))!.history).toHaveLength(100);
  expect((await archived('DB-2026-0103')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  expect((await store.getWithHistory('DB-2026-0103'))!.history.map((e) => e.seq)).toEqual(Array.from({ length: 105 }, (_, i) => i + 1));
});

test('changes past the limit: each change and its entry are one write, the overflow moves after it, seqs keep counting', async () => {
  const [t] = await store.create([{ task: newTask({ origin: 'grow' }), owed: () => [] }], 2031);
  await store.change(t.code, (cur) => ({ task: { ...cur, history: [...cur.history, entry(1)] }, result: null }));
  for (let i = 0; i < 120; i++) {
    await store.change(t.code, (cur) => ({ task: { ...cur, rev: cur.rev + 1, progress: i % 100, history: [...cur.history, { ...entry(nextSeq(cur)), note: `change ${i}` }] }, result: null }));
  }
  const doc = await raw(t.code);
  expect(doc!.history).toHaveLength(100);
  expect(doc!.rev).toBe(121);
  const full = await store.getWithHistory(t.code);
  expect(full!.history).toHaveLength(121);
  expect(full!.history.map((e) => e.seq)).toEqual(Array.from({ length: 121 }, (_, i) => i + 1));
  expect(full!.history.at(-1)!.note).toBe('change 119');
});

test('a task with few entries reads its history without touching task_history', async () => {
  const [t] = await store.create([{ task: newTask({ origin: 'few' }), owed: () => [] }], 2032);
  const doc = await raw(t.code);
  expect(doc!.schemaVersion).toBe(TASK_SCHEMA_VERSION);
  expect((await store.getWithHistory(t.code))!.history).toEqual([]);
  expect(await store.archive(t.code)).toBe(0);
  expect(await db.models.taskHistory.countDocuments({ code: t.code })).toBe(0);
});
