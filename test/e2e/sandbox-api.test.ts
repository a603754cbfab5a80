import { randomBytes } from 'node:crypto';
import { AppClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { cardText, findButton } from '../../src/cards/inspect';
import { createLogger } from '../../src/log';
import { buildService, type Service } from '../../src/main';
import { ONE_TASK_ORDER } from '../support/factories';
import { runInWords } from '../../src/app/run-words';
import { connects } from '../support/net';

/**
 * Sandbox mode as a newcomer drives it with `npm run sandbox -- …` (no Chromium needed): the service in
 * sandbox mode with its in-process Feishu stand-in and the demo organisation, through /api/sandbox/*:
 * dispatch, sign, reply with progress, remind, summarise — then the wrong inputs, which change nothing.
 */
let service: Service;
let base: string;

type Reply = { id: string; type: string; content: unknown };
async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const r = await fetch(`${base}/api/sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as T };
}
const say = (as: string, text: string, more: Record<string, unknown> = {}) => call<{ status: number; replies: Reply[] }>('POST', '/say', { as, text, ...more });
const click = (as: string, messageId: string, button: string, form?: Record<string, unknown>) => call<{ status: number; toast?: { type: string; content: string } }>('POST', '/click', { as, messageId, button, form });
const messages = async (chatId: string) => (await call<{ items: { id: string; fromBot: boolean; type: string; content: unknown }[] }>('GET', `/chats/${chatId}/messages`)).json.items;

beforeAll(async () => {
  const config = loadConfig({ MONGODB_URI: process.env.MONGODB_URI, LOG_LEVEL: 'silent' });
  expect(config.sandbox).toBe(true);
  service = await buildService(config, { clock: new AppClock(new Date('2026-11-30T10:00:00+08:00')), dbName: `sandbox_${randomBytes(5).toString('hex')}`, log: createLogger('silent') });
  base = `http://127.0.0.1:${await service.listen(0)}`;
}, 60_000);

afterAll(async () => {
  await service.conn.dropDatabase().catch(() => undefined);
  await service.close();
});

test('sandbox mode listens on 127.0.0.1 only (its control API has no token)', async () => {
  const port = Number(new URL(base).port);
  expect(await connects('127.0.0.1', port)).toBe(true);
  expect(await connects('127.0.0.2', port)).toBe(false);
});

test('dispatch, sign, reply with progress, remind and summarise in sandbox mode', async () => {
  const preview = (await say('P-SUP-1', ONE_TASK_ORDER, { chatId: 'oc_demo_g1' })).json.replies.at(-1)!;
  expect(cardText(preview.content)).toContain('推进茂盛路征迁扫尾');
  expect((await click('P-SUP-1', preview.id, '确认派发')).json.toast).toMatchObject({ type: 'success' });

  const card = (await messages('oc_demo_msz')).find((m) => m.type === 'interactive' && findButton(m.content, '签收'))!;
  expect((await click('P-OFF-1', card.id, '签收')).json.toast).toMatchObject({ type: 'success' });
  const reply = await say('P-OFF-1', '进度 60% 已完成3户中的2户签约', { chatId: 'oc_demo_msz', replyTo: card.id });
  expect(JSON.stringify(reply.json.replies)).toContain('已记录 DB-2026-0001 的进度 60%');

  // the task is due 12-15; on 12-17 the unit's daily card says it is overdue
  expect((await call('POST', '/clock', { at: '2026-12-17T09:00:00+08:00' })).status).toBe(200);
  const run = await call<{ status: string; result: { overdue: number } }>('POST', '/jobs/reminders/run', {});
  expect(run.json).toMatchObject({ status: 'ok', result: { overdue: 1 } });
  // `job reminders` says in words who got what
  const words = runInWords(run.json as never, '2026-12-17 09:00');
  expect(words).toMatch(/^reminders @ 2026-12-17 09:00：完成/);
  expect(words).toMatch(/发送给：\n {2}梅山镇督办工作群（oc_demo_msz）：每日督办提醒/);
  expect(words).toMatch(/第一专项督导组工作群（oc_demo_g1）：每日督办提醒/);
  expect(cardText((await messages('oc_demo_msz')).at(-1)!.content)).toContain('已超期 2 个工作日');

  // "@督导助手 统计" typed by hand works like picking the bot from the @-list
  const stats = await say('P-SUP-1', '@督导助手 统计', { chatId: 'oc_demo_g1' });
  expect(cardText(stats.json.replies.at(-1)!.content)).toContain('在办 1 项');
  const summary = await call<{ status: string; result: { leaders: number } }>('POST', '/jobs/monthly-summary/run', { at: '2026-12-01T09:00:00+08:00' });
  expect(summary.json.status).toBe('ok');
  expect(summary.json.result.leaders).toBeGreaterThan(0);
}, 60_000);

