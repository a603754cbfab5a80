/**
 * Bot.receive: the answer budget counts from the moment a delivery arrives, database claims included,
 * and what runs past it still finishes, once. Claims go to an in-memory stand-in for processedEvents
 * that behaves like MongoDB's unique _id (E11000), with a delay to play a busy database.
 */
import pino from 'pino';
import type { Inbound } from '../../src/app/inbound';
import { MongoEventClaims } from '../../src/adapters/mongo/event-claims';
import type { Models } from '../../src/adapters/mongo/models';
import { Bot, type Handlers } from '../../src/app/bot';
import type { AppDeps } from '../../src/app/deps';

const BUDGET = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeDeps(opts: { claimDelayMs?: number; claimError?: Error } = {}) {
  const rows = new Map<string, { state: string; at: Date }>();
  const inserts: string[] = [];
  const batches: string[][] = [];
  const errors: unknown[] = [];
  const ctl = { delayMs: opts.claimDelayMs ?? 0, claimError: opts.claimError };
  const processedEvents = {
    collection: {
      async insertMany(docs: { _id: string; at: Date; state: string; owner?: string }[]) {
        inserts.push(...docs.map((d) => d._id));
        batches.push(docs.map((d) => d._id));
        await sleep(ctl.delayMs);
        if (ctl.claimError) throw ctl.claimError;
        const writeErrors: { index: number; code: number }[] = [];
        docs.forEach((doc, index) => {
          if (rows.has(doc._id)) writeErrors.push({ index, code: 11000 });
          else rows.set(doc._id, { state: doc.state, at: doc.at, owner: doc.owner } as never);
        });
        if (writeErrors.length) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000, writeErrors });
      },
      async bulkWrite(ops: { updateOne: { filter: { _id: string }; update: { $set: Record<string, unknown> } } }[]) {
        for (const { updateOne: u } of ops) {
          const row = rows.get(u.filter._id);
          if (row) Object.assign(row, u.update.$set);
        }
      },
      async updateOne(filter: { _id: string }, update: { $set: Record<string, unknown> }) {
        const row = rows.get(filter._id);
        if (row) Object.assign(row, update.$set);
      },
    },
    findById: (id: string) => ({ lean: async () => rows.get(id) ?? null }),
    deleteOne: async (q: { _id: string }) => void rows.delete(q._id),
  };
  const log = pino({ level: 'silent' });
  const spy = Object.assign(Object.create(log), {
    child: () => spy,
    error: (o: unknown) => void errors.push(o),
    warn: () => undefined,
    info: () => undefined,
  });
  const claims = new MongoEventClaims({ processedEvents } as unknown as Pick<Models, 'processedEvents'>, { doneWindowMs: 1 });
  const deps = { models: { processedEvents }, claims, locks: { tryAcquire: async () => true }, log: spy, botOpenId: () => 'ou_bot' } as unknown as AppDeps;
  return { deps, rows, inserts, batches, errors, ctl };
}

const card = (id = 'ev-card-1'): Inbound => ({ type: 'card', eventId: id } as unknown as Inbound);
const message = (id = 'ev-msg-1', messageId = 'om_1'): Inbound => ({ type: 'message', eventId: id, messageId, dedupeKeys: [`msg:${messageId}`], chatType: 'p2p', mentions: [] } as unknown as Inbound);

