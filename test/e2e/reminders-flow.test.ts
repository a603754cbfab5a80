import { findButton } from '../../src/cards/inspect';
import { addDays, zonedInstant } from '../../src/domain/time';
import { describe as lines, NATIONAL_DAY_MONTH } from '../db/reminders-support';
import { startHarness, type Harness } from '../support/harness';

/**
 * Reminders as Feishu sees them: tasks dispatched in the group chats and signed on their cards, then
 * `POST /api/jobs/reminders/run {"at": …}` every day at 09:00 from 2026-09-14 to 10-20 — on two
 * services sharing one database at once, and once more at the same moment — and what arrives in each
 * chat, read back from the fake Feishu.
 */
const TZ = 'Asia/Shanghai';
const at = (day: string, time = '09:00') => zonedInstant(day, time, TZ);
let h: Harness;
let h2: Harness;
const transcript: string[] = [];
const statuses: string[] = [];

const ORDER_A = `派单
推进茂盛路征迁扫尾
责任单位：梅山镇
完成时限：9月30日
工作要求：完成剩余3户签约
优先级：紧急`;

const ORDER_B = `派单
罗东大桥引道征迁
责任单位：罗东镇
完成时限：10月9日
工作要求：完成交地`;

async function dispatch(h: Harness, openId: string, chatId: string, text: string): Promise<void> {
  await h.say(openId, text, { chatId });
  await h.drain();
  const preview = h.botMessages(chatId).at(-1)!;
  expect((await h.click(openId, preview.message_id, '确认派发')).toast).toMatchObject({ type: 'success' });
  await h.drain();
}

/** The official signs the task card in their chat and reports 80%. */
async function sign(openId: string, chatId: string, title: string, time: string): Promise<void> {
  h.clock.set(at(time.slice(0, 10), time.slice(11)));
  const card = h.botMessages(chatId).find((m) => JSON.stringify(m.content).includes(title) && findButton(m.content, '签收'))!;
  expect((await h.click(openId, card.message_id, '签收')).toast).toMatchObject({ type: 'success' });
  expect((await h.click(openId, card.message_id, '反馈进度', { progress: '80', content: '已完成大部分工作' })).toast).toMatchObject({ type: 'success' });
  await h.drain();
}

