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

  test('a change is stored as an update through the model would store it (times as dates, absent fields left out)', async () => {
    const [a, b] = await store.create([0, 1].map((i) => ({ task: newTask({ origin: `same-shape:${i}` }), owed: () => [] })), 2031);
    const at = new Date('2026-12-01T02:00:00Z');
    const changed = (cur: typeof a) => ({
      ...cur,
      rev: cur.rev + 1,
      state: 'in_progress' as const,
      acceptedAt: at,
      acceptedBy: 'ou_x',
      submittedAt: undefined,
      reports: [{ at, by: 'ou_x', unit: 'MSZ', percent: 30, content: '进度', evidence: [], via: 'card' as const }],
      history: [...cur.history, { seq: cur.history.length + 1, at, by: 'ou_x', action: 'accept', note: undefined, before: { state: cur.state }, after: { state: 'in_progress' } }],
    });
    await store.change(a.code, (cur) => ({ task: changed(cur), result: null }));
    const viaModel: Record<string, unknown> = { ...changed((await store.get(b.code))!), owed: [], owedAt: null };
    delete viaModel.code;
    await db.models.tasks.updateOne({ _id: b.code }, { $set: viaModel });
    const [da, dbDoc] = await Promise.all([a.code, b.code].map((c) => db.models.tasks.collection.findOne({ _id: c } as never)));
    const strip = (d: Record<string, unknown> | null) => {
      const { _id, code, origin, seq, ...rest } = d!;
      void _id, code, origin, seq;
      return rest;
    };
    expect(strip(da)).toEqual(strip(dbDoc));
    expect(da!.acceptedAt).toBeInstanceOf(Date);
    expect('submittedAt' in da!).toBe(false);
  });

  test('a code counter left behind (an older build claimed before counting) skips the codes taken: no task is handed out twice', async () => {
    const [a] = await store.create([{ task: newTask({ origin: 'lag:a' }), owed: () => [] }], 2032);
    await db.models.counters.updateOne({ _id: 'task:2032' }, { $set: { seq: 0 } }); // as a crash between claim and count left it
    const [b] = await store.create([{ task: newTask({ origin: 'lag:b' }), owed: () => [] }], 2032);
    expect([a.code, b.code]).toEqual(['DB-2032-0001', 'DB-2032-0002']);
    expect((await store.get(a.code))!.origin).toBe('lag:a');
    expect((await store.get(b.code))!.origin).toBe('lag:b');
    expect((await store.create([{ task: newTask({ origin: 'lag:b' }), owed: () => [] }], 2032))[0].code).toBe(b.code); // and its retry finds it
  });

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

  describe('releases', () => {
    const coll = () => db.models.locks.collection;
    afterEach(() => jest.restoreAllMocks());

    test('released at the same moment: one delete of them all; each free again at once', async () => {
      const a = new Locks(db.models.locks);
      const b = new Locks(db.models.locks);
      const keys = Array.from({ length: 30 }, (_, i) => `burst:${i}`);
      expect(await Promise.all(keys.map((k) => a.tryAcquire(k, 30_000)))).toEqual(keys.map(() => true));
      const many = jest.spyOn(coll(), 'deleteMany');
      const one = jest.spyOn(coll(), 'deleteOne');
      await Promise.all(keys.map((k) => a.release(k)));
      expect(many).toHaveBeenCalledTimes(1);
      expect(many.mock.calls[0][0]).toEqual({ _id: { $in: keys } });
      expect(one).not.toHaveBeenCalled();
      expect(await coll().countDocuments({ _id: { $in: keys } } as never)).toBe(0);
      expect(await Promise.all(keys.map((k) => b.tryAcquire(k, 30_000)))).toEqual(keys.map(() => true));
      await b.releaseAll();
    });

    test('a lone release deletes by _id alone; one near its expiry only if still this owner’s', async () => {
      const a = new Locks(db.models.locks);
      expect(await a.tryAcquire('lone', 30_000)).toBe(true);
      expect(await a.tryAcquire('near', 5_000)).toBe(true); // within SURELY_HELD_MS of its expiry
      const many = jest.spyOn(coll(), 'deleteMany');
      const one = jest.spyOn(coll(), 'deleteOne');
      await Promise.all([a.release('lone'), a.release('near')]);
      expect(many).not.toHaveBeenCalled();
      expect(one.mock.calls.map((c) => c[0])).toEqual(expect.arrayContaining([{ _id: 'lone' }, { _id: 'near', owner: a.owner }]));
      expect(one).toHaveBeenCalledTimes(2);
      expect(await coll().countDocuments({ _id: { $in: ['lone', 'near'] } } as never)).toBe(0);
    });

    test('a failed delete fails every release that shared it', async () => {
      const a = new Locks(db.models.locks);
      const keys = ['fail:1', 'fail:2', 'fail:3'];
      for (const k of keys) expect(await a.tryAcquire(k, 30_000)).toBe(true);
      jest.spyOn(coll(), 'deleteMany').mockRejectedValueOnce(new Error('connection closed'));
      const results = await Promise.allSettled(keys.map((k) => a.release(k)));
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      await a.releaseAll();
    });
  });
});
