/**
 * Database outages in the middle of a burst of signed Feishu events (see support/outage.ts): the service
 * stays up, the admin API answers 503 database_unavailable within seconds, every event is either
 * acknowledged and applied or refused and applied on Feishu's redelivery — none lost, none twice — and
 * the service resumes by itself when the database returns.
 */
import { FEISHU_RETRY_SCHEDULE_MS } from './support/feishu-pusher';
import { outageDuringBurst, type OutageReport } from './support/outage';

const reports: Record<string, OutageReport> = {};
afterAll(() => {
  for (const [name, r] of Object.entries(reports)) {
    const slowest = Math.max(0, ...r.api.map((a) => a.ms));
    process.stdout.write(`fault report ${name}: ${JSON.stringify({ ...r.push, applied: r.applied, lost: r.lost, twice: r.twice, apiDuringOutage: r.api.length, slowest503Ms: slowest, healthz: r.healthz, seconds: Math.round(r.ms / 1000) })}\n`);
  }
});

function expectSurvived(r: OutageReport): void {
  expect(r.unhandled).toEqual([]);
  expect(r.healthz.failed).toBe(0);
  expect(r.push.neverAcked).toBe(0);
  expect(r.push.ackedOnRedelivery).toBeGreaterThan(0); // the outage did refuse events
  expect({ lost: r.lost, twice: r.twice, applied: r.applied }).toEqual({ lost: 0, twice: 0, applied: r.push.events });
  expect(r.api.length).toBeGreaterThan(0);
  for (const a of r.api) {
    expect(a).toMatchObject({ status: 503, code: 'database_unavailable' });
    expect(a.ms).toBeLessThan(6000);
  }
}

test('30 s of swallowed packets mid-burst (Feishu’s redelivery compressed to 5, 10, 20, 40 s)', async () => {
  const run = await outageDuringBurst({ outageMs: 30_000, mode: 'swallow', rate: 3, schedule: [5_000, 10_000, 20_000, 40_000] });
  reports['30s-swallow'] = run.report;
  try {
    expectSurvived(run.report);
  } finally {
    await run.close();
  }
});

test('30 s of refused connections mid-burst', async () => {
  const run = await outageDuringBurst({ outageMs: 30_000, mode: 'refuse', rate: 3, schedule: [5_000, 10_000, 20_000, 40_000] });
  reports['30s-refuse'] = run.report;
  try {
    expectSurvived(run.report);
  } finally {
    await run.close();
  }
});

test('5 minutes of swallowed packets, with Feishu’s own redelivery schedule (15 s, 5 min, 1 h)', async () => {
  const run = await outageDuringBurst({ outageMs: 5 * 60_000, mode: 'swallow', rate: 1, schedule: FEISHU_RETRY_SCHEDULE_MS });
  reports['5min-swallow'] = run.report;
  try {
    expectSurvived(run.report);
  } finally {
    await run.close();
  }
});
