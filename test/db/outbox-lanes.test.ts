/** OutboxLanes (pure, no database): the worker's in-memory picture of pending rows, per lane in seq order. */
import { OutboxLanes } from '../../src/adapters/feishu/outbox-lanes';
import type { OutboxHead } from '../../src/adapters/mongo/outbox-store';

const T0 = 1_000_000;
const row = (id: string, lane: string, seq: number, at = T0, extra: Partial<OutboxHead> = {}): OutboxHead => ({ _id: id, lane, seq, nextAttemptAt: new Date(at), kind: 'send', ...extra });
const ids = (rows: OutboxHead[]) => rows.map((r) => r._id);
const none = () => false;

describe('OutboxLanes', () => {
  test('rows are kept per lane in seq order, whatever order they arrive in; known ids are not doubled', () => {
    const l = new OutboxLanes();
    l.add([row('a2', 'A', 2), row('b1', 'B', 1)]);
    l.add([row('a1', 'A', 1), row('a3', 'A', 3), row('a2', 'A', 2)]);
    expect(l.size).toBe(4);
    expect(ids(l.takeDue(T0, none, 10))).toEqual(['a1', 'b1']);
  });

  test('only due heads of lanes that are not busy; a lane whose head waits blocks its later rows', () => {
    const l = new OutboxLanes();
    l.add([row('a1', 'A', 1, T0 + 5000), row('a2', 'A', 2), row('b1', 'B', 1), row('c1', 'C', 1)]);
    expect(ids(l.takeDue(T0, (lane) => lane === 'B', 10))).toEqual(['c1']);
    expect(ids(l.takeDue(T0 + 5000, none, 10))).toEqual(expect.arrayContaining(['a1', 'b1', 'c1']));
  });

  test('served lanes go to the back of the line, so a limit rotates through all lanes', () => {
    const l = new OutboxLanes();
    l.add(['A', 'B', 'C', 'D'].map((lane, i) => row(`${lane}1`, lane, i)));
    expect(ids(l.takeDue(T0, none, 2))).toEqual(['A1', 'B1']);
    expect(ids(l.takeDue(T0, none, 2))).toEqual(['C1', 'D1']);
    expect(ids(l.takeDue(T0, none, 2))).toEqual(['A1', 'B1']);
  });

  test('remove moves the lane on to its next row; an emptied lane disappears', () => {
    const l = new OutboxLanes();
    l.add([row('a1', 'A', 1), row('a2', 'A', 2)]);
    l.remove('a1');
    expect(ids(l.takeDue(T0, none, 10))).toEqual(['a2']);
    l.remove('a2');
    l.remove('unknown');
    expect(l.size).toBe(0);
    expect(l.takeDue(T0, none, 10)).toEqual([]);
    expect(l.nextDue()).toBeUndefined();
  });

  test('retry times: set by the worker, refreshed from the database by a later add', () => {
    const l = new OutboxLanes();
    l.add([row('a1', 'A', 1)]);
    l.retryAt('a1', new Date(T0 + 2000));
    expect(l.takeDue(T0, none, 10)).toEqual([]);
    expect(l.nextDue()).toBe(T0 + 2000);
    l.add([row('a1', 'A', 1, T0 + 500)]);
    expect(l.nextDue()).toBe(T0 + 500);
  });

  test('patchesOf: the other pending updates of one card, in any lane', () => {
    const l = new OutboxLanes();
    l.add([
      row('p1', 'msg:om_1', 1, T0, { kind: 'patch', messageId: 'om_1' }),
      row('p2', 'msg:om_1', 2, T0, { kind: 'patch', messageId: 'om_1' }),
      row('p3', 'other', 3, T0, { kind: 'patch', messageId: 'om_1' }),
      row('r1', 'msg:om_1', 4, T0, { kind: 'reply', messageId: 'om_1' }),
      row('q1', 'msg:om_2', 1, T0, { kind: 'patch', messageId: 'om_2' }),
    ]);
    expect(l.patchesOf('om_1', 'p1').sort()).toEqual(['p2', 'p3']);
  });
});
