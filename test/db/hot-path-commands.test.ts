/**
 * The commands the hot paths send (docs/architecture.md#a-card-click-in-four-round-trips), recorded by
 * the driver's command monitoring against FerretDB: a 签收 click and the commonest events, through the
 * HTTP endpoints as Feishu sends them (signed, encrypted). Every filter on these paths is `_id` equality
 * (FerretDB's SQLite handler reads the whole collection for any other), a click is answered after at
 * most four round trips, and a replayed event or group chatter costs no round trip at all. The
 * service's background (outbox worker, jobs) is not started: what is recorded is the request's own work.
 */
import { cardText } from '../../src/cards/inspect';
import type { BotAnswer } from '../../src/app/bot';
import type { Inbound } from '../../src/app/inbound';
import { CommandMonitor } from '../support/command-monitor';
import { MongoCardCopies } from '../../src/adapters/mongo/card-copy-store';
import { defineModels } from '../../src/adapters/mongo/models';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let monitor: CommandMonitor;
/** When the bot had its answer for the last delivery (`performance.now()`). */
let answeredAt = 0;

beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
  monitor = CommandMonitor.of(h.service.conn);
  // the organisation's version stamp is read in the background (at most every 3 s), not by a request
  monitor.ignore = (collection, filters) => collection === 'counters' && JSON.stringify(filters) === JSON.stringify([{ _id: 'org:version' }]);
  const bot = h.service.bot;
  const receive = bot.receive.bind(bot);
  bot.receive = async (inb: Inbound): Promise<BotAnswer> => {
    const answer = await receive(inb);
    answeredAt = performance.now();
    return answer;
  };
}, 60_000);
afterAll(async () => {
  monitor.detach();
  await h.close();
});

const ORG_COLLECTIONS = ['units', 'groups', 'people'];
/** The text tags in a card's header (the task card shows its state there). */
const tagsOf = (card: unknown) => ((card as { header?: { text_tag_list?: { text: { content: string } }[] } }).header?.text_tag_list ?? []).map((t) => t.text.content);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records what `act` sends, from a quiet start to the end of the work it leaves running. */
async function record(act: () => Promise<unknown>): Promise<{ rounds: number; all: number; lines: string }> {
  await h.drain(); // what earlier steps queued is out: nothing else runs
  await sleep(300); // the claims' `done` marks of earlier steps
  await h.service.deps.orgs.get(); // the organisation in memory, as in a running service
  answeredAt = 0;
  monitor.start();
  await act();
  await h.service.deps.tasks.settled(); // the relay after a click's answer
  await sleep(300); // the claim's `done` mark, after the answer
  monitor.stop();
  const rounds = monitor.roundTripsBefore(answeredAt);
  const lines = monitor.describe();
  process.stdout.write(`--- ${expect.getState().currentTestName}: ${rounds} round trips to the answer, ${monitor.roundTrips()} in all\n${lines}\n`);
  return { rounds, all: monitor.commands.length, lines };
}

async function dispatchOne(title: string): Promise<{ code: string; card: string }> {
  await h.say('ou_sup1', `派单\n${title}\n责任单位：梅山镇\n完成时限：12月20日\n工作要求：按期完成`, { chatId: 'oc_g1' });
  await h.drain();
  const preview = h.botMessages('oc_g1').at(-1)!;
  const r = await h.click('ou_sup1', preview.message_id, '确认派发');
  const code = /DB-2026-\d{4}/.exec(r.toast!.content)![0];
  await h.drain();
  const card = h.botMessages('oc_msz').find((m) => cardText(m.content).includes(title))!;
  return { code, card: card.message_id };
}

describe('a 签收 click', () => {
  test('is answered with the updated card after at most 4 round trips, every filter by _id', async () => {
    const { code, card } = await dispatchOne('核查防汛物资台账');
    let answer: Awaited<ReturnType<Harness['click']>> | undefined;
    const r = await record(async () => {
      answer = await h.click('ou_off1', card, '签收');
    });
    expect(answer!.toast).toMatchObject({ type: 'success', content: '已签收' });
    expect(cardText(answer!.card)).toContain('李联络 签收');
    expect(tagsOf(answer!.card)).toContain('办理中');
    expect(monitor.scans()).toEqual([]);
    expect(r.rounds).toBeGreaterThan(0);
    expect(r.rounds).toBeLessThanOrEqual(4);
    expect(monitor.commands.filter((c) => ORG_COLLECTIONS.includes(c.collection ?? ''))).toEqual([]);
    // which copy was pressed is known from the sending: card_messages is not read
    expect(monitor.commands.filter((c) => c.collection === 'card_messages')).toEqual([]);
    // the relay happened after the answer: the change's messages are in the outbox, none left owed
    await h.drain();
    const doc = await h.service.deps.models.tasks.findById(code).lean();
    expect(doc!.owed).toEqual([]);
    expect(h.botMessages('oc_g1').some((m) => cardText(m.content).includes('已签收') || JSON.stringify(m.content).includes('已签收'))).toBe(true);
  }, 60_000);
});

