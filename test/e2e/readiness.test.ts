import { startHarness } from '../support/harness';

test('/readyz answers 503 with a reason when the database is unreachable, /healthz stays 200', async () => {
  const h = await startHarness();
  await h.service.conn.dropDatabase();
  await h.service.conn.close(true);
  const r = await fetch(`${h.base}/readyz`);
  expect(r.status).toBe(503);
  expect(((await r.json()) as any).error).toMatchObject({ code: 'db_unreachable' });
  expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
  await h.service.close();
  await h.fake.stop();
});
