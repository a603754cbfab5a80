import type { OutboxRow, OutboxStatus } from '../../src/app/outbox-item';
import { FixedClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { cleanupJob } from '../../src/jobs/cleanup';
import { createLogger } from '../../src/log';
import { buildCore, type Core } from '../../src/main';
import { openTestDb, type TestDb } from '../support/db';

/**
 * The cleanup job on FerretDB (no TTL indexes there): processed event ids past their retention go, newer
 * ones stay; sent and superseded outbox rows past theirs go, recent ones and every pending or failed row
 * stay, however old. Retention is wall-clock, so the documents are dated from Date.now().
 */
const DAY = 86_400_000;
const clock = new FixedClock(new Date('2026-12-01T10:00:00+08:00'));
let db: TestDb;
let core: Core;

beforeAll(async () => {
  db = await openTestDb('cleanup');
  core = await buildCore(loadConfig({ LOG_LEVEL: 'silent' }), { conn: db.conn, log: createLogger('silent'), clock });
});
afterAll(() => db.drop());

const ago = (days: number) => new Date(Date.now() - days * DAY);
let seq = 0;
const row = (id: string, status: OutboxStatus, createdAt: Date): OutboxRow => ({
  _id: id,
  key: id,
  kind: 'send',
  to: { type: 'chat_id', id: 'oc_msz' },
  msgType: 'text',
  content: { text: id },
  lane: 'chat:oc_msz',
  seq: ++seq,
  status,
  attempts: status === 'pending' ? 0 : 1,
  nextAttemptAt: createdAt,
  createdAt,
  ...(status === 'sent' ? { sentAt: createdAt, sentMessageId: `om_${id}` } : {}),
  ...(status === 'failed' ? { lastError: { code: '230002', message: 'bot not in chat', permanent: true } } : {}),
});
const ids = async (model: { find(f: object, p: object): { lean(): Promise<{ _id: unknown }[]> } }) => (await model.find({}, { _id: 1 }).lean()).map((d) => String(d._id)).sort();

test('cleanup prunes old processed events and old sent outbox rows, keeps recent ones and anything pending or failed', async () => {
  const { models } = core.deps;
  await models.processedEvents.create([
    { _id: 'ev_old_done', type: 'im.message.receive_v1', at: ago(3), state: 'done' },
    { _id: 'ev_old_processing', type: 'card.action.trigger', at: ago(10), state: 'processing' },
    { _id: 'ev_recent', type: 'im.message.receive_v1', at: ago(1), state: 'done' },
    { _id: 'ev_now', type: 'im.message.receive_v1', at: new Date(), state: 'processing' },
  ]);
  await models.outbox.insertMany([
    row('sent_old', 'sent', ago(31)),
    row('superseded_old', 'superseded', ago(45)),
    row('sent_recent', 'sent', ago(29)),
    row('superseded_recent', 'superseded', ago(2)),
    row('pending_old', 'pending', ago(60)),
    row('failed_old', 'failed', ago(90)),
    row('pending_recent', 'pending', new Date()),
    row('failed_recent', 'failed', ago(1)),
  ]);

  // events are kept 2 days here (in the service: twice FEISHU_MAX_EVENT_AGE, at least a day); sent rows the default 30 days
  const job = cleanupJob({ eventRetentionMs: 2 * DAY });
  const result = await job.run({ at: clock.now(), today: '2026-12-01', force: false, deps: core.deps });

  expect(result).toMatchObject({ events: 2, outbox: 2 });
  expect(await ids(models.processedEvents)).toEqual(['ev_now', 'ev_recent']);
  expect(await ids(models.outbox)).toEqual(['failed_old', 'failed_recent', 'pending_old', 'pending_recent', 'sent_recent', 'superseded_recent']);
  // what is kept is untouched
  expect(await models.outbox.findById('failed_old').lean()).toMatchObject({ status: 'failed', attempts: 1, lastError: { code: '230002' } });

  // a second run finds nothing more to remove
  expect(await job.run({ at: clock.now(), today: '2026-12-01', force: false, deps: core.deps })).toMatchObject({ events: 0, outbox: 0 });

  // a shorter outbox retention takes the rows it now covers, still never a pending or failed one
  const short = await cleanupJob({ eventRetentionMs: 2 * DAY, outboxRetentionMs: DAY }).run({ at: clock.now(), today: '2026-12-01', force: false, deps: core.deps });
  expect(short).toMatchObject({ events: 0, outbox: 2 });
  expect(await ids(models.outbox)).toEqual(['failed_old', 'failed_recent', 'pending_old', 'pending_recent']);
});

test('the cleanup job the service registers runs through the job runner with its configured retention', async () => {
  const { models } = core.deps;
  await models.processedEvents.deleteMany({});
  await models.outbox.deleteMany({});
  // the service keeps events max(2 × FEISHU_MAX_EVENT_AGE, 1 day)
  const retention = Math.max(loadConfig({ LOG_LEVEL: 'silent' }).FEISHU_MAX_EVENT_AGE * 2, DAY);
  await models.processedEvents.create([
    { _id: 'ev_past', type: 'im.message.receive_v1', at: new Date(Date.now() - retention - 60_000), state: 'done' },
    { _id: 'ev_inside', type: 'im.message.receive_v1', at: new Date(Date.now() - retention + 60_000), state: 'done' },
  ]);
  await models.outbox.insertMany([row('r_sent_old', 'sent', ago(31)), row('r_pending_old', 'pending', ago(31))]);
  const run = await core.runner.run('cleanup', clock.now(), { force: true });
  expect(run).toMatchObject({ status: 'ok', result: { events: 1, outbox: 1 } });
  expect(await ids(models.processedEvents)).toEqual(['ev_inside']);
  expect(await ids(models.outbox)).toEqual(['r_pending_old']);
});