function handlers(o: { workMs?: number } = {}) {
  const seen: string[] = [];
  const h: Handlers = {
    async onMessage(m) {
      await sleep(o.workMs ?? 0);
      seen.push(`message:${m.eventId}`);
    },
    async onCard(a) {
      await sleep(o.workMs ?? 0);
      seen.push(`card:${a.eventId}`);
      return { toast: { type: 'success', content: 'done' } };
    },
  };
  return { h, seen };
}

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await p;
  return { value, ms: Date.now() - t0 };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('Bot.receive: the budget includes the claims', () => {
  test('fast claim and fast work: the handler’s own answer', async () => {
    const { deps, rows } = fakeDeps();
    const { h, seen } = handlers();
    const { value, ms } = await timed(new Bot(deps, h, BUDGET).receive(card()));
    expect(value).toEqual({ toast: { type: 'success', content: 'done' } });
    expect(ms).toBeLessThan(BUDGET);
    expect(seen).toEqual(['card:ev-card-1']);
    await until(() => rows.get('ev-card-1')?.state === 'done');
  });

  test('a claim slower than the budget: the holding answer comes at the budget, the work still runs once', async () => {
    const { deps, rows, ctl } = fakeDeps({ claimDelayMs: 3 * BUDGET });
    const { h, seen } = handlers();
    const bot = new Bot(deps, h, BUDGET);
    const { value, ms } = await timed(bot.receive(card()));
    expect(value).toEqual({ toast: { type: 'info', content: '正在处理，卡片稍后更新' } });
    expect(ms).toBeGreaterThanOrEqual(BUDGET - 5);
    expect(ms).toBeLessThan(2 * BUDGET); // before the claim itself is done
    expect(seen).toEqual([]);
    await until(() => seen.length === 1);
    expect(rows.get('ev-card-1')?.state).toBe('done'); // a card action's claim is written done: no mark after
    expect(seen).toEqual(['card:ev-card-1']);
    // Feishu's retry of the same event, the database quick again: acknowledged, not applied again
    ctl.delayMs = 0;
    expect(await bot.receive(card())).toEqual({});
    await sleep(50);
    expect(seen).toEqual(['card:ev-card-1']);
  });

  test('claim time and work time add up against one budget (each alone fits)', async () => {
    const { deps, rows } = fakeDeps({ claimDelayMs: 0.7 * BUDGET });
    const { h, seen } = handlers({ workMs: 0.7 * BUDGET });
    const { value, ms } = await timed(new Bot(deps, h, BUDGET).receive(card()));
    expect(value).toEqual({ toast: { type: 'info', content: '正在处理，卡片稍后更新' } });
    expect(ms).toBeLessThan(1.3 * BUDGET);
    await until(() => seen.length === 1);
    expect(rows.get('ev-card-1')?.state).toBe('done');
    expect(seen).toEqual(['card:ev-card-1']);
  });

  test('a message whose two claims (event id, message id) outlast the budget: answered, then applied once', async () => {
    const { deps, rows, inserts } = fakeDeps({ claimDelayMs: 0.6 * BUDGET });
    const { h, seen } = handlers();
    const bot = new Bot(deps, h, BUDGET);
    const { value, ms } = await timed(bot.receive(message()));
    expect(value).toEqual({});
    expect(ms).toBeLessThan(1.1 * BUDGET);
    await until(() => rows.get('ev-msg-1')?.state === 'done');
    expect(inserts).toEqual(['ev-msg-1', 'msg:om_1']);
    expect(seen).toEqual(['message:ev-msg-1']);
    // the same message under another event id is not applied twice
    await bot.receive(message('ev-msg-2', 'om_1'));
    await sleep(2 * BUDGET);
    expect(seen).toEqual(['message:ev-msg-1']);
  });

  test('a claim that fails inside the budget rejects (nothing applied, Feishu may resend)', async () => {
    const { deps } = fakeDeps({ claimError: new Error('db down') });
    const { h, seen } = handlers();
    await expect(new Bot(deps, h, BUDGET).receive(card())).rejects.toThrow('db down');
    expect(seen).toEqual([]);
  });

  test('a card whose claim fails after the budget: answered at the budget, the claim retried, applied once', async () => {
    const { deps, rows, errors, ctl } = fakeDeps({ claimDelayMs: 2 * BUDGET, claimError: new Error('db down') });
    const { h, seen } = handlers();
    const bot = new Bot(deps, h, BUDGET);
    const { value, ms } = await timed(bot.receive(card()));
    expect(value).toEqual({ toast: { type: 'info', content: '正在处理，卡片稍后更新' } });
    expect(ms).toBeLessThan(1.5 * BUDGET);
    await until(() => errors.length > 0);
    expect(seen).toEqual([]);
    ctl.delayMs = 0;
    ctl.claimError = undefined; // the database back before the first retry (after 1 s)
    expect(await bot.receive(card())).toEqual({}); // a repeat meanwhile: acknowledged, not run
    await until(() => seen.length > 0, 5000); // the claim (written done) lands, then the handler runs
    await sleep(50);
    expect(seen).toEqual(['card:ev-card-1']);
    expect(rows.get('ev-card-1')?.state).toBe('done');
  });

  test('an event whose claim is not done at the budget is refused, so Feishu delivers it again; applied once', async () => {
    const { deps, rows, ctl } = fakeDeps({ claimDelayMs: 2 * BUDGET });
    const { h, seen } = handlers();
    const bot = new Bot(deps, h, BUDGET);
    const { value, ms } = await timed(bot.receive(message()).then(() => 'answered', (e: Error) => e.message));
    expect(value).toContain('not claimed within');
    expect(ms).toBeLessThan(1.5 * BUDGET);
    await until(() => rows.get('ev-msg-1')?.state === 'done');
    expect(seen).toEqual(['message:ev-msg-1']);
    ctl.delayMs = 0; // Feishu's redelivery, the database quick again: a duplicate
    expect(await bot.receive(message())).toEqual({});
    await sleep(50);
    expect(seen).toEqual(['message:ev-msg-1']);
  });

  test('an event whose claim fails after the budget was refused: the redelivery is applied', async () => {
    const fail = fakeDeps({ claimDelayMs: 2 * BUDGET, claimError: new Error('db down') });
    const { h, seen } = handlers();
    await expect(new Bot(fail.deps, h, BUDGET).receive(message())).rejects.toThrow('not claimed within');
    await until(() => fail.errors.length > 0);
    const healthy = fakeDeps(); // the database back (same handlers, as after a restart)
    expect(await new Bot(healthy.deps, h, BUDGET).receive(message())).toEqual({});
    expect(seen).toEqual(['message:ev-msg-1']);
  });

  test('a handler that throws: an error toast, the event marked done', async () => {
    const { deps, rows } = fakeDeps();
    const bot = new Bot(deps, { onMessage: async () => undefined, onCard: async () => { throw new Error('boom'); } }, BUDGET);
    expect(await bot.receive(card())).toMatchObject({ toast: { type: 'error' } });
    await until(() => rows.get('ev-card-1')?.state === 'done');
  });
});

