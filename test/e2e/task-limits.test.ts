import { cardText } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';

/**
 * One official cannot break a task: an overlong note is refused with the limit named on every path
 * (chat, card, API) and changes nothing; a long history is archived yet read back whole; lists carry
 * no history.
 */
let h: Harness;
const TOKEN = 'test-admin-token-123456';
const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(h.base + path, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as any, bytes: Number(r.headers.get('content-length') ?? 0) };
};
const LONG = 'x'.repeat(700_000);
let code: string;
let card: string;

beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
  await h.say('ou_sup1', '派单\n拆除违建一处\n责任单位：梅山镇\n完成时限：12月20日', { chatId: 'oc_g1' });
  await h.drain();
  const r = await h.click('ou_sup1', h.botMessages('oc_g1').at(-1)!.message_id, '确认派发');
  code = /DB-2026-\d{4}/.exec(r.toast!.content)![0];
  await h.drain();
  card = h.botMessages('oc_msz').find((m) => cardText(m.content).includes('拆除违建一处'))!.message_id;
  await h.click('ou_off1', card, '签收');
  await h.drain();
}, 60_000);
afterAll(() => h.close());

const snapshot = async () => {
  const t = (await api('GET', `/api/tasks/${code}`)).json;
  return { rev: t.rev, reports: t.reports.length, history: t.history.length, progress: t.progress, state: t.state };
};

test('chat: `进度 CODE 72% <700,000 characters>` is refused with the limit named and changes nothing', async () => {
  const before = await snapshot();
  const sent = await h.say('ou_off1', `进度 ${code} 72% ${LONG}`);
  expect(sent.status).toBe(200);
  await h.drain();
  const reply = JSON.stringify(h.botMessages(h.fake.p2pChatOf('ou_off1')).at(-1)!.content);
  expect(reply).toMatch(/超过上限 [\d,]+ 字/);
  expect(await snapshot()).toEqual(before);
}, 60_000);

test('card: a 700,000-character progress note in the form is refused with the limit named and changes nothing', async () => {
  const before = await snapshot();
  const r = await h.click('ou_off1', card, '反馈进度', { progress: '72', content: LONG });
  expect(r.toast).toEqual({ type: 'error', content: '进展情况 700,000 字，超过上限 2,000 字，请精简后重新提交。' });
  expect(await snapshot()).toEqual(before);
}, 60_000);

test('API: a 700,000-character appeal reason is refused with the limit named and stores nothing', async () => {
  const r = await api('POST', '/api/appeals', { code, reason: LONG, by: 'O1' });
  expect(r.status).toBe(400);
  expect(r.json.error.message).toBe('reason: 申诉理由 700,000 字，超过上限 2,000 字');
  expect(await h.service.deps.models.appeals.countDocuments()).toBe(0);
});

test('150 entries: 100 stay in the task, the API answers all 150 in order, and lists carry no history', async () => {
  const { models, tasks } = h.service.deps;
  const have = (await models.tasks.collection.findOne({ _id: code as never }))!.history.length;
  const at = new Date('2026-12-01T03:00:00Z');
  // a report a minute through the same path the bot uses: each change appends its entry
  for (let i = have; i < 150; i++) {
    await tasks.change(code, (t) => ({ task: { ...t, rev: t.rev + 1, history: [...t.history, { seq: t.history.reduce((m, e) => Math.max(m, e.seq), 0) + 1, at, by: 'O1', action: 'urge', note: `第 ${i + 1} 条` }] }, result: null }));
  }
  const raw = (await models.tasks.collection.findOne({ _id: code as never }))!;
  expect(raw.history).toHaveLength(100);
  expect(await models.taskHistory.countDocuments({ code })).toBe(50);
  const one = await api('GET', `/api/tasks/${code}`);
  expect(one.json.history.map((e: { seq: number }) => e.seq)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  expect(one.json.history[0]).toMatchObject({ seq: 1, action: 'dispatch' });
  const list = await api('GET', '/api/tasks');
  expect(list.json.items.length).toBeGreaterThan(0);
  for (const t of list.json.items) expect(t).not.toHaveProperty('history');
  expect((await api('GET', '/api/tasks?light=yellow')).json.items.every((t: object) => !('history' in t))).toBe(true);
}, 60_000);