test('wrong inputs get a clear error and change nothing', async () => {
  const tasks = () => service.deps.models.tasks.countDocuments();
  const before = await tasks();
  const cases: [Promise<{ status: number; json: unknown }>, number, string][] = [
    [say('NOBODY', '帮助'), 404, 'no demo person NOBODY'],
    [say('P-SUP-1', '   ', { chatId: 'oc_demo_g1' }), 400, 'text: say something'],
    [say('P-SUP-1', '派单', { chatId: 'oc_demo_g1', extra: 1 }), 400, 'invalid_body'],
    [click('P-OFF-1', 'om_nope', '签收'), 404, 'no card message om_nope'],
    [call('POST', '/clock', { at: 'tomorrow' }), 400, 'expected an ISO moment'],
    [call('POST', '/jobs/nope/run', {}), 404, 'unknown job nope'],
    [call('POST', '/jobs/reminders/run', { at: 'soon' }), 400, 'at: expected an ISO moment'],
  ];
  for (const [p, status, text] of cases) {
    const r = await p;
    expect({ status: r.status, body: JSON.stringify(r.json) }).toEqual({ status, body: expect.stringContaining(text) });
  }
  const card = (await messages('oc_demo_msz')).find((m) => m.type === 'interactive' && findButton(m.content, '反馈进度'))!;
  expect((await click('P-OFF-1', card.id, '没有这个按钮')).status).toBe(404);
  expect(await tasks()).toBe(before);
});

test('moving the clock says which job slots the scheduler will catch up, and warns when it goes back', async () => {
  type Plan = { job: string; local: string; action: string; reason?: string }[];
  const fwd = await call<{ now: string; catchUp: Plan; warning?: string }>('POST', '/clock', { at: '2026-12-18T10:00:00+08:00' });
  expect(fwd.json.warning).toBeUndefined();
  expect(fwd.json.catchUp).toContainEqual({ job: 'reminders', slot: '2026-12-18T01:00:00.000Z', local: '2026-12-18 09:00', action: 'run' });
  expect(fwd.json.catchUp.find((p) => p.job === 'weekly-digest')).toMatchObject({ action: 'skip', reason: expect.stringContaining('周报在每周第一个工作日') });
  expect((await call<{ catchUp: Plan }>('GET', '/clock')).json.catchUp).toEqual(fwd.json.catchUp);
  const back = await call<{ now: string; warning?: string }>('POST', '/clock', { at: '2026-12-10T10:00:00+08:00' });
  expect(back.json.warning).toContain('时钟向后拨了（从 2026-12-18 10:00 到 2026-12-10 10:00）');
});

test("the demo city's history has a project whose first milestone a visit confirmed, and two visits with photos (the app's own images) in the group's chat", async () => {
  const admin = async (path: string) => (await (await fetch(`${base}${path}`, { headers: { authorization: 'Bearer sandbox-admin-token' } })).json()) as Record<string, any>;
  const project = await admin('/api/projects/XM-2026-001');
  expect(project).toMatchObject({ group: 'G1', milestones: [{ seq: 1, visit: 'XC-2026-001', confirmedBy: 'P-SUP-1' }, { seq: 2 }, { seq: 3 }], tasks: [] });
  expect(project.milestones.filter((m: any) => m.confirmedAt)).toHaveLength(1);
  const visits = (await admin('/api/visits')).items as any[];
  expect(visits.map((v) => [v.code, v.mode, v.photos.length, v.findings.length])).toEqual([['XC-2026-002', '暗访', 1, 1], ['XC-2026-001', '明察', 2, 2]]);
  const keys = [...visits.flatMap((v) => v.photos.map((p: any) => p.imgKey)), ...project.photos.map((p: any) => p.imgKey)];
  await service.worker.drain(20_000); // the cards made at start
  let shown = '';
  for (let i = 0; i < 100 && (shown.match(/"img_key"/g)?.length ?? 0) < keys.length; i++) {
    if (i) await new Promise((r) => setTimeout(r, 200)); // the outbox sends the cards made at start
    shown = JSON.stringify(await messages('oc_demo_g1'));
  }
  for (const k of keys) expect(shown).toContain(`"img_key":"${k}"`); // uploaded to the stand-in, on the project's and visits' cards
  expect(cardText((await messages('oc_demo_g1')).find((m) => JSON.stringify(m.content).includes('XM-2026-001 · '))!.content)).toContain('已现场确认');
  const results = await admin('/api/results?year=2026');
  expect(results).toMatchObject({ projects: { total: 1, milestonesReached: 1 }, visits: { total: 2, open: 1, secret: 1, found: 3 } });
});

test("the demo city's history has a group 专题协调会 whose item is on the leader's agenda", async () => {
  const meetings = (await service.stores.models.groupMeetings.find({}).lean()) as unknown as { group: string; state: string; escalations: string[] }[];
  expect(meetings).toHaveLength(1);
  expect(meetings[0]).toMatchObject({ group: 'G1', state: 'done', escalations: ['ZT-2026-001-1'] });
  expect(await service.stores.models.escalations.countDocuments({ _id: 'ZT-2026-001-1', state: 'pending' })).toBe(1);
});
