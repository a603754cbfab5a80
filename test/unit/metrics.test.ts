import { createMetrics } from '../../src/metrics';

/** The metrics module alone: registries apart, outbox gauges read on scrape, label values bounded. */
const T0 = new Date('2026-12-01T10:00:00+08:00');

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('two services keep their own registries', async () => {
  const a = createMetrics();
  const b = createMetrics();
  a.httpAnswer(200);
  expect(value(await a.registry.metrics(), 'dudao_http_responses_total{status="200"}')).toBe(1);
  expect(value(await b.registry.metrics(), 'dudao_http_responses_total{status="200"}')).toBeUndefined();
});

test('outbox depth and the oldest pending row are read at each scrape, aged on the given clock', async () => {
  const m = createMetrics();
  let now = new Date(T0.getTime() + 90_000);
  let reads = 0;
  m.watchOutbox(async () => {
    reads++;
    return { counts: { pending: 3, sent: 10, failed: 1, superseded: 0 }, oldestPending: T0 };
  }, () => now);
  let text = await m.registry.metrics();
  expect(reads).toBe(1);
  expect(value(text, 'dudao_outbox_rows{status="pending"}')).toBe(3);
  expect(value(text, 'dudao_outbox_rows{status="failed"}')).toBe(1);
  expect(value(text, 'dudao_outbox_oldest_pending_seconds')).toBe(90);
  now = new Date(T0.getTime() + 150_000);
  text = await m.registry.metrics();
  expect(reads).toBe(2);
  expect(value(text, 'dudao_outbox_oldest_pending_seconds')).toBe(150);
});

test('an outbox that cannot be read leaves its counts out and its age NaN; the scrape still answers', async () => {
  const errors: string[] = [];
  const m = createMetrics({ onCollectError: (e) => errors.push(e.message) });
  let fail = false;
  m.watchOutbox(async () => {
    if (fail) throw new Error('database not reachable');
    return { counts: { pending: 0 }, oldestPending: null };
  }, () => T0);
  expect(value(await m.registry.metrics(), 'dudao_outbox_oldest_pending_seconds')).toBe(0);
  fail = true;
  const text = await m.registry.metrics();
  expect(value(text, 'dudao_outbox_rows{status="pending"}')).toBeUndefined();
  expect(value(text, 'dudao_outbox_oldest_pending_seconds')).toBeNaN();
  expect(errors).toEqual(['database not reachable']);
});

test('label values from outside are bounded: odd ones and those past the first 50 count as other', async () => {
  const m = createMetrics();
  m.feishuError('230002');
  m.feishuError('bad code with spaces');
  m.feishuError('x'.repeat(100));
  for (let i = 0; i < 80; i++) m.ingress(`event.type_${i}`, 0.01);
  const text = await m.registry.metrics();
  expect(value(text, 'dudao_feishu_api_errors_total{code="230002"}')).toBe(1);
  expect(value(text, 'dudao_feishu_api_errors_total{code="other"}')).toBe(2);
  expect(value(text, 'dudao_ingress_seconds_count{kind="event.type_49"}')).toBe(1);
  expect(value(text, 'dudao_ingress_seconds_count{kind="event.type_50"}')).toBeUndefined();
  expect(value(text, 'dudao_ingress_seconds_count{kind="other"}')).toBe(30);
});

test('database commands from the driver\'s monitoring events, by command and outcome', async () => {
  const m = createMetrics();
  const handlers = new Map<string, (e: { commandName: string; duration: number }) => void>();
  m.watchMongo({ on: (ev: string, fn: (e: { commandName: string; duration: number }) => void) => handlers.set(ev, fn) } as never);
  handlers.get('commandSucceeded')!({ commandName: 'find', duration: 4 });
  handlers.get('commandSucceeded')!({ commandName: 'find', duration: 6 });
  handlers.get('commandFailed')!({ commandName: 'insert', duration: 2 });
  const text = await m.registry.metrics();
  expect(value(text, 'dudao_db_command_seconds_count{command="find",outcome="ok"}')).toBe(2);
  expect(value(text, 'dudao_db_command_seconds_sum{command="find",outcome="ok"}')).toBeCloseTo(0.01);
  expect(value(text, 'dudao_db_command_seconds_count{command="insert",outcome="error"}')).toBe(1);
});
