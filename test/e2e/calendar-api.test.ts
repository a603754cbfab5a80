import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
const TOKEN = 'test-admin-token-123456';
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00', env: { WORKDAY_OVERRIDES: '2027-02-20:work' } });
});
afterAll(() => h.close());

async function get(p: string, token: string | null = TOKEN) {
  const r = await fetch(h.base + p, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: r.status, json: (await r.json()) as any };
}

describe('GET /api/calendar', () => {
  test('2027: statutory days off and the configured swap, each with its source', async () => {
    const r = await get('/api/calendar?year=2027');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ year: 2027, basis: 'statutory', note: expect.stringContaining('WORKDAY_OVERRIDES') });
    const byDate = Object.fromEntries(r.json.days.map((d: any) => [d.date, d]));
    expect(byDate['2027-01-01']).toEqual({ date: '2027-01-01', off: true, name: '元旦', source: 'statutory', weekday: '周五' });
    expect(byDate['2027-01-04']).toBeUndefined(); // the first workday of January
    for (const d of ['02-05', '02-06', '02-07', '02-08', '02-09', '02-10', '05-01', '05-02', '05-03', '05-04', '10-01', '10-02', '10-03', '10-04', '10-05']) {
      expect([d, byDate[`2027-${d}`]?.off, byDate[`2027-${d}`]?.source]).toEqual([d, true, 'statutory']);
    }
    expect(byDate['2027-02-20']).toMatchObject({ off: false, source: 'override' });
    expect(r.json.extraWorkdays).toBe(1);
  });

  test('an announced year, the default year, bad input, and the token', async () => {
    const y2026 = await get('/api/calendar?year=2026');
    expect(y2026.json.basis).toBe('announced');
    expect(y2026.json.days.find((d: any) => d.date === '2026-10-10')).toMatchObject({ off: false, source: 'announced' });
    expect((await get('/api/calendar')).json.year).toBe(2026); // the business clock's year
    const bad = await get('/api/calendar?year=27');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_query');
    expect((await get('/api/calendar?year=2027&x=1')).status).toBe(400);
    expect((await get('/api/calendar?year=2027', null)).status).toBe(401);
  });

  test('the dashboard figures name the computed year', async () => {
    const s = await get('/api/stats');
    expect(s.json.calendar).toEqual({ statutoryYears: [2027], note: expect.stringContaining('2027 年') });
  });
});

describe('npm run calendar', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/calendar.ts', ...args], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', env: { ...process.env, WORKDAY_OVERRIDES: '' } });
  test('lists 2027 with sources; bad arguments exit 2', () => {
    const ok = run('2027');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/2027-02-10 周三 {2}休 {2}春节（补假）.*\[statutory/);
    expect(ok.stdout).toContain('调休上班日在通知发布前未知');
    const json = JSON.parse(run('2026', '--json').stdout);
    expect(json.basis).toBe('announced');
    expect(run('27').status).toBe(2);
    expect(run().stderr).toContain('usage: npm run calendar');
  });
});