test('a click on a card another instance sent: its copy read once by _id, then remembered', async () => {
  const { card } = await dispatchOne('复核河道保洁记录');
  // another instance: its own connection (the same client, so the monitor hears it), its own memory
  const conn = h.service.conn.useDb(h.service.conn.name, { useCache: false });
  const other = new MongoCardCopies(defineModels(conn), h.service.deps.locks as never);
  monitor.start();
  const first = await other.sentAs(card);
  const again = await other.sentAs(card);
  monitor.stop();
  expect(first).toMatchObject({ view: 'unit' });
  expect(again).toEqual({ ref: first!.ref, view: 'unit' });
  const reads = monitor.commands.filter((c) => c.collection === 'card_messages' && c.name !== 'create'); // its models create their collections
  expect(reads.map((c) => `${c.name} ${JSON.stringify(c.filters)}`)).toEqual([`find [{"_id":"${card}"}]`]);
}, 60_000);

describe('events', () => {
  // a query in one write (docs/architecture.md#the-hot-path): its queued reply is its claim
  test('a p2p 帮助: one insert (its reply) and nothing else; a second event id of the same message queues nothing', async () => {
    const before = await h.service.deps.models.outbox.estimatedDocumentCount();
    const first = await record(() => h.say('ou_off1', '帮助'));
    expect(monitor.scans()).toEqual([]);
    expect(monitor.commands.map((c) => `${c.name} ${c.collection}`)).toEqual(['insert outbox']);
    expect(first.rounds).toBe(1);
    expect(await h.service.deps.models.outbox.estimatedDocumentCount()).toBe(before + 1);
  }, 30_000);

  // Feature.queries promises these read only: checked on the commands they send, whatever they answer
  test.each([['我的任务'], ['查询 %CODE%'], ['统计'], ['查询'], ['今天天气怎么样']])('the query %s writes nothing but its reply', async (text) => {
    const { code } = await dispatchOne(`查询用例 ${text}`);
    await h.drain();
    await record(() => h.say('ou_off1', text.replace('%CODE%', code)));
    const writes = monitor.commands.filter((c) => ['insert', 'update', 'delete', 'findAndModify'].includes(c.name)).map((c) => `${c.name} ${c.collection}`);
    expect(writes).toEqual(['insert outbox']);
  }, 60_000);

  test('a command that changes something (进度) still takes the full path: claimed, handled, marked done', async () => {
    const { code } = await dispatchOne('检查消防通道');
    await record(() => h.say('ou_off1', `进度 ${code} 30% 已检查两处`));
    const names = monitor.commands.map((c) => `${c.name} ${c.collection}`);
    expect(names).toContain('update processed_events');
    expect((await h.service.deps.tasks.get(code))!.progress).toBe(30);
  }, 60_000);

  test('a progress report replying to a task card in the unit group: every filter by _id', async () => {
    const { code, card } = await dispatchOne('清点应急仓库');
    await h.click('ou_off1', card, '签收');
    await record(() => h.say('ou_off1', '进度 60% 已清点三个仓库', { chatId: 'oc_msz', replyTo: card, mention: false }));
    expect(monitor.scans()).toEqual([]);
    const task = await h.service.deps.tasks.get(code);
    expect(task!.progress).toBe(60);
  }, 60_000);

  // a bounded memory of the event ids this instance completed; chatter recognised from the event itself
  test('a replay of a handled event this instance completed: no round trip at all', async () => {
    const first = await h.say('ou_off2', '帮助');
    await h.drain();
    let status = 0;
    const r = await record(async () => void ({ status } = await h.post('/feishu/events', first.signed.body, first.signed.headers)));
    expect(status).toBe(200);
    expect(r.rounds).toBe(0);
    expect(r.all).toBe(0);
  }, 30_000);

  test('group chatter: acknowledged without a database round trip', async () => {
    let status = 0;
    const r = await record(async () => void ({ status } = await h.say('ou_off1', '好的，我们马上落实', { chatId: 'oc_msz', mention: false })));
    expect(status).toBe(200);
    expect(r.rounds).toBe(0);
    expect(r.all).toBe(0);
  }, 30_000);
});
