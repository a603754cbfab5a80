/**
 * The database unreachable when the service starts (a proxy refusing every connection): the service
 * listens anyway, /healthz 200, /readyz 503 with the reason, the admin API 503 database_unavailable at
 * once, a Feishu event refused (so Feishu delivers it again) and a button press told to try later; when
 * the database comes, it creates its indexes and works, and the refused event's redelivery is applied.
 */
import { signRequest } from '../fake-feishu';
import { startHarness, TEST_APP, type Harness } from '../support/harness';
import { FaultProxy } from './support/proxy';

const TOKEN = { authorization: 'Bearer test-admin-token-123456' };
let proxy: FaultProxy;
let h: Harness | undefined;

afterAll(async () => {
  proxy?.set('pass');
  await h?.close();
  await proxy?.close();
});

test('starts while the database is unreachable, answers 503 meanwhile, and resumes by itself when it comes', async () => {
  proxy = await FaultProxy.start(process.env.MONGODB_URI!);
  proxy.set('refuse');
  const seen: Record<string, unknown> = {};
  let refused: { body: string; headers: Record<string, string>; messageId: string } | undefined;
  h = await startHarness({
    env: { MONGODB_URI: proxy.uri(process.env.MONGODB_URI!), DB_TIMEOUT: '1s' },
    beforeDbReady: async (service, base, fake) => {
      await new Promise((r) => setTimeout(r, 1500)); // a few connection attempts fail
      expect(service.db.ready).toBe(false);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      seen.readyz = { status: ready.status, body: await ready.json() };
      const t0 = Date.now();
      const api = await fetch(`${base}/api/tasks`, { headers: TOKEN });
      seen.api = { status: api.status, ms: Date.now() - t0, retryAfter: api.headers.get('retry-after'), body: await api.json() };
      // a message from Feishu: refused; a button press: told to press again later (it is not redelivered)
      const env = fake.userMessage({ senderOpenId: 'ou_off1', chatType: 'p2p', chatId: fake.p2pChatOf('ou_off1'), text: '帮助', mentions: [] });
      refused = { ...signRequest(env, { verificationToken: TEST_APP.verificationToken, encryptKey: TEST_APP.encryptKey }), messageId: env.event.message.message_id };
      seen.event = (await post(base, '/feishu/events', refused)).status;
      proxy.set('pass');
    },
  });
  expect(seen.readyz).toEqual({ status: 503, body: { error: { code: 'db_unreachable', message: expect.stringMatching(/^database not reachable: cannot connect: /) } } });
  expect(seen.api).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'database_unavailable', message: expect.stringContaining('the database is not available') } } });
  expect((seen.api as { ms: number }).ms).toBeLessThan(1000); // known down: answered at once, no wait
  expect(seen.event).toBe(503);
  expect(proxy.stats.refused).toBeGreaterThan(0);

  // up: ready, its indexes made by the start-up step, the API answering
  expect((await fetch(`${h.base}/readyz`)).status).toBe(200);
  const indexes = await h.service.deps.models.processedEvents.collection.indexes();
  expect(indexes.map((i) => i.name)).toContain('at_1');
  expect((await fetch(`${h.base}/api/tasks`, { headers: TOKEN })).status).toBe(200);

  // Feishu delivers the refused event again: applied once
  expect((await post(h.base, '/feishu/events', refused!)).status).toBe(200);
  await h.drain();
  const replies = h.botMessages(h.fake.p2pChatOf('ou_off1')).filter((m) => (m as { parent_id?: string }).parent_id === refused!.messageId);
  expect(replies).toHaveLength(1);
}, 60_000);

test('a button pressed while the database is away gets a toast asking to press again (not an error page)', async () => {
  proxy.set('refuse');
  await until(() => !h!.service.db.ready);
  const env = h!.fake.cardAction({ operatorOpenId: 'ou_off1', value: { action: 'sign', code: 'DB-2026-0001' }, openMessageId: 'om_x', openChatId: 'oc_msz', createTime: Date.now() });
  const signed = signRequest(env, { verificationToken: TEST_APP.verificationToken, encryptKey: TEST_APP.encryptKey });
  const r = await fetch(`${h!.base}/feishu/card`, { method: 'POST', body: signed.body, headers: { 'content-type': 'application/json', ...signed.headers } });
  expect(r.status).toBe(200);
  expect(await r.json()).toEqual({ toast: { type: 'error', content: '系统暂时无法处理（数据库暂不可用），请稍后再点一次。' } });
  proxy.set('pass');
  await h!.service.db.whenReady();
}, 30_000);

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function post(base: string, path: string, s: { body: string; headers: Record<string, string> }) {
  return fetch(base + path, { method: 'POST', body: s.body, headers: { 'content-type': 'application/json', ...s.headers } });
}
