import { MongoEventClaims } from '../../src/adapters/mongo/event-claims';
import type { Models } from '../../src/adapters/mongo/models';
import { openTestDb, type TestDb } from '../support/db';

/**
 * Event claims on FerretDB: claims made at the same moment share one unordered insertMany, each duplicate
 * is mapped back to its own request, and done marks go together as one bulkWrite of updates by _id.
 */
let db: TestDb;
let models: Models;

beforeAll(async () => {
  db = await openTestDb('event_claims');
  models = db.models;
});
afterAll(() => db.drop());

test('concurrent claims go as one insertMany; duplicates (before, and twice in one batch) come back false to their own request', async () => {
  await models.processedEvents.collection.insertOne({ _id: 'ev_old', type: 'im.message.receive_v1', at: new Date(), state: 'done', owner: 'old-instance' } as never);
  const claims = new MongoEventClaims(models, { claimWindowMs: 5 });
  const insertMany = jest.spyOn(models.processedEvents.collection, 'insertMany');
  const answers = await Promise.all([
    claims.add([{ id: 'ev_a', type: 'im.message.receive_v1' }, { id: 'msg:om_a', type: 'message' }], 'me'),
    claims.add([{ id: 'ev_old', type: 'im.message.receive_v1' }], 'me'),
    claims.add([{ id: 'ev_b', type: 'card.action.trigger' }], 'me'),
    claims.add([{ id: 'ev_c', type: 'im.message.receive_v1' }, { id: 'msg:om_a', type: 'message' }], 'me'),
    ...Array.from({ length: 20 }, (_, i) => claims.add([{ id: `ev_n${i}`, type: 'card.action.trigger' }], 'me')),
  ]);
  expect(insertMany).toHaveBeenCalledTimes(1);
  insertMany.mockRestore();
  expect(answers.slice(0, 4)).toEqual([[true, true], [false], [true], [true, false]]);
  expect(answers.slice(4).flat()).toEqual(Array.from({ length: 20 }, () => true));
  expect(await models.processedEvents.findById('ev_a').lean()).toMatchObject({ state: 'processing', owner: 'me' });
  expect(await models.processedEvents.findById('ev_old').lean()).toMatchObject({ state: 'done', owner: 'old-instance' });
});

test('done marks go together, are durable, and are remembered; a claim read back done is remembered too', async () => {
  const claims = new MongoEventClaims(models, { doneWindowMs: 5 });
  await claims.add([{ id: 'ev_d1', type: 'x' }, { id: 'msg:om_d1', type: 'message' }, { id: 'ev_d2', type: 'x' }], 'me');
  const bulkWrite = jest.spyOn(models.processedEvents.collection, 'bulkWrite');
  expect(claims.knownDone('ev_d1')).toBe(false);
  await Promise.all([claims.done(['ev_d1', 'msg:om_d1']), claims.done(['ev_d2'])]);
  expect(bulkWrite).toHaveBeenCalledTimes(1);
  bulkWrite.mockRestore();
  for (const id of ['ev_d1', 'msg:om_d1', 'ev_d2']) {
    expect(await models.processedEvents.findById(id).lean()).toMatchObject({ state: 'done' });
    expect(claims.knownDone(id)).toBe(true);
  }
  const other = new MongoEventClaims(models); // another instance: knows nothing until it reads
  expect(other.knownDone('ev_old')).toBe(false);
  expect(await other.get('ev_old')).toMatchObject({ state: 'done' });
  expect(other.knownDone('ev_old')).toBe(true);
  await other.release(['ev_d2']); // withdrawn, not deleted: the previous release reads it as a dead instance's and takes it over
  expect(await models.processedEvents.findById('ev_d2').lean()).toMatchObject({ withdrawn: true, at: new Date(0) });
  await other.takeOver('ev_d2', 'other');
  expect(await models.processedEvents.findById('ev_d2').lean()).toMatchObject({ withdrawn: false, owner: 'other' });
});
