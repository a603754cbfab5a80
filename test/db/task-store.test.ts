import { Locks } from '../../src/adapters/mongo/lock';
import { OutboxStore } from '../../src/adapters/mongo/outbox-store';
import { TaskStore } from '../../src/adapters/mongo/task-store';
import { openTestDb, type TestDb } from '../support/db';
import { newTask } from '../support/factories';

let db: TestDb;
let store: TaskStore;
let locks: Locks;

beforeAll(async () => {
  db = await openTestDb('taskstore');
  locks = new Locks(db.models.locks);
  store = new TaskStore(db.models, locks, new OutboxStore(db.models));
});
afterAll(() => db.drop());

describe('task store on FerretDB', () => {
  test('50 concurrent creations get 50 unique, consecutive codes', async () => {
    // separate stores = separate lock owners, as if several instances dispatched at once
    const stores = Array.from({ length: 5 }, () => new TaskStore(db.models, new Locks(db.models.locks), new OutboxStore(db.models)));
    const made = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 5].create([{ task: newTask({ origin: `c50:${i}` }), owed: () => [] }], 2026)));
    const codes = made.flat().map((t) => t.code).sort();
    expect(new Set(codes).size).toBe(50);
    expect(codes[0]).toBe('DB-2026-0001');
    expect(codes[49]).toBe('DB-2026-0050');
    expect(await db.models.tasks.countDocuments({ year: 2026 })).toBe(50);
  }, 60_000);

  test('creation is idempotent by origin', async () => {
    const a = await store.create([{ task: newTask({ origin: 'same' }), owed: () => [] }], 2027);
    const b = await store.create([{ task: newTask({ origin: 'same' }), owed: () => [] }], 2027);
    expect(b[0].code).toBe(a[0].code);
    expect(await db.models.tasks.countDocuments({ origin: 'same' })).toBe(1);
  });

  test('ten concurrent changes of one task apply one after another, none lost', async () => {
    const [t] = await store.create([{ task: newTask({ origin: 'conc' }), owed: () => [] }], 2028);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.change(t.code, (cur) => ({ task: { ...cur, rev: cur.rev + 1, reports: [...cur.reports, { at: new Date(), by: 'x', unit: 'MSZ', percent: i, content: `r${i}`, evidence: [], via: 'command' }] }, result: null }), 20_000),
      ),
    );
    const after = await store.get(t.code);
    expect(after!.reports).toHaveLength(10);
    expect(after!.rev).toBe(11);
  }, 60_000);

  test('owed messages reach the outbox once, even if relayed twice', async () => {
    const [t] = await store.create(
      [{ task: newTask({ origin: 'owed' }), owed: (code) => [{ key: `k-${code}`, kind: 'send', to: { type: 'chat_id', id: 'oc_x' }, msgType: 'text', content: { text: code } }] }],
      2029,
    );
    await store.relay(t.code);
    await store.relayAll();
    expect(await db.models.outbox.countDocuments({ _id: `k-${t.code}` })).toBe(1);
    const doc = await db.models.tasks.findOne({ code: t.code }).lean();
    expect(doc!.owed).toEqual([]);
    expect(doc!.owedAt).toBeNull();
  });
});

describe('locks', () => {
  test('one holder at a time; an expired lock may be taken over', async () => {
    const a = new Locks(db.models.locks);
    const b = new Locks(db.models.locks);
    expect(await a.tryAcquire('k1', 60_000)).toBe(true);
    expect(await b.tryAcquire('k1', 60_000)).toBe(false);
    await a.release('k1');
    expect(await b.tryAcquire('k1', 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(await a.tryAcquire('k1', 60_000)).toBe(true); // b's lock expired
    await b.release('k1'); // b no longer owns it: nothing happens
    expect(await b.tryAcquire('k1', 60_000)).toBe(false);
  });
});