describe('Bot.receive: an event whose handler fails is not lost', () => {
  test('failing inside the budget: answered with an error; the redelivery runs it again, once', async () => {
    const { deps, rows } = fakeDeps();
    (deps as unknown as { locks: { owner: string } }).locks.owner = 'instance-a';
    let fail = true;
    const seen: string[] = [];
    const bot = new Bot(deps, { onMessage: async (m) => { if (fail) throw new Error('database unreachable'); seen.push(m.eventId); }, onCard: async () => ({ toast: { type: 'success', content: '' } }) }, BUDGET);
    await expect(bot.receive(message())).rejects.toThrow('database unreachable');
    expect(rows.get('ev-msg-1')?.state).toBe('processing'); // kept, ours: the redelivery takes it over
    fail = false;
    expect(await bot.receive(message())).toEqual({});
    await until(() => rows.get('ev-msg-1')?.state === 'done');
    expect(await bot.receive(message())).toEqual({});
    expect(seen).toEqual(['ev-msg-1']);
  });

  test('failing after its answer went out: retried here until it succeeds, then marked done', async () => {
    const { deps, rows } = fakeDeps();
    let attempts = 0;
    const bot = new Bot(deps, { onMessage: async () => { attempts++; if (attempts === 1) { await sleep(1.5 * BUDGET); throw new Error('database unreachable'); } }, onCard: async () => ({ toast: { type: 'success', content: '' } }) }, BUDGET);
    expect(await bot.receive(message())).toEqual({}); // the budget passed with the claim made: acknowledged
    await until(() => attempts === 2 && rows.get('ev-msg-1')?.state === 'done', 5000);
    expect(await bot.receive(message())).toEqual({}); // a redelivery meanwhile or after: acknowledged, not run
    expect(attempts).toBe(2);
  });
});

