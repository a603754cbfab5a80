import type { Connection } from '../adapters/mongo/database';
import type { FakeFeishu, FakeMessage } from './feishu-stand-in';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { machineNow } from '../clock';

/**
 * The sandbox's chats, cards and business clock live in its database like everything else, so a
 * restart (`kill -TERM`, `npm start`) finds the chats as they were and the clock where it was moved:
 * the bot can go on patching the cards it sent. Every message the stand-in creates or changes is
 * written (in order, one write at a time); the clock is kept as its distance from the real time.
 * Images and files people sent are not kept (their bytes stay in memory).
 */
interface MessageDoc {
  _id: string;
  order: number;
  json: string;
}
interface ClockDoc {
  _id: 'clock';
  offsetMs: number;
  at: Date;
}

export interface SandboxPersistence {
  /** Keeps the clock's current reading (after the console moved it). */
  saveClock(): Promise<void>;
  /** Waits until every change so far is written (before the database closes). */
  flush(): Promise<void>;
}

type SettableClock = Clock & { set?(at: Date): void };

export async function persistSandbox(conn: Connection, fake: FakeFeishu, clock: SettableClock, log: Logger): Promise<SandboxPersistence> {
  const messages = conn.collection<MessageDoc>('sandbox_messages');
  const state = conn.collection<ClockDoc>('sandbox_state');

  const saved = await state.findOne({ _id: 'clock' });
  if (saved && clock.set) {
    clock.set(new Date(machineNow() + saved.offsetMs));
    log.info({ now: clock.now().toISOString() }, 'sandbox: the business clock goes on from where it was moved');
  }
  const kept = await messages.find({}).sort({ order: 1 }).toArray();
  fake.restore(kept.map((d) => JSON.parse(d.json) as FakeMessage));
  let order = kept.length ? kept[kept.length - 1].order : 0;
  const orderOf = new Map(kept.map((d) => [d._id, d.order]));

  let chain: Promise<unknown> = Promise.resolve();
  const write = (m: FakeMessage) => {
    let n = orderOf.get(m.message_id);
    if (n === undefined) orderOf.set(m.message_id, (n = ++order));
    const doc = { order: n, json: JSON.stringify(m) };
    chain = chain.then(() => messages.replaceOne({ _id: m.message_id }, doc, { upsert: true })).catch((e) => log.warn({ err: (e as Error).message, messageId: m.message_id }, 'sandbox: a message was not kept'));
  };
  fake.on('message', write);
  fake.on('patch', ({ message }) => write(message));

  return {
    async saveClock() {
      const at = clock.now();
      await state.replaceOne({ _id: 'clock' }, { offsetMs: at.getTime() - machineNow(), at }, { upsert: true });
    },
    async flush() {
      await chain;
    },
  };
}
