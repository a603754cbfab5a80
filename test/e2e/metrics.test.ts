import { startHarness, type Harness } from '../support/harness';

/**
 * GET /metrics: Prometheus text behind the admin token or METRICS_TOKEN, and the series the service
 * feeds — after a message and a card click through the HTTP endpoints, a job run and a Feishu error.
 */
const ADMIN = 'test-admin-token-123456';
const METRICS = 'metrics-token-abcdefghij';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { METRICS_TOKEN: METRICS } });
}, 60_000);
afterAll(() => h?.close());

async function scrape(token: string | null = METRICS): Promise<{ status: number; type: string; cache: string | null; text: string }> {
  const r = await fetch(`${h.base}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: r.status, type: r.headers.get('content-type') ?? '', cache: r.headers.get('cache-control'), text: await r.text() };
}

/** The value of one series, e.g. `dudao_outbox_rows{status="sent"}`; undefined when absent. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('the scrape needs the admin token or METRICS_TOKEN; METRICS_TOKEN opens nothing else', async () => {
  expect((await scrape(null)).status).toBe(401);
  expect((await scrape('wrong-token-wrong-token')).status).toBe(401);
  for (const path of ['/METRICS', '/%6detrics', '//metrics/']) {
    expect([path, (await fetch(h.base + path)).status]).toEqual([path, 401]);
  }
  const byMetrics = await scrape(METRICS);
  expect(byMetrics.status).toBe(200);
  expect(byMetrics.type).toContain('text/plain');
  expect(byMetrics.cache).toBe('no-store');
  expect(byMetrics.text).toContain('# TYPE dudao_ingress_seconds histogram');
  expect((await scrape(ADMIN)).status).toBe(200);
  expect((await fetch(`${h.base}/api/org`, { headers: { authorization: `Bearer ${METRICS}` } })).status).toBe(401);
});

test('after a message, a card click, a job run and a Feishu error, their series are there', async () => {
  const said = await h.say('ou_sup1', '派单\n1. 推进茂盛路征迁扫尾\n责任单位：梅山镇\n完成时限：12月20日', { chatId: 'oc_g1' });
  expect(said.status).toBe(200);
  await h.drain();
  const clicked = await h.click('ou_sup1', h.botMessages('oc_g1').at(-1)!.message_id, '确认派发');
  expect(clicked.toast?.type).toBe('success');
  await h.drain();
  const run = await fetch(`${h.base}/api/jobs/reminders/run`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{}' });
  expect(run.status).toBe(200);
  const outcome = ((await run.json()) as { status: string }).status;
  h.fake.inject({ path: /^\/open-apis\/im\/v1\/messages/, fault: { type: 'error', httpStatus: 400, code: 230002, msg: 'bot not in chat' } });
  await h.say('ou_sup1', '统计', { chatId: 'oc_g1' });
  await h.drain();

  const { text } = await scrape();
  const positive = (series: string) => expect([series, (value(text, series) ?? 0) > 0]).toEqual([series, true]);
  positive('dudao_ingress_seconds_count{kind="im.message.receive_v1"}');
  positive('dudao_ingress_seconds_count{kind="card.action.trigger"}');
  positive('dudao_card_action_seconds_count{action="dispatch.confirm"}');
  positive('dudao_http_responses_total{status="200"}');
  positive('dudao_http_responses_total{status="401"}'); // the first test's refusals
  positive(`dudao_job_run_seconds_count{job="reminders",outcome="${outcome}"}`);
  positive('dudao_feishu_api_errors_total{code="230002"}');
  positive('dudao_db_command_seconds_count{command="find",outcome="ok"}');
  positive('dudao_db_command_seconds_count{command="insert",outcome="ok"}');
  positive('dudao_outbox_rows{status="sent"}');
  positive('dudao_outbox_rows{status="failed"}');
  expect(value(text, 'dudao_outbox_rows{status="pending"}')).toBeGreaterThanOrEqual(0);
  expect(value(text, 'dudao_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(0);
  expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
}, 60_000);