async function runJob(target: Harness, day: string): Promise<string> {
  const r = await fetch(`${target.base}/api/jobs/reminders/run`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token-123456', 'content-type': 'application/json' }, body: JSON.stringify({ at: `${day}T09:00:00+08:00` }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as { status: string }).status;
}

const seen = new Set<string>();
/** A day's new messages as lines: the unit's cards, then the group copies, letters and leader reports. */
function newMessages(day: string): void {
  const chats: [string, string][] = [['oc_msz', 'oc_msz'], ['oc_zjj', 'oc_zjj'], ['oc_g1', 'oc_g1'], ['oc_g2', 'oc_g2']];
  for (const p of ['ou_off1', 'ou_off1h', 'ou_off3', 'ou_sup1', 'ou_sup2', 'ou_leader', 'ou_leader2']) chats.push([h.fake.p2pChatOf(p), p]);
  const found: string[] = [];
  for (const [chatId, label] of chats) {
    for (const m of h.botMessages(chatId)) {
      if (seen.has(m.message_id)) continue;
      seen.add(m.message_id);
      if (m.msg_type === 'interactive') for (const l of lines({ to: { type: 'chat_id', id: label }, content: m.content })) found.push(`${day.slice(5)} ${l}`);
    }
  }
  const rank = (l: string) => (/ cc /.test(l) ? 1 : / letter /.test(l) ? 2 : / leader /.test(l) ? 3 : 0);
  transcript.push(...found.sort((x, y) => rank(x) - rank(y)));
}

beforeAll(async () => {
  h = await startHarness({ now: '2026-09-14T10:00:00+08:00' });
  h2 = await startHarness({ now: '2026-09-14T10:00:00+08:00', dbName: h.dbName, fake: h.fake });
  await dispatch(h, 'ou_sup1', 'oc_g1', ORDER_A);
  await dispatch(h, 'ou_sup2', 'oc_g2', ORDER_B);
  newMessages('2026-09-14'); // the task cards themselves: not reminders
  transcript.length = 0;
  for (let day = '2026-09-14'; day <= '2026-10-20'; day = addDays(day, 1)) {
    h.clock.set(at(day));
    h2.clock.set(at(day));
    const both = await Promise.all([runJob(h, day), runJob(h2, day)]);
    const again = await runJob(h, day);
    statuses.push(`${day.slice(5)} ${[...both, again].join('/')}`);
    await h.drain();
    newMessages(day);
    if (day === '2026-09-15') await sign('ou_off1', 'oc_msz', '推进茂盛路征迁扫尾', '2026-09-15T10:00');
    if (day === '2026-09-16') await sign('ou_off3', h.fake.p2pChatOf('ou_off3'), '罗东大桥引道征迁', '2026-09-16T10:00');
    newMessages(day);
  }
}, 300_000);

afterAll(async () => {
  await h2?.service.close();
  await h?.close();
});

const of = (code: string) => transcript.filter((l) => l.includes(code));

test('only workdays send: weekends, 中秋 and 国庆 are skipped, the 调休 Sunday and Saturday are not', () => {
  for (const off of ['09-19', '09-25', '10-01', '10-05', '10-07', '10-11']) expect(statuses).toContain(`${off} skipped/skipped/skipped`);
  for (const s of statuses.filter((x) => ['09-20', '10-10', '10-12'].includes(x.slice(0, 5)))) expect(s).toMatch(/ (ok\/ok|ok\/skipped|skipped\/ok)\/ok$/);
});

test('梅山镇 gets 催签, T-3, T-1, the due day and daily overdue notices; the group a copy; 〔2026〕第1号 to its 负责人 and the 组长; the leader a report at 7', () => {
  expect(of('DB-2026-0001')).toEqual(NATIONAL_DAY_MONTH['DB-2026-0001']);
});

test('罗东镇 (no chat) gets them in its 联络员’s direct chat; 〔2026〕第2号 goes to the 联络员 and the G2 组长; 郑副市长 the report', () => {
  expect(of('DB-2026-0002')).toEqual(NATIONAL_DAY_MONTH['DB-2026-0002']);
});

test('the task card itself moves with time: patched on each reminded day, re-sent as a reply once past the 14-day edit window, it shows 已超期 10 个工作日 at the end', () => {
  const cards = h.botMessages('oc_msz').filter((m) => JSON.stringify(m.content).includes('推进茂盛路征迁扫尾'));
  const first = cards.find((m) => h.fake.patchesOf(m.message_id).length)!;
  // follow the chain: each re-send replies to the copy Feishu would no longer let the bot edit
  const chain = [first];
  for (let next = cards.find((m) => m.parent_id === first.message_id); next; next = cards.find((m) => m.parent_id === chain[chain.length - 1].message_id)) chain.push(next);
  expect(chain.length).toBeGreaterThan(1); // 09-14 … 10-20 is past 14 days on the business clock
  const last = chain[chain.length - 1];
  expect(JSON.stringify(h.fake.cardOf(last.message_id))).toContain('已超期 10 个工作日');
  // 09-15's reminder; 签收 and 反馈进度 answered on the card, and the refresh every copy is owed after an
  // edit; then one update for each of the other 13 reminded days (09-24 … 10-20) — a patch, or a re-send
  // when the copy is too old to edit — never two on a day though the job ran three times a day
  const updates = chain.flatMap((m, i) => [...(i ? ['resend'] : []), ...h.fake.patchesOf(m.message_id).map((v) => v.via)]);
  expect(updates.slice(0, 3)).toEqual(['patch', 'card_update', 'card_update']);
  expect(updates).toHaveLength(17);
  expect(updates.slice(3).every((v) => v === 'patch' || v === 'resend')).toBe(true);
});

test('the urgent task’s due and overdue cards and every letter are sent 加急', () => {
  const urgents = h.fake.urgents();
  const to = (openId: string) => urgents.filter((u) => u.userIds.includes(openId)).length;
  expect(to('ou_off1')).toBe(11); // 梅山镇's officials: 09-30 and the ten overdue days of a 紧急 task
  expect(to('ou_off1h')).toBe(12); // and the letter to its 负责人
  expect(to('ou_off3')).toBe(1); // 一般 task: only the letter
  expect(to('ou_sup2')).toBe(1);
});

test('a bad moment is refused with a clear error and runs nothing', async () => {
  const before = await h.service.deps.models.reminderRuns.countDocuments();
  for (const body of [{ at: '10月12日' }, { at: '2026-10-12T09:00:00+08:00', when: 'now' }]) {
    const r = await fetch(`${h.base}/api/jobs/reminders/run`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token-123456', 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'invalid_body' });
  }
  const r = await fetch(`${h.base}/api/jobs/reminders/run`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token-123456', 'content-type': 'application/json' }, body: JSON.stringify({ at: '10月12日' }) });
  expect(((await r.json()) as { error: { message: string } }).error.message).toContain('expected an ISO moment such as 2026-12-15T09:00:00+08:00');
  expect(await h.service.deps.models.reminderRuns.countDocuments()).toBe(before);
});
