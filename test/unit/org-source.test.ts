import { mongoOrgSource } from '../../src/adapters/mongo/org-source';
import type { Models } from '../../src/adapters/mongo/models';

/**
 * The organisation snapshot: loaded once, never a query per event; the version stamp (one document by
 * _id) read at most every checkMs, a reload when another instance's import moved it; invalidate for this
 * instance's own import.
 */
function fake() {
  const state = { version: 1, people: [{ code: 'P1', name: '甲', roles: [], active: true }] as unknown[] };
  const reads: string[] = [];
  const lean = <T>(name: string, v: () => T) => ({ lean: async () => (reads.push(name), v()) });
  const models = {
    counters: { findById: (id: string) => lean(`counters:${id}`, () => ({ _id: id, seq: state.version })) },
    units: { find: () => lean('units', () => []) },
    groups: { find: () => lean('groups', () => []) },
    people: { find: () => lean('people', () => state.people) },
  } as unknown as Models;
  return { models, state, reads };
}
const flush = () => new Promise((r) => setImmediate(r));

test('one load, then the snapshot answers with no query until the stamp is due', async () => {
  const { models, reads } = fake();
  let t = 0;
  const orgs = mongoOrgSource(models, { checkMs: 3000, now: () => t });
  await orgs.get();
  const loaded = reads.length;
  for (let i = 0; i < 100; i++) await orgs.get();
  t = 2999;
  await orgs.get();
  expect(reads.length).toBe(loaded);
  t = 3000;
  await orgs.get();
  await flush();
  expect(reads.slice(loaded)).toEqual(['counters:org:version']); // the stamp did not move: nothing reloaded
});

test('another instance’s import moves the stamp: reloaded in the background, the next get sees it', async () => {
  const { models, state } = fake();
  let t = 0;
  const orgs = mongoOrgSource(models, { checkMs: 3000, now: () => t });
  expect((await orgs.get()).people).toHaveLength(1);
  state.people = [...state.people, { code: 'P2', name: '乙', roles: [], active: true }];
  state.version = 2;
  t = 1000;
  expect((await orgs.get()).people).toHaveLength(1); // not due yet
  t = 3500;
  expect((await orgs.get()).people).toHaveLength(1); // the snapshot in hand answers while the check runs
  for (let i = 0; i < 5; i++) await flush();
  expect((await orgs.get()).people).toHaveLength(2);
});

test('invalidate (this instance’s import): the next get loads afresh; a full reload after reloadMs even without a stamp', async () => {
  const { models, state, reads } = fake();
  let t = 0;
  const orgs = mongoOrgSource(models, { checkMs: 3000, reloadMs: 60_000, now: () => t });
  await orgs.get();
  state.people = [];
  orgs.invalidate();
  expect((await orgs.get()).people).toHaveLength(0);
  state.people = [{ code: 'P3', name: '丙', roles: [], active: true }];
  t = 60_000;
  const before = reads.length;
  await orgs.get();
  for (let i = 0; i < 5; i++) await flush();
  expect(reads.slice(before)).toContain('people');
  expect((await orgs.get()).people).toHaveLength(1);
});
