/** Permanent send failures are recorded, shown to admins (GET /api/outbox?status=failed) and can be retried. */
import type { OutboxRow } from '../../src/app/outbox-item';
import { cardText } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';

const ORDER = `派单
1. 整改住建领域安全隐患
责任单位：住建局
完成时限：12月20日
工作要求：完成全部隐患整改销号`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const api = async (method: 'GET' | 'POST', path: string, token = 'test-admin-token-123456') => {
  const r = await fetch(h.base + path, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: r.status, json: (await r.json()) as Record<string, any> };
};

describe('failed messages in the admin API', () => {
  test('bot not in the unit’s chat: the card fails once (230002), is listed, and goes out when retried after the fix', async () => {
    h.fake.setBotInChat('oc_zjj', false);
    await h.say('ou_sup1', ORDER, { chatId: 'oc_g1' });
    await h.drain();
    await h.click('ou_sup1', h.botMessages('oc_g1').at(-1)!.message_id, '确认派发');
    await h.drain();
    expect(h.botMessages('oc_zjj')).toHaveLength(0);

    const failed = await api('GET', '/api/outbox?status=failed');
    expect(failed.status).toBe(200);
    expect(failed.json.total).toBe(1);
    const row = failed.json.items[0] as OutboxRow;
    expect(row).toMatchObject({ status: 'failed', attempts: 1, to: { type: 'chat_id', id: 'oc_zjj' }, lastError: { code: '230002', permanent: true } });
    expect(h.fake.calls({ code: 230002 })).toHaveLength(1); // not retried on its own

    // retried while the bot is still out: fails again, still listed once
    expect(await api('POST', `/api/outbox/${row._id}/retry`)).toEqual({ status: 200, json: { ok: true, id: row._id } });
    await h.drain();
    expect((await api('GET', '/api/outbox?status=failed')).json.total).toBe(1);

    // the bot is added back: the retry delivers the card, which is then a live copy like any other
    h.fake.setBotInChat('oc_zjj', true);
    expect((await api('POST', `/api/outbox/${row._id}/retry`)).status).toBe(200);
    await h.drain();
    const cards = h.botMessages('oc_zjj');
    expect(cards).toHaveLength(1);
    expect(cardText(cards[0].content)).toContain('整改住建领域安全隐患');
    expect((await api('GET', '/api/outbox?status=failed')).json).toEqual({ items: [], total: 0 });
    expect(await h.service.deps.models.cardMessages.countDocuments({ _id: cards[0].message_id })).toBe(1);
    const sent = await api('GET', '/api/outbox?status=sent&limit=100');
    expect(sent.json.items.find((r: OutboxRow) => r._id === row._id)).toMatchObject({ status: 'sent', sentMessageId: cards[0].message_id });
  }, 60_000);

  test('during an outage a message keeps waiting, listed as retrying with its attempts and error, never failed', async () => {
    h.fake.inject({ path: '/open-apis/im/v1/messages*', times: 1000, fault: { type: 'status', status: 503 } });
    try {
      await h.say('ou_off1', '帮助');
      for (let i = 0; i < 3; i++) {
        const run = await api('POST', '/api/jobs/outbox/run');
        expect(run.json).toMatchObject({ status: 'ok', result: { sent: 0, failed: 0 } });
        await h.service.deps.models.outbox.updateMany({ status: 'pending' }, { $set: { nextAttemptAt: new Date() } }); // time passes
      }
      const retrying = await api('GET', '/api/outbox?status=retrying');
      expect(retrying.json.total).toBe(1);
      expect(retrying.json.items[0]).toMatchObject({ status: 'pending', attempts: 3, lastError: { permanent: false } });
      expect((await api('GET', '/api/outbox?status=failed')).json.total).toBe(0);
    } finally {
      h.fake.clearFaults();
    }
    const chat = h.fake.p2pChatOf('ou_off1');
    const before = h.botMessages(chat).length;
    await h.drain();
    expect(h.botMessages(chat)).toHaveLength(before + 1);
    expect((await api('GET', '/api/outbox?status=retrying')).json).toEqual({ items: [], total: 0 });
  }, 60_000);

  test('bad requests are refused and change nothing', async () => {
    const [row] = (await api('GET', '/api/outbox?status=sent&limit=1')).json.items as OutboxRow[];
    const retrySent = await api('POST', `/api/outbox/${row._id}/retry`);
    expect(retrySent.status).toBe(409);
    expect(retrySent.json.error).toMatchObject({ code: 'not_failed' });
    expect((await h.service.deps.outbox.get(row._id))?.status).toBe('sent');

    const unknown = await api('POST', '/api/outbox/no-such-row/retry');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'outbox_not_found' });

    const badStatus = await api('GET', '/api/outbox?status=lost');
    expect(badStatus.status).toBe(400);
    expect(JSON.stringify(badStatus.json.error)).toContain('status');

    expect((await api('GET', '/api/outbox?status=failed', '')).status).toBe(401);
    expect((await api('POST', `/api/outbox/${row._id}/retry`, 'wrong-token-wrong-token')).status).toBe(401);
  });
});
