import { OutboxStore } from '../../src/adapters/mongo/outbox-store';
import { openTestDb, type TestDb } from '../support/db';

/** OutboxStore.depth, read by each metrics scrape: rows per status and the oldest still to send. */
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('obdepth');
});
afterAll(() => db.drop());

const row = (id: string, status: string, createdAt: string) => ({ _id: id, kind: 'text', to: { type: 'chat_id', id: 'oc_x' }, lane: 'oc_x', seq: 1, status, attempts: 0, nextAttemptAt: new Date(createdAt), createdAt: new Date(createdAt), schemaVersion: 1 });

test('counts per status and the oldest pending row', async () => {
  const store = new OutboxStore(db.models);
  expect(await store.depth()).toEqual({ counts: { pending: 0, sent: 0, failed: 0, superseded: 0 }, oldestPending: null });
  await db.models.outbox.collection.insertMany([
    row('a', 'sent', '2026-12-01T01:00:00Z'),
    row('b', 'pending', '2026-12-01T03:00:00Z'),
    row('c', 'pending', '2026-12-01T02:00:00Z'),
    row('d', 'failed', '2026-11-30T00:00:00Z'),
  ] as never[]);
  expect(await store.depth()).toEqual({ counts: { pending: 2, sent: 1, failed: 1, superseded: 0 }, oldestPending: new Date('2026-12-01T02:00:00Z') });
});
