import type { OutboxItem, OutboxRow } from '../../src/app/outbox-item';
import { OutboxStore, type OutboxHead } from '../../src/adapters/mongo/outbox-store';
import { openTestDb, type TestDb } from '../support/db';

/**
 * Outbox puts on FerretDB: puts made at the same moment share one unordered insertMany; each put is
 * answered for its own rows (a duplicate is skipped, a bad item or a row not written fails that put only)
 * and the worker hears of each new row once.
 */
let db: TestDb;

beforeAll(async () => {
  db = await openTestDb('outbox_batch');
});
afterAll(() => db.drop());
beforeEach(() => db.models.outbox.deleteMany({}));

const text = (key: string, chat = 'oc_b'): OutboxItem => ({ key, kind: 'send', to: { type: 'chat_id', id: chat }, msgType: 'text', content: { text: key } });

/** A store and every row its onPut listener was told of. */
function listened(): { store: OutboxStore; heard: OutboxHead[] } {
  const store = new OutboxStore(db.models);
  const heard: OutboxHead[] = [];
  store.onPut((rows) => heard.push(...rows));
  return { store, heard };
}

test('20 concurrent puts go as one insertMany; duplicates across and within puts resolve; the worker hears each new row once', async () => {
  const { store, heard } = listened();
  await store.put([text('old-1')]);
  heard.length = 0;
  const insertMany = jest.spyOn(db.models.outbox.collection, 'insertMany');
  const puts = Array.from({ length: 20 }, (_, i) => {
    if (i === 3) return store.put([text('p3-a'), text('old-1')]); // queued before
    if (i === 5) return store.put([text('p5-a'), text('p5-a')]); // twice in one put
    if (i === 7 || i === 8) return store.put([text('shared'), text(`p${i}-a`)]); // the same row from two puts at once
    if (i === 11) return store.put([text('p11-a'), { ...text('p11-bad'), content: undefined }]); // refused before queueing
    return store.put([text(`p${i}-a`, `oc_${i}`), text(`p${i}-b`, `oc_${i}`)]);
  });
  const answers = await Promise.allSettled(puts);
  expect(insertMany).toHaveBeenCalledTimes(1);
  insertMany.mockRestore();

  // only the put with the bad item is refused
  expect(answers.map((a, i) => (a.status === 'rejected' ? [i, a.reason.message] : null)).filter(Boolean)).toEqual([
    [11, 'outbox item 2 of 2 (p11-bad): a send needs content or a render; nothing was queued'],
  ]);
  const ids = (await db.models.outbox.find({}, { _id: 1 }).lean<OutboxRow[]>()).map((r) => r._id).sort();
  const expected = ['old-1', 'p3-a', 'p5-a', 'shared', 'p7-a', 'p8-a'];
  for (const i of [0, 1, 2, 4, 6, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19]) expected.push(`p${i}-a`, `p${i}-b`);
  expect(ids).toEqual(expected.sort());
  expect(ids).not.toContain('p11-a');
  // each new row once, the one queued before not at all
  expect(heard.map((h) => h._id).sort()).toEqual(expected.filter((id) => id !== 'old-1').sort());
});

test('a row not written for another reason fails its own put only; its other rows stay queued, as an unordered insert leaves them', async () => {
  const { store, heard } = listened();
  const collection = db.models.outbox.collection;
  const real = collection.insertMany.bind(collection);
  const insertMany = jest.spyOn(collection, 'insertMany').mockImplementationOnce((async (docs: OutboxRow[], opts: never) => {
    const bad = docs.findIndex((d) => d._id === 'w-bad');
    await real(docs.filter((_, i) => i !== bad) as never[], opts);
    throw Object.assign(new Error('write errors'), { writeErrors: [{ index: bad, code: 121, errmsg: 'Document failed validation' }] });
  }) as never);
  const answers = await Promise.allSettled([store.put([text('w-ok1')]), store.put([text('w-ok2'), text('w-bad')]), store.put([text('w-ok3')])]);
  expect(insertMany).toHaveBeenCalledTimes(1);
  insertMany.mockRestore();
  expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((answers[1] as PromiseRejectedResult).reason.message).toBe('outbox row w-bad was not queued: Document failed validation');
  const ids = (await db.models.outbox.find({}, { _id: 1 }).lean<OutboxRow[]>()).map((r) => r._id).sort();
  expect(ids).toEqual(['w-ok1', 'w-ok2', 'w-ok3']);
  expect(heard.map((h) => h._id).sort()).toEqual(['w-ok1', 'w-ok2', 'w-ok3']);
});

test('a batch that fails as a whole fails every put in it, and the worker hears of nothing', async () => {
  const { store, heard } = listened();
  const insertMany = jest.spyOn(db.models.outbox.collection, 'insertMany').mockRejectedValueOnce(new Error('connection closed'));
  const answers = await Promise.allSettled([store.put([text('n-1')]), store.put([text('n-2'), text('n-3')])]);
  expect(insertMany).toHaveBeenCalledTimes(1);
  insertMany.mockRestore();
  expect(answers.map((a) => a.status === 'rejected' && a.reason.message)).toEqual(['connection closed', 'connection closed']);
  expect(heard).toEqual([]);
});
