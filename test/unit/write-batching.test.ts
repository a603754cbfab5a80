/**
 * The write path's two schedulers (docs/architecture.md#the-hot-path): GroupCommit keeps one batch in the
 * database and sends what came meanwhile whole as the next; WriteGate lets one write at a time through,
 * the answer's writes before those that follow an answer, in arrival order within each.
 */
import { GroupCommit } from '../../src/adapters/mongo/group-commit';
import { WriteGate } from '../../src/adapters/mongo/write-gate';

const tick = () => new Promise((r) => setImmediate(r));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('GroupCommit', () => {
  test('one batch in the database at a time: what arrives meanwhile goes whole as the next batch', async () => {
    const batches: number[][] = [];
    const gates: ReturnType<typeof deferred>[] = [];
    const gc = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        const d = deferred();
        gates.push(d);
        await d.promise;
        return items.map((i) => i * 10);
      },
      { windowMs: 1, max: 500 },
    );
    const first = gc.submit([1]);
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([[1]]);
    const later = [gc.submit([2]), gc.submit([3, 4]), gc.submit([5])];
    await new Promise((r) => setTimeout(r, 10)); // well past the window: still waiting for the first batch
    expect(batches).toEqual([[1]]);
    gates[0].resolve();
    expect(await first).toEqual([10]);
    await tick();
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
    gates[1].resolve();
    expect(await Promise.all(later)).toEqual([[20], [30, 40], [50]]);
  });

  test('a batch the database does not answer holds the next one back for holdMs only', async () => {
    const batches: number[][] = [];
    const never = new Promise<number[]>(() => undefined);
    const gc = new GroupCommit<number, number>(async (items) => (batches.push(items), batches.length === 1 ? never : items), { windowMs: 1, max: 10, holdMs: 20 });
    void gc.submit([1]);
    await new Promise((r) => setTimeout(r, 5));
    expect(await gc.submit([2])).toEqual([2]); // went once the first had held 20 ms
    expect(batches).toEqual([[1], [2]]);
  });

  test('a backlog beyond `max` is cut before a call’s first item, never inside a call', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    let calls = 0;
    const gc = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        if (calls++ === 0) await gate.promise;
        return items;
      },
      { windowMs: 1, max: 4 },
    );
    const all = [gc.submit([0])];
    await new Promise((r) => setTimeout(r, 5));
    all.push(gc.submit([1, 2]), gc.submit([3, 4, 5]), gc.submit([6]), gc.submit([7, 8, 9, 10, 11]));
    gate.resolve();
    await Promise.all(all);
    expect(batches).toEqual([[0], [1, 2], [3, 4, 5, 6], [7, 8, 9, 10, 11]]);
  });

  test('a failed batch fails its own items only; the next batch still goes', async () => {
    let n = 0;
    const gc = new GroupCommit<number, number>(async (items) => {
      if (n++ === 0) {
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('connection closed');
      }
      return items;
    }, { windowMs: 1, max: 10 });
    const a = gc.submit([1]);
    await new Promise((r) => setTimeout(r, 2));
    const b = gc.submit([2]);
    await expect(a).rejects.toThrow('connection closed');
    expect(await b).toEqual([2]);
  });
});

describe('WriteGate', () => {
  test('one write at a time; waiting answer writes go before waiting after-answer writes, each in arrival order', async () => {
    const gate = new WriteGate();
    const order: string[] = [];
    let inside = 0;
    let most = 0;
    const hold = deferred();
    const write = (name: string, wait?: Promise<void>) => async () => {
      inside++;
      most = Math.max(most, inside);
      order.push(name);
      await (wait ?? tick());
      inside--;
      return name;
    };
    const running = gate.run('after', write('relay-1', hold.promise));
    const queued = [gate.run('after', write('relay-2')), gate.run('answer', write('claim-1')), gate.run('after', write('unlock-1')), gate.run('answer', write('task-1'))];
    await tick();
    expect(order).toEqual(['relay-1']);
    hold.resolve();
    await Promise.all([running, ...queued]);
    expect(order).toEqual(['relay-1', 'claim-1', 'task-1', 'relay-2', 'unlock-1']);
    expect(most).toBe(1);
  });

  test('a write still running after holdMs lets the next start (a stalled database gets writes side by side)', async () => {
    const gate = new WriteGate(1, 20);
    const stalled = deferred();
    const started: string[] = [];
    const slow = gate.run('answer', async () => (started.push('slow'), stalled.promise));
    const next = gate.run('answer', async () => (started.push('next'), 'ok'));
    await tick();
    expect(started).toEqual(['slow']);
    expect(await next).toBe('ok'); // started after 20 ms, while the first still waits
    expect(started).toEqual(['slow', 'next']);
    stalled.resolve();
    await slow;
  });

  test('calm: at once when no answer is being written; else once answers have been quiet for quietMs; never past maxMs', async () => {
    jest.useFakeTimers(); // the gate's clock (performance.now) and its timers, moved by hand
    try {
      const gate = new WriteGate();
      const calmed = (p: Promise<void>) => {
        const s = { done: false };
        void p.then(() => (s.done = true));
        return s;
      };
      const first = calmed(gate.calm(30, 1000));
      await jest.advanceTimersByTimeAsync(0);
      expect(first.done).toBe(true); // nothing written yet

      const held = deferred();
      const answer = gate.run('answer', () => held.promise);
      const second = calmed(gate.calm(30, 1000));
      await jest.advanceTimersByTimeAsync(200);
      expect(second.done).toBe(false); // the answer write is still running
      held.resolve();
      await answer;
      await jest.advanceTimersByTimeAsync(29);
      expect(second.done).toBe(false); // quiet for less than 30 ms
      await jest.advanceTimersByTimeAsync(2);
      expect(second.done).toBe(true);

      await gate.run('after', async () => undefined); // after-answer writes are background: they do not hold it
      await jest.advanceTimersByTimeAsync(100);
      const steady = setInterval(() => void gate.run('answer', async () => undefined), 5);
      await jest.advanceTimersByTimeAsync(6);
      const third = calmed(gate.calm(30, 150));
      await jest.advanceTimersByTimeAsync(140);
      expect(third.done).toBe(false); // a steady stream of answers holds it …
      await jest.advanceTimersByTimeAsync(15);
      expect(third.done).toBe(true); // … for maxMs at most
      clearInterval(steady);
    } finally {
      jest.useRealTimers();
    }
  });

  test('a write that fails hands the slot on and rejects only its own caller', async () => {
    const gate = new WriteGate();
    const failing = gate.run('answer', async () => {
      throw new Error('E11000');
    });
    const next = gate.run('answer', async () => 'ok');
    await expect(failing).rejects.toThrow('E11000');
    expect(await next).toBe('ok');
    expect(await gate.run('after', async () => 'free again')).toBe('free again');
  });
});
