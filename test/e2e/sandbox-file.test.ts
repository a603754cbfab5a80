import { randomBytes } from 'node:crypto';
import { AppClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { cardButtons, cardText } from '../../src/cards/inspect';
import { createLogger } from '../../src/log';
import { buildService, type Service } from '../../src/main';

/**
 * The sandbox sends a file as `npm run sandbox -- as P-SUP-1 in oc_demo_g1 send-file sample` does: the
 * demo's sample 督办通知, then a `派单` reply to it gives the preview (docs/rules.md#dispatch-from-a-file).
 */
let service: Service;
let base: string;

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const r = await fetch(`${base}/api/sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as T };
}
const messages = async (chatId: string) => (await call<{ items: { id: string; fromBot: boolean; type: string; content: unknown; parentId?: string }[] }>('GET', `/chats/${chatId}/messages`)).json.items;

beforeAll(async () => {
  const config = loadConfig({ MONGODB_URI: process.env.MONGODB_URI, LOG_LEVEL: 'silent' });
  service = await buildService(config, { clock: new AppClock(new Date('2026-12-01T10:00:00+08:00')), dbName: `sandbox_${randomBytes(5).toString('hex')}`, log: createLogger(process.env.TEST_LOG ?? 'silent') });
  base = `http://127.0.0.1:${await service.listen(0)}`;
}, 60_000);

afterAll(async () => {
  await service.conn.dropDatabase().catch(() => undefined);
  await service.close();
});

test('the sample notice sent in the group, then 派单 in reply: the preview of its three items', async () => {
  const sent = await call<{ messageId: string }>('POST', '/say', { as: 'P-SUP-1', chatId: 'oc_demo_g1', file: { name: 'sample', sample: 'notice' } });
  expect(sent.status).toBe(200);
  const reply = await call<{ messageId: string }>('POST', '/say', { as: 'P-SUP-1', replyTo: sent.json.messageId, text: '@督导助手 派单' });
  expect(reply.status).toBe(200);
  // a slow read answers after the event's budget: wait for the answer that is not the holding one
  let preview: { type: string; content: unknown } | undefined;
  while (!preview) {
    await service.worker.drain(15_000); // the running service's worker sends on its own; this one only listens
    preview = (await messages('oc_demo_g1')).find((m) => m.fromBot && m.parentId === reply.json.messageId && m.type === 'interactive');
    if (!preview) await new Promise((r) => setTimeout(r, 200));
  }
  expect(cardButtons(preview.content).map((b) => b.text)).toEqual(expect.arrayContaining(['确认派发', '取消']));
  for (const item of ['茂盛路征迁扫尾', '西华镇农村建房批后监管', '凤山街道老旧小区改造']) expect(cardText(preview.content)).toContain(item);
});

test('a file needs its bytes or the sample', async () => {
  const r = await call('POST', '/say', { as: 'P-SUP-1', file: { name: 'x.docx' } });
  expect(r.status).toBe(400);
});
