/** Restarts: the same signed bytes again (Feishu's retry) before and after a restart apply once; owed messages survive. */
import { findButton } from '../../src/cards/inspect';
import { signRequest } from '../fake-feishu';
import { startHarness, TEST_APP, type Harness } from '../support/harness';
import { ONE_TASK_ORDER } from '../support/factories';

const signOpts = { verificationToken: TEST_APP.verificationToken, encryptKey: TEST_APP.encryptKey };
const ORDER = ONE_TASK_ORDER;

let first: Harness;
let h: Harness;
afterAll(async () => {
  await h?.close();
  await first?.fake.stop();
});

/** The exact bytes of a button press, so they can be delivered again. */
function press(hh: Harness, openId: string, messageId: string, value: unknown) {
  const msg = hh.fake.message(messageId)!;
  const env = hh.fake.cardAction({ operatorOpenId: openId, value: value as Record<string, unknown>, openMessageId: messageId, openChatId: msg.chat_id, createTime: hh.clock.now().getTime() });
  return signRequest(env, signOpts);
}
const buttonValue = (hh: Harness, messageId: string, text: string) => {
  const value = findButton(hh.fake.cardOf(messageId), text)?.value;
  if (!value) throw new Error(`no button ${text} on ${messageId}`);
  return value;
};

describe('restart on the same database', () => {
  test('events and callbacks delivered again — before and after a restart — are acknowledged and applied once', async () => {
    first = await startHarness();
    const chat = first.fake.p2pChatOf('ou_off1');

    // 1. a message, answered once; the same bytes again (Feishu's retry) are acknowledged and ignored
    const help = await first.say('ou_off1', '帮助');
    expect(help.status).toBe(200);
    await first.drain();
    expect(first.botMessages(chat)).toHaveLength(1);
    expect(await first.post('/feishu/events', help.signed.body, help.signed.headers)).toMatchObject({ status: 200 });

    // 2. a card callback: confirming a dispatch creates the task once, a replay of the same request does nothing
    await first.say('ou_sup1', ORDER, { chatId: 'oc_g1' });
    await first.drain();
    const preview = first.botMessages('oc_g1').at(-1)!;
    const confirm = press(first, 'ou_sup1', preview.message_id, buttonValue(first, preview.message_id, '确认派发'));
    const ok = await first.post('/feishu/card', confirm.body, confirm.headers);
    expect(ok.status).toBe(200);
    expect((ok.json.toast as { type: string }).type).toBe('success');
    const replay = await first.post('/feishu/card', confirm.body, confirm.headers);
    expect(replay).toEqual({ status: 200, json: {} });
    await first.drain();
    expect(await first.service.deps.models.tasks.countDocuments()).toBe(1);
    const sentBefore = first.fake.calls({ method: 'POST', path: '/open-apis/im/v1/messages*' }).length;

    // 3. a message taken in but not yet sent when the service stops
    const pending = await first.say('ou_off2', '帮助');
    expect(pending.status).toBe(200);
    expect(await first.service.deps.models.outbox.countDocuments({ status: 'pending' })).toBeGreaterThan(0);

    // restart: a new service on the same database and the same Feishu
    await first.service.close();
    h = await startHarness({ dbName: first.dbName, fake: first.fake });

    // what was owed goes out once, after the restart
    await h.drain();
    expect(h.botMessages(h.fake.p2pChatOf('ou_off2'))).toHaveLength(1);

    // Feishu delivers the same signed requests again: all acknowledged, nothing applied
    expect(await h.post('/feishu/events', help.signed.body, help.signed.headers)).toMatchObject({ status: 200 });
    expect(await h.post('/feishu/events', pending.signed.body, pending.signed.headers)).toMatchObject({ status: 200 });
    expect(await h.post('/feishu/card', confirm.body, confirm.headers)).toEqual({ status: 200, json: {} });
    await h.drain();
    expect(h.botMessages(chat)).toHaveLength(1);
    expect(h.botMessages(h.fake.p2pChatOf('ou_off2'))).toHaveLength(1);
    expect(await h.service.deps.models.tasks.countDocuments()).toBe(1);
    const task = await h.service.deps.tasks.get('DB-2026-0001');
    expect(task?.history.map((e) => e.action)).toEqual(['dispatch']);
    expect(h.fake.calls({ method: 'POST', path: '/open-apis/im/v1/messages*' }).length).toBe(sentBefore + 1);

    // and the restarted service is alive: a new message gets its answer
    const fresh = await h.say('ou_off1', '帮助');
    expect(fresh.status).toBe(200);
    await h.drain();
    expect(h.botMessages(chat)).toHaveLength(2);
  }, 60_000);
});
