import { randomBytes } from 'node:crypto';
import { AppClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { cardText, findButton } from '../../src/cards/inspect';
import { createLogger } from '../../src/log';
import { buildService, type Service } from '../../src/main';
import { ONE_TASK_ORDER } from '../support/factories';

/** One clock everywhere: a card 16 business days old is past Feishu's 14-day edit window, so it is re-sent as a reply, not patched. */
let service: Service;
let base: string;
async function call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const r = await fetch(`${base}/api/sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as T };
}
type Msg = { id: string; fromBot: boolean; type: string; content: unknown; updated: boolean; parentId?: string };
const messages = async (chatId: string) => (await call<{ items: Msg[] }>('GET', `/chats/${chatId}/messages`)).json.items;

beforeAll(async () => {
  const config = loadConfig({ MONGODB_URI: process.env.MONGODB_URI, LOG_LEVEL: 'silent' });
  service = await buildService(config, { clock: new AppClock(new Date('2026-11-30T10:00:00+08:00')), dbName: `edit_window_${randomBytes(5).toString('hex')}`, log: createLogger('silent') });
  base = `http://127.0.0.1:${await service.listen(0)}`;
}, 60_000);
afterAll(async () => {
  await service.conn.dropDatabase().catch(() => undefined);
  await service.close();
});

test('a card past 14 business days is re-sent as a reply to itself, not patched', async () => {
  const preview = (await call('POST', '/say', { as: 'P-SUP-1', chatId: 'oc_demo_g1', text: ONE_TASK_ORDER })).json.replies.at(-1);
  await call('POST', '/click', { as: 'P-SUP-1', messageId: preview.id, button: '确认派发' });
  const card = (await messages('oc_demo_msz')).find((m) => m.type === 'interactive' && findButton(m.content, '签收'))!;
  expect((await call('POST', '/click', { as: 'P-OFF-1', messageId: card.id, button: '签收' })).json.toast.type).toBe('success');
  const patched = (await messages('oc_demo_msz')).find((m) => m.id === card.id)!;

  await call('POST', '/clock', { at: '2026-12-16T10:00:00+08:00' }); // 16 days on
  const reply = await call('POST', '/say', { as: 'P-OFF-1', chatId: 'oc_demo_msz', replyTo: card.id, text: '进度 60% 已完成3户中的2户签约' });
  expect(JSON.stringify(reply.json.replies)).toContain('已记录 DB-2026-0001 的进度 60%');
  const after = await messages('oc_demo_msz');
  const old = after.find((m) => m.id === card.id)!;
  expect(cardText(old.content)).toBe(cardText(patched.content)); // not patched past the window
  const fresh = after.filter((m) => m.fromBot && m.type === 'interactive' && m.parentId === card.id);
  expect(fresh).toHaveLength(1);
  expect(cardText(fresh[0].content)).toContain('60%');
  expect(await service.deps.models.outbox.countDocuments({ status: 'failed' })).toBe(0);
}, 60_000);