describe('Bot.receive: a card action answered with the holding toast is applied, not dropped', () => {
  /** A card handler that fails (throws) on its first run, after the budget; `answer` is what the others answer. */
  function failingOnce(answer: Awaited<ReturnType<Handlers['onCard']>> = { toast: { type: 'success', content: '已签收' } }) {
    const calls = { n: 0 };
    const h: Handlers = {
      onMessage: async () => undefined,
      async onCard() {
        calls.n++;
        if (calls.n > 1) return answer;
        await sleep(1.5 * BUDGET);
        throw new Error('lock task:DB-2026-0001 busy');
      },
    };
    return { h, calls };
  }

  test('a handler that throws after the holding answer is retried and applied once', async () => {
    const { deps, rows } = fakeDeps();
    const { h, calls } = failingOnce();
    const bot = new Bot(deps, h, BUDGET);
    expect(await bot.receive(card())).toEqual({ toast: { type: 'info', content: '正在处理，卡片稍后更新' } });
    await until(() => calls.n === 1);
    await sleep(2 * BUDGET); // the handler has thrown: no error toast to nobody, the retry waits its first second
    expect(calls.n).toBe(1);
    await until(() => calls.n === 2, 5000);
    await sleep(50);
    expect(calls.n).toBe(2);
    expect(rows.get('ev-card-1')?.state).toBe('done'); // written done with the claim
    expect(await bot.receive(card())).toEqual({}); // remembered: a repeat is answered from memory
    expect(calls.n).toBe(2);
  });

  test('a repeated delivery during the retries is acknowledged without running the handler again', async () => {
    const { deps, rows } = fakeDeps();
    const { h, calls } = failingOnce();
    const bot = new Bot(deps, h, BUDGET);
    await bot.receive(card());
    await sleep(2 * BUDGET); // thrown, the retry waiting its first second
    expect(calls.n).toBe(1);
    expect(await bot.receive(card())).toEqual({});
    expect(calls.n).toBe(1);
    await until(() => calls.n === 2, 5000);
    expect(rows.get('ev-card-1')?.state).toBe('done');
    expect(await bot.receive(card())).toEqual({});
    expect(calls.n).toBe(2);
  });

  /** A card handler that answers (or throws) past the budget, counting its calls. */
  function slowCard(then: () => Promise<Awaited<ReturnType<Handlers['onCard']>>>) {
    const calls = { n: 0 };
    const h: Handlers = {
      onMessage: async () => undefined,
      async onCard() {
        calls.n++;
        await sleep(1.5 * BUDGET);
        return then();
      },
    };
    return { h, calls };
  }

  test('a refusal answered after the holding toast (a warning toast, nothing thrown) is done, not retried', async () => {
    const { deps, rows } = fakeDeps();
    const { h, calls } = slowCard(async () => ({ toast: { type: 'warning', content: 'DB-2026-0001 已是“办理中”，此按钮已失效，卡片已刷新为最新状态。' } }));
    const bot = new Bot(deps, h, BUDGET);
    expect(await bot.receive(card())).toMatchObject({ toast: { type: 'info' } });
    await until(() => calls.n === 1 && rows.get('ev-card-1')?.state === 'done');
    await sleep(1.5 * BUDGET + 1200); // the refusal answered, then past where a first retry would have run
    expect(calls.n).toBe(1);
  });
  test('a handler that keeps failing: given up after the last retry (about 17 minutes), logged with the operator; its claim stays done (a new press is a new event)', async () => {
    jest.useFakeTimers();
    try {
      const { deps, rows, errors } = fakeDeps();
      const { h, calls } = slowCard(async () => {
        throw new Error('db down');
      });
      const answer = new Bot(deps, h, BUDGET).receive({ ...card(), operatorOpenId: 'ou_off1' } as Inbound);
      await jest.advanceTimersByTimeAsync(BUDGET);
      expect(await answer).toMatchObject({ toast: { type: 'info' } });
      await jest.advanceTimersByTimeAsync(1_100_000);
      expect(calls.n).toBe(11); // the run, then retries after 1, 2, 4 … 512 s
      expect(errors.at(-1)).toEqual({ ids: [], operator: 'ou_off1' }); // the event id is the logger's
      expect(rows.get('ev-card-1')).toMatchObject({ state: 'done' });
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('Bot.receive: a claim withdrawn between insert and read-back', () => {
  test('the message id another delivery withdrew is claimed again and the event applied, once', async () => {
    const { deps, rows } = fakeDeps();
    (deps as unknown as { locks: { owner: string } }).locks.owner = 'instance-a';
    rows.set('msg:om_1', { state: 'processing', at: new Date(), owner: 'instance-b' } as never);
    const pe = (deps as unknown as { models: { processedEvents: { findById(id: string): { lean(): Promise<unknown> } } } }).models.processedEvents;
    const read = pe.findById.bind(pe);
    pe.findById = (id: string) => {
      if (id === 'msg:om_1' && (rows.get(id) as { owner?: string } | undefined)?.owner === 'instance-b') rows.delete(id); // instance B withdraws it just now
      return read(id);
    };
    const { h, seen } = handlers();
    const bot = new Bot(deps, h, BUDGET);
    expect(await bot.receive(message())).toEqual({});
    expect(seen).toEqual(['message:ev-msg-1']);
    await until(() => rows.get('msg:om_1')?.state === 'done');
  });
});

describe('Bot.receive: claims whose answer was lost in an outage', () => {
  /** A claim insert that reaches the database while its answer is lost (the network failed after sending). */
  function lossy(owner: string) {
    const f = fakeDeps();
    const ctl = { loseAnswer: true, doneFails: false };
    type Coll = { insertMany(d: { _id: string }[]): Promise<void>; bulkWrite(ops: unknown[]): Promise<void> };
    const collection = ((f.deps as unknown as { models: { processedEvents: { collection: Coll } } }).models.processedEvents.collection);
    const insert = collection.insertMany.bind(collection);
    collection.insertMany = async (docs) => {
      await insert(docs);
      if (ctl.loseAnswer) throw Object.assign(new Error('connection 1 to 127.0.0.1:27017 closed'), { name: 'MongoNetworkError' });
    };
    const update = collection.bulkWrite.bind(collection);
    collection.bulkWrite = async (ops) => {
      if (ctl.doneFails) throw new Error('db down');
      await update(ops);
    };
    (f.deps as unknown as { locks: { owner: string } }).locks.owner = owner;
    return { ...f, ctl };
  }

  test('refused when the claim’s answer is lost; the redelivery to the same process is applied, once', async () => {
    const { deps, rows, ctl } = lossy('instance-a');
    const { h, seen } = handlers();
    const bot = new Bot(deps, h, BUDGET);
    await expect(bot.receive(message())).rejects.toThrow('closed');
    expect(rows.get('ev-msg-1')).toMatchObject({ state: 'processing' }); // the claim did land
    ctl.loseAnswer = false;
    expect(await bot.receive(message())).toEqual({});
    await until(() => rows.get('ev-msg-1')?.state === 'done');
    expect(seen).toEqual(['message:ev-msg-1']);
    expect(await bot.receive(message())).toEqual({}); // and a later one is a duplicate
    await sleep(50);
    expect(seen).toEqual(['message:ev-msg-1']);
  });

  test('another live instance’s unfinished claim is not acknowledged: refused, so Feishu delivers it again', async () => {
    const a = lossy('instance-a');
    const { h, seen } = handlers();
    await expect(new Bot(a.deps, h, BUDGET).receive(message())).rejects.toThrow('closed');
    (a.deps as unknown as { locks: { owner: string } }).locks.owner = 'instance-b'; // the redelivery reaches another instance
    a.ctl.loseAnswer = false;
    await expect(new Bot(a.deps, h, BUDGET).receive(message())).rejects.toThrow('being taken in by another instance');
    expect(seen).toEqual([]);
  });

  test('a done mark that fails is retried; a redelivery meanwhile is acknowledged from memory, not applied again', async () => {
    const { deps, rows, ctl } = lossy('instance-a');
    ctl.loseAnswer = false;
    ctl.doneFails = true;
    const { h, seen } = handlers();
    const bot = new Bot(deps, h, BUDGET);
    expect(await bot.receive(message())).toEqual({});
    await until(() => seen.length === 1);
    expect(await bot.receive(message())).toEqual({});
    ctl.doneFails = false;
    await until(() => rows.get('ev-msg-1')?.state === 'done', 5000);
    expect(seen).toEqual(['message:ev-msg-1']);
  });
});

describe('Bot.receive: answered from the event itself or from memory, no database round trip', () => {
  const groupMessage = (o: Record<string, unknown> = {}): Inbound => ({ type: 'message', eventId: 'ev-g-1', messageId: 'om_g1', dedupeKeys: ['msg:om_g1'], chatType: 'group', chatId: 'oc_1', senderType: 'user', senderOpenId: 'ou_1', mentions: [], ...o } as unknown as Inbound);
  const other = (eventType: string): Inbound => ({ type: 'other', eventId: `ev-${eventType}`, eventType, chatId: 'oc_1' });
  const withOther = (h: Handlers, seen: string[]): Handlers => ({ ...h, onOther: async (e) => void seen.push(`other:${e.eventType}`), otherTypes: ['im.chat.member.bot.added_v1'] });

  test.each([
    ['group chatter (no mention, no parent, no root)', groupMessage()],
    ['a group message mentioning someone else (the bot’s id known)', groupMessage({ mentions: [{ key: '@_user_1', openId: 'ou_2' }] })],
    ['a group message mentioning @_all', groupMessage({ mentions: [{ key: '@_all' }] })],
    ['an event type no handler acts on', other('im.message.message_read_v1')],
  ])('%s: 200 at once, nothing claimed, nothing run', async (_name, inb) => {
    const { deps, inserts } = fakeDeps();
    const { h, seen } = handlers();
    const bot = new Bot(deps, withOther(h, seen), BUDGET);
    expect(bot.needsNothing(inb)).toBe(true);
    expect(await bot.receive(inb)).toEqual({});
    expect(inserts).toEqual([]);
    expect(seen).toEqual([]);
  });

  test.each([
    ['a direct message', groupMessage({ chatType: 'p2p' })],
    ['a group message mentioning the bot', groupMessage({ mentions: [{ key: '@_user_1', openId: 'ou_bot' }] })],
    ['a quote of a message (parent)', groupMessage({ parentId: 'om_card' })],
    ['a reply in a thread (root)', groupMessage({ rootId: 'om_card' })],
    ['the bot added to a chat', other('im.chat.member.bot.added_v1')],
    ['a card action', card()],
  ])('%s: claimed and handled', async (_name, inb) => {
    const { deps, inserts } = fakeDeps();
    const { h, seen } = handlers();
    const bot = new Bot(deps, withOther(h, seen), BUDGET);
    expect(bot.needsNothing(inb)).toBe(false);
    await bot.receive(inb);
    expect(inserts[0]).toBe(inb.eventId);
    expect(seen).toHaveLength(1);
  });

  test('any @-mention but @_all counts while the bot’s own open_id is not known yet', async () => {
    const { deps } = fakeDeps();
    (deps as unknown as { botOpenId: () => undefined }).botOpenId = () => undefined;
    const bot = new Bot(deps, handlers().h, BUDGET);
    expect(bot.needsNothing(groupMessage({ mentions: [{ key: '@_user_1', openId: 'ou_2' }] }))).toBe(false);
    expect(bot.needsNothing(groupMessage({ mentions: [{ key: '@_all' }] }))).toBe(true);
  });

  test('a replay of an event this instance saw done is answered from memory; an unknown id still asks the database', async () => {
    const { deps, rows, inserts } = fakeDeps();
    const { h, seen } = handlers();
    const bot = new Bot(deps, h, BUDGET);
    await bot.receive(message());
    await until(() => rows.get('ev-msg-1')?.state === 'done');
    await until(() => deps.claims.knownDone('ev-msg-1'));
    const claimed = inserts.length;
    expect(await bot.receive(message())).toEqual({});
    expect(inserts).toHaveLength(claimed); // no round trip
    expect(await bot.receive(message('ev-msg-9', 'om_9'))).toEqual({});
    expect(inserts.length).toBeGreaterThan(claimed);
    expect(seen).toEqual(['message:ev-msg-1', 'message:ev-msg-9']);
  });
});

describe('Bot.receive: claims in one batch, read beside the previous release’s', () => {
  const MIN = 60_000;
  const ago = (ms: number) => new Date(Date.now() - ms);
  function owned(owner = 'instance-new') {
    const f = fakeDeps();
    (f.deps as unknown as { locks: { owner: string } }).locks.owner = owner;
    return f;
  }

  test('an event id and its message id go in one insert; both are marked done after the handler', async () => {
    const { deps, rows, batches } = owned();
    const { h, seen } = handlers();
    await new Bot(deps, h, BUDGET).receive(message());
    expect(batches).toEqual([['ev-msg-1', 'msg:om_1']]);
    await until(() => rows.get('msg:om_1')?.state === 'done' && rows.get('ev-msg-1')?.state === 'done');
    expect(seen).toEqual(['message:ev-msg-1']);
  });

  test('concurrent deliveries share one insert', async () => {
    const { deps, batches } = owned();
    const { h, seen } = handlers();
    const bot = new Bot(deps, h, BUDGET);
    await Promise.all(Array.from({ length: 10 }, (_, i) => bot.receive(card(`ev-c${i}`))));
    expect(batches.length).toBeLessThan(10);
    expect(batches.flat()).toHaveLength(10);
    expect(seen).toHaveLength(10);
  });

  test('a message id the previous release left processing (it never marked them done), past the lease: a duplicate; the new event id is marked done', async () => {
    const { deps, rows } = owned();
    rows.set('msg:om_1', { state: 'processing', at: ago(3 * MIN), owner: 'instance-old' } as never);
    const { h, seen } = handlers();
    expect(await new Bot(deps, h, BUDGET).receive(message('ev-msg-2'))).toEqual({});
    await until(() => rows.get('ev-msg-2')?.state === 'done');
    expect(seen).toEqual([]);
  });

  test('a message id another live instance is working on: refused (ClaimBusy), and this delivery’s claims withdrawn', async () => {
    const { deps, rows } = owned();
    rows.set('msg:om_1', { state: 'processing', at: ago(1000), owner: 'instance-old' } as never);
    const { h, seen } = handlers();
    await expect(new Bot(deps, h, BUDGET).receive(message('ev-msg-2'))).rejects.toThrow('being taken in by another instance');
    // withdrawn, not deleted: either release reads it as free to take over (the previous one: as a dead instance's)
    expect(rows.get('ev-msg-2')).toMatchObject({ state: 'processing', withdrawn: true, at: new Date(0) });
    expect(seen).toEqual([]);
    rows.set('msg:om_1', { state: 'done', at: new Date() } as never); // the other instance finished the message
    expect(await new Bot(deps, h, BUDGET).receive(message('ev-msg-2'))).toEqual({}); // the redelivery: taken over, a duplicate
    expect(seen).toEqual([]);
  });

  test('an event claim its delivery withdrew is taken over by the redelivery and applied once', async () => {
    const { deps, rows } = owned();
    rows.set('ev-msg-1', { state: 'processing', at: new Date(0), owner: 'instance-b', withdrawn: true } as never);
    const { h, seen } = handlers();
    expect(await new Bot(deps, h, BUDGET).receive(message())).toEqual({});
    expect(seen).toEqual(['message:ev-msg-1']);
    await until(() => rows.get('ev-msg-1')?.state === 'done');
  });

  test('an event a dead instance left processing past the lease is taken over with its message id, applied once, both marked done', async () => {
    const { deps, rows } = owned();
    rows.set('ev-msg-1', { state: 'processing', at: ago(3 * MIN), owner: 'instance-old' } as never);
    rows.set('msg:om_1', { state: 'processing', at: ago(3 * MIN), owner: 'instance-old' } as never);
    const { h, seen } = handlers();
    const bot = new Bot(deps, h, BUDGET);
    expect(await bot.receive(message())).toEqual({});
    await until(() => rows.get('ev-msg-1')?.state === 'done' && rows.get('msg:om_1')?.state === 'done');
    expect(seen).toEqual(['message:ev-msg-1']);
  });

  test('an event another instance finished (done) is a duplicate; a message id this delivery claimed beside it is marked done', async () => {
    const { deps, rows } = owned();
    rows.set('ev-msg-1', { state: 'done', at: ago(1000), owner: 'instance-old' } as never);
    const { h, seen } = handlers();
    expect(await new Bot(deps, h, BUDGET).receive(message())).toEqual({});
    await until(() => rows.get('msg:om_1')?.state === 'done');
    expect(seen).toEqual([]);
  });
});
