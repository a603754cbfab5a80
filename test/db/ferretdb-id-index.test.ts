import { openTestDb, type TestDb } from '../support/db';

/**
 * The project's FerretDB build looks documents up by `_id` through the `_id` index on SQLite (the
 * patch in src/adapters/mongo/ferretdb.ts, docs/architecture.md#ferretdb-constraints): released 1.24.2
 * read the whole table for every find, update and delete by `_id`. FerretDB's `explain` answers with
 * SQLite's own query plan. On MongoDB or FerretDB's PostgreSQL handler there is nothing to check.
 */
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('ferretdb_id_index');
});
afterAll(() => db.drop());

test('a lookup by _id searches the _id index instead of scanning the table', async () => {
  const tasks = db.models.tasks.collection;
  await tasks.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `DB-2026-${i}`, title: `t${i}` })) as never[]);
  const plan = (await db.conn.db!.command({ explain: { find: tasks.collectionName, filter: { _id: 'DB-2026-7' } } })) as { serverInfo?: { ferretdbVersion?: string }; queryPlanner?: { Plan?: string[] } };
  const sqlite = plan.serverInfo?.ferretdbVersion && Array.isArray(plan.queryPlanner?.Plan) && plan.queryPlanner.Plan.some((l) => /\b(SCAN|SEARCH)\b/.test(l));
  if (!sqlite) return; // MongoDB, or FerretDB on PostgreSQL: their own planners index `_id`
  const lines = plan.queryPlanner!.Plan!.join('\n');
  expect(lines).toMatch(/SEARCH \S+ USING INDEX \S+__id_/);
  expect(lines).not.toMatch(/\bSCAN\b/);
});
