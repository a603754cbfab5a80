import { randomBytes } from 'node:crypto';
import { AppClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { cardText, findButton } from '../../src/cards/inspect';
import { createLogger } from '../../src/log';
import { buildService, type Service } from '../../src/main';
import { ONE_TASK_ORDER } from '../support/factories';

/**
 * The sandbox across a restart: two service instances built in turn on one database (as `kill -TERM`
 * then `npm start`). The chats, the cards and the business clock are where the first one left them, and
 * the bot goes on updating the cards it sent before.
 */
const dbName = `sandbox_restart_${randomBytes(5).toString('hex')}`;
const config = loadConfig({ MONGODB_URI: process.env.MONGODB_URI, LOG_LEVEL: 'silent' });
let service: Service | undefined;
let base = '';

async function start(clock: AppClock): Promise<Service> {
  service = await buildService(config, { clock, dbName, log: createLogger('silent') });
  base = `http://127.0.0.1:${await service.listen(0)}`;
  return service;
}
async function call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const r = await fetch(`${base}/api/sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as T };
}
type Msg = { id: string; fromBot: boolean; type: string; content: unknown; updated: boolean };
const messages = async (chatId: string) => (await call<{ items: Msg[] }>('GET', `/chats/${chatId}/messages`)).json.items;

afterAll(async () => {
  await service?.conn.dropDatabase().catch(() => undefined);
  await service?.close();
});

test('chats, cards and the clock survive a restart; the next report updates the old card', async () => {
  await start(new AppClock(new Date('2026-11-30T10:00:00+08:00')));
  const preview = (await call('POST', '/say', { as: 'P-SUP-1', chatId: 'oc_demo_g1', text: ONE_TASK_ORDER })).json.replies.at(-1);
  expect((await call('POST', '/click', { as: 'P-SUP-1', messageId: preview.id, button: '确认派发' })).json.toast.type).toBe('success');
  const card = (await messages('oc_demo_msz')).find((m) => m.type === 'interactive' && findButton(m.content, '签收'))!;
  expect((await call('POST', '/click', { as: 'P-OFF-1', messageId: card.id, button: '签收' })).json.toast.type).toBe('success');
  await call('POST', '/clock', { at: '2026-12-08T10:00:00+08:00' });
  const before = { g1: (await messages('oc_demo_g1')).length, msz: await messages('oc_demo_msz') };
  await service!.close(); // SIGTERM
  service = undefined;

  await start(new AppClock()); // `npm start` again: a fresh clock on the real time
  const now = Date.parse((await call<{ now: string }>('GET', '/clock')).json.now);
  expect(Math.abs(now - Date.parse('2026-12-08T10:00:00+08:00'))).toBeLessThan(60_000);
  expect((await messages('oc_demo_g1')).length).toBe(before.g1);
  expect((await messages('oc_demo_msz')).map((m) => [m.id, cardText(m.content)])).toEqual(before.msz.map((m) => [m.id, cardText(m.content)]));

  const reply = await call('POST', '/say', { as: 'P-OFF-1', chatId: 'oc_demo_msz', replyTo: card.id, text: '进度 60% 已完成3户中的2户签约' });
  expect(JSON.stringify(reply.json.replies)).toContain('已记录 DB-2026-0001 的进度 60%');
  expect(await service!.deps.models.outbox.countDocuments({ $or: [{ status: 'failed' }, { lastError: { $exists: true } }] })).toBe(0);
  const after = (await messages('oc_demo_msz')).find((m) => m.id === card.id)!;
  expect(after.updated).toBe(true);
  expect(cardText(after.content)).toContain('60%');

  // a third start still has the second one's messages
  const count = (await messages('oc_demo_msz')).length;
  await service!.close();
  service = undefined;
  await start(new AppClock());
  expect((await messages('oc_demo_msz')).length).toBe(count);
}, 120_000);
