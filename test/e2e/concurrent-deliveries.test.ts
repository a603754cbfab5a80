/**
 * The guarantees under a crowd (docs/architecture.md): many deliveries of one thing at the same moment,
 * through the HTTP endpoints, signed and encrypted as Feishu sends them, against FerretDB.
 * - 50 copies of one event (the same event_id, each signed afresh as a redelivery is), and 50 deliveries
 *   of one message under several event ids: the bot replies once.
 * - 50 presses of one task's 签收 at once: the change is applied once (one history entry, one state
 *   change, the same messages a single press sends), and every press is answered 200 without an error toast.
 * A delivery not answered 200 is delivered again, as Feishu does, until it is.
 */
import { cardText, findButton } from '../../src/cards/inspect';
import { newEventId, signRequest, type SignedRequest } from '../fake-feishu';
import { startHarness, TEST_APP, type Harness } from '../support/harness';

const N = 50;
const SIGN = { verificationToken: TEST_APP.verificationToken, encryptKey: TEST_APP.encryptKey };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
});
afterAll(() => h.close());

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

/** POSTs each request at the same moment; those not answered 200 are delivered again (1 s later) until they are. */
async function deliverAll(path: string, requests: (() => SignedRequest)[]): Promise<{ first: Answer[]; final: Answer[]; redeliveries: number }> {
  const post = async (s: SignedRequest): Promise<Answer> => {
    try {
      return await h.post(path, s.body, s.headers);
    } catch {
      return { status: 0, json: {} };
    }
  };
  const first = await Promise.all(requests.map((make) => post(make())));
  const final = [...first];
  let redeliveries = 0;
  for (let round = 0; round < 10 && final.some((a) => a.status !== 200); round++) {
    await sleep(1000);
    await Promise.all(
      final.map(async (a, i) => {
        if (a.status === 200) return;
        redeliveries++;
        final[i] = await post(requests[i]());
      }),
    );
  }
  return { first, final, redeliveries };
}

const repliesTo = (chatId: string, messageId: string) => h.botMessages(chatId).filter((m) => (m as { parent_id?: string }).parent_id === messageId);

describe('50 deliveries of one event at once → one reply', () => {
  test('the same event_id 50 times', async () => {
    const t0 = Date.now();
    const chat = h.fake.p2pChatOf('ou_off1');
    const env = h.fake.userMessage({ senderOpenId: 'ou_off1', chatType: 'p2p', chatId: chat, text: '帮助', mentions: [], createTime: h.clock.now().getTime() });
    const run = await deliverAll('/feishu/events', Array.from({ length: N }, () => () => signRequest(env, SIGN)));
    await h.drain();
    const replies = repliesTo(chat, env.event.message.message_id);
    process.stdout.write(`concurrent same event_id: ${JSON.stringify({ firstAt200: run.first.filter((a) => a.status === 200).length, redeliveries: run.redeliveries, replies: replies.length, ms: Date.now() - t0 })}\n`);
    expect(run.final.map((a) => a.status)).toEqual(Array(N).fill(200));
    expect(replies).toHaveLength(1);
    expect(h.botMessages(chat)).toHaveLength(1);
  });

  test('one message_id under 10 event ids, 50 deliveries', async () => {
    const t0 = Date.now();
    const chat = h.fake.p2pChatOf('ou_off2');
    const env = h.fake.userMessage({ senderOpenId: 'ou_off2', chatType: 'p2p', chatId: chat, text: '帮助', mentions: [], createTime: h.clock.now().getTime() });
    const ids = Array.from({ length: 10 }, () => newEventId());
    const envs = ids.map((id) => ({ ...env, header: { ...env.header, event_id: id } }));
    const run = await deliverAll('/feishu/events', Array.from({ length: N }, (_, i) => () => signRequest(envs[i % envs.length], SIGN)));
    await h.drain();
    const replies = repliesTo(chat, env.event.message.message_id);
    process.stdout.write(`concurrent same message_id: ${JSON.stringify({ firstAt200: run.first.filter((a) => a.status === 200).length, redeliveries: run.redeliveries, replies: replies.length, ms: Date.now() - t0 })}\n`);
    expect(run.final.map((a) => a.status)).toEqual(Array(N).fill(200));
    expect(replies).toHaveLength(1);
    expect(h.botMessages(chat)).toHaveLength(1);
  });
});

