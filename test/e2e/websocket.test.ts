import { botAdded } from '../fake-feishu';
import { wsDispatcher } from '../../src/adapters/feishu/ws';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { FEISHU_EVENT_MODE: 'websocket' } });
});
afterAll(() => h.close());

describe('long connection (FEISHU_EVENT_MODE=websocket)', () => {
  test('an envelope as the SDK WSClient hands it ends in the same bot.receive, once', async () => {
    const d = wsDispatcher(h.service.bot);
    const env = h.fake.userMessage({ senderOpenId: 'ou_off1', chatType: 'p2p', text: '帮助' });
    expect(await d.invoke(env as never)).toEqual({});
    expect(await d.invoke(env as never)).toEqual({}); // re-pushed: acknowledged, not applied twice
    await h.drain();
    expect(h.botMessages(h.fake.p2pChatOf('ou_off1'))).toHaveLength(1);
  });

  test('a card callback over the connection answers with the toast', async () => {
    const d = wsDispatcher(h.service.bot);
    const env = h.fake.cardAction({ operatorOpenId: 'ou_off1', value: { a: 'task.accept', v: 1, c: 'DB-2026-0404', s: 'dispatched' }, openMessageId: 'om_none', openChatId: 'oc_msz' });
    const answer = (await d.invoke(env as never)) as { toast: { type: string; content: string } };
    expect(answer.toast.type).toBe('error');
    expect(answer.toast.content).toContain('DB-2026-0404');
  });

  test('the bot added to a chat introduces itself once', async () => {
    const env = botAdded('oc_zrzyj');
    const d = wsDispatcher(h.service.bot);
    await d.invoke(env as never);
    await d.invoke(env as never);
    await h.drain();
    const msgs = h.botMessages('oc_zrzyj');
    expect(msgs).toHaveLength(1);
    expect(JSON.stringify(msgs[0].content)).toContain('督导助手');
  });
});
