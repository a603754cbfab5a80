/**
 * The numbered records beside tasks (projects, visits): created once per origin under the series'
 * lock, the code counter written before the origin's claim, so no code is ever named twice — even on
 * a counter left behind by an older build, which claimed before it counted.
 */
import { MongoCodedStore } from '../../src/adapters/mongo/coded-store';
import { Locks } from '../../src/adapters/mongo/lock';
import { openTestDb, type TestDb } from '../support/db';

type Doc = { code: string; rev: number; name: string };
let db: TestDb;
let store: MongoCodedStore<Doc>;

beforeAll(async () => {
  db = await openTestDb('codedstore');
  const noRelay = { expand: async () => [], put: async () => undefined };
  store = new MongoCodedStore<Doc>(db.conn, 'sample', db.models, new Locks(db.models.locks), noRelay, noRelay, (y, n) => `YB-${y}-${String(n).padStart(3, '0')}`, () => new Date('2026-12-01T02:00:00Z'));
});
afterAll(() => db.drop());

const make = (origin: string, name: string) => store.create(2026, origin, (code) => ({ code, rev: 1, name }), () => [], () => ({ action: 'sample.create', by: 'A1' }));

test('one record per origin; a counter left behind skips the codes taken, and no origin gets another’s record', async () => {
  const a = await make('o:a', '甲');
  expect(a).toMatchObject({ created: true, doc: { code: 'YB-2026-001', name: '甲' } });
  expect(await make('o:a', '甲')).toMatchObject({ created: false, doc: { code: 'YB-2026-001' } });
  await db.models.counters.updateOne({ _id: 'sample:2026' }, { $set: { seq: 0 } }); // as a crash between claim and count left it
  const b = await make('o:b', '乙');
  expect(b).toMatchObject({ created: true, doc: { code: 'YB-2026-002', name: '乙' } });
  expect((await store.get('YB-2026-001'))!.name).toBe('甲');
  expect(await make('o:b', '乙')).toMatchObject({ created: false, doc: { code: 'YB-2026-002', name: '乙' } });
});