describe('50 presses of one task’s 签收 at once → applied once, every press answered', () => {
  const TOKEN = { authorization: 'Bearer test-admin-token-123456' };
  const getTask = async (code: string) => (await (await fetch(`${h.base}/api/tasks/${code}`, { headers: TOKEN })).json()) as { state: string; rev: number; history: { action: string }[] };

  async function dispatchOne(title: string): Promise<{ code: string; card: string }> {
    await h.say('ou_sup1', `派单\n${title}\n责任单位：梅山镇\n完成时限：12月20日\n工作要求：按期完成\n配合单位：住建局`, { chatId: 'oc_g1' });
    await h.drain();
    const preview = h.botMessages('oc_g1').at(-1)!;
    const r = await h.click('ou_sup1', preview.message_id, '确认派发');
    const code = /DB-2026-\d{4}/.exec(r.toast!.content)![0];
    await h.drain();
    const card = h.botMessages('oc_msz').find((m) => cardText(m.content).includes(title))!;
    return { code, card: card.message_id };
  }

  /** A press of 签收 on the card as it was sent (each a callback of its own: a new event id and token). */
  const press = (openId: string, card: string) => () => {
    const msg = h.fake.message(card)!;
    const value = findButton(msg.versions[0].content, '签收')!.value!;
    return signRequest(h.fake.cardAction({ operatorOpenId: openId, value, openMessageId: card, openChatId: msg.chat_id, createTime: h.clock.now().getTime() }), SIGN);
  };

  /** What went out to Feishu since `from`, as method and path with the ids taken out, sorted. */
  const sentSince = (from: number) =>
    h.fake
      .calls()
      .slice(from)
      .filter((c) => !/^\/open-apis\/(auth|bot)\//.test(c.path))
      .map((c) => `${c.method} ${c.path.replace(/om_[\w-]+/g, ':id')}`)
      .sort();

  test('50 officials’ presses on one card', async () => {
    // the reference: one press on a twin task
    const twin = await dispatchOne('对照：清查应急仓库');
    const mark = h.fake.calls().length;
    const one = await deliverAll('/feishu/card', [press('ou_off1', twin.card)]);
    expect(one.first[0].json.toast).toMatchObject({ type: 'success' });
    await h.drain();
    const want = sentSince(mark);
    expect(want.length).toBeGreaterThan(0);

    const { code, card } = await dispatchOne('清点防汛物资');
    const before = await getTask(code);
    const from = h.fake.calls().length;
    const t0 = Date.now();
    const run = await deliverAll('/feishu/card', Array.from({ length: N }, (_, i) => press(i % 2 ? 'ou_off1h' : 'ou_off1', card)));
    const answeredMs = Date.now() - t0;
    await h.drain();
    await sleep(500);
    await h.drain();
    const toasts = run.first.map((a) => (a.json.toast as { type?: string } | undefined)?.type ?? 'none');
    const byType = toasts.reduce<Record<string, number>>((m, t) => ({ ...m, [t]: (m[t] ?? 0) + 1 }), {});
    const after = await getTask(code);
    process.stdout.write(`concurrent 签收: ${JSON.stringify({ contents: [...new Set(run.first.map((a) => (a.json.toast as { content?: string } | undefined)?.content))], statuses: [...new Set(run.first.map((a) => a.status))], toasts: byType, redeliveries: run.redeliveries, answeredMs, ms: Date.now() - t0 })}\n`);

    expect(run.first.map((a) => a.status)).toEqual(Array(N).fill(200)); // a press is not delivered again: each answered the first time
    expect(byType.error ?? 0).toBe(0);
    expect(byType.success ?? 0).toBeLessThanOrEqual(1);
    expect(after).toMatchObject({ state: 'in_progress', rev: before.rev + 1 });
    expect(after.history.filter((x) => x.action === 'accept')).toHaveLength(1);
    expect(after.history).toHaveLength(before.history.length + 1);
    expect(sentSince(from)).toEqual(want);
  });
});
