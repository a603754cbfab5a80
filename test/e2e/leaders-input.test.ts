import ExcelJS from 'exceljs';
import type { EscalationDoc } from '../../src/adapters/mongo/models/escalations';
import type { TaskDoc } from '../../src/adapters/mongo/models/tasks';
import { cardText, findButton } from '../../src/cards/inspect';
import { signRequest } from '../fake-feishu';
import { newTask } from '../support/factories';
import { startHarness, TEST_APP, type Harness } from '../support/harness';

/**
 * Bad input on every command, card action and API route of the leaders' side: each is answered with
 * what is wrong, and nothing changes. Also the happy paths of 通报, 申诉 and the meeting reminder.
 */
let h: Harness;
const TOKEN = 'Bearer test-admin-token-123456';
const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(h.base + path, { method, headers: { authorization: TOKEN, 'content-type': 'application/json' }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const type = r.headers.get('content-type') ?? '';
  return { status: r.status, type, json: type.includes('json') ? ((await r.json()) as Record<string, any>) : {}, raw: type.includes('json') ? undefined : Buffer.from(await r.arrayBuffer()) };
};
const lastText = (chatId: string) => JSON.stringify(h.botMessages(chatId).filter((m) => m.msg_type === 'text').at(-1)?.content ?? '');
const p2p = (openId: string) => h.fake.p2pChatOf(openId);
async function rawClick(openId: string, messageId: string, value: Record<string, unknown>, form?: Record<string, unknown>) {
  const msg = h.fake.message(messageId)!;
  const env = h.fake.cardAction({ operatorOpenId: openId, value, formValue: form, openMessageId: messageId, openChatId: msg.chat_id, createTime: h.clock.now().getTime() });
  const signed = signRequest(env, { verificationToken: TEST_APP.verificationToken, encryptKey: TEST_APP.encryptKey });
  const r = await h.post('/feishu/card', signed.body, signed.headers);
  return r.json.toast as { type: string; content: string };
}
async function say(openId: string, text: string): Promise<string> {
  await h.say(openId, text);
  await h.drain();
  return lastText(p2p(openId));
}

const task = (seq: number, over: Partial<TaskDoc>): TaskDoc => ({ ...newTask({ origin: `in:${seq}` }), code: `DB-2026-${String(seq).padStart(4, '0')}`, year: 2026, seq, rev: 1, history: [], owed: [], owedAt: null, schemaVersion: 1, ...over }) as TaskDoc;
const esc = (id: string, over: Partial<EscalationDoc> = {}): EscalationDoc => ({ _id: id, code: 'DB-2026-0001', requestId: 'escalation-1', leader: 'PL', group: 'G1', unit: 'MSZ', title: '推进茂盛路征迁扫尾', deadline: '2026-11-20', units: ['ZJJ'], reason: 'r', opinion: 'o', urgent: false, state: 'pending', raisedBy: 'O1', acceptedBy: 'P1', acceptedAt: new Date('2026-11-25T02:00:00Z'), followUps: [], doneFollowUps: [], rev: 1, ...over });

beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
  const { models } = h.service.deps;
  await models.tasks.insertMany([
    task(1, { leadUnit: 'MSZ', group: 'G1', deadline: '2026-11-20', originalDeadline: '2026-11-20', state: 'in_progress', dispatchedAt: new Date('2026-11-02T02:00:00Z') }), // overdue
    task(2, { leadUnit: 'MSZ', group: 'G1', deadline: '2026-12-20', originalDeadline: '2026-12-20', state: 'in_progress' }), // nothing to appeal
    task(3, { leadUnit: 'LDZ', group: 'G2', deadline: '2026-12-20', originalDeadline: '2026-12-20', state: 'in_progress' }),
  ]);
}, 60_000);
afterAll(() => h.close());

describe('commands', () => {
  test('会议纪要: only leaders; an empty agenda is said so', async () => {
    expect(await say('ou_off1', '会议纪要')).toContain('供挂钩市领导记录调度会决定使用');
    expect(await say('ou_admin', '会议纪要')).toContain('POST /api/meetings');
    expect(await say('ou_leader2', '会议纪要')).toContain('没有待调度会研究的提级事项');
  });

  test('通报: who may, usage, problems, preview, publish', async () => {
    expect(await say('ou_off1', '通报 表扬 梅山镇 好')).toContain('通报由督导组成员发布');
    expect(await say('ou_sup1', '通报')).toContain('发送到：');
    await h.say('ou_sup1', '帮助');
    await h.drain();
    expect(cardText(h.botMessages(p2p('ou_sup1')).filter((m) => m.msg_type === 'interactive').at(-1)!.content)).toContain('发送到：各单位');
    expect(await say('ou_sup1', '通报 嘉奖 梅山镇 好')).toContain('请写明通报的种类');
    expect(await say('ou_sup1', '通报 批评 DB-2026-0099 超期')).toContain('找不到督办单 DB-2026-0099');
    expect(await say('ou_sup1', '通报 批评 DB-2026-0003 超期')).toContain('无权查看'); // a G2 task
    expect(await say('ou_sup1', '通报 批评 梅山镇 超期\n发送到：火星局')).toContain('找不到：火星局');
    expect(await h.service.deps.models.bulletins.countDocuments()).toBe(0);
    expect(await say('ou_sup1', '通报 批评 DB-2026-0001 超期未办结，限3日内整改')).toContain('以上为预览，尚未发布');
    const preview = h.botMessages(p2p('ou_sup1')).filter((m) => m.msg_type === 'interactive').at(-1)!;
    expect(cardText(preview.content)).toContain('超期未办结');
    expect(await h.service.deps.models.bulletins.countDocuments()).toBe(0);
    expect(await say('ou_sup1', '通报 批评 DB-2026-0001 超期未办结，限3日内整改\n发送到：梅山镇、第一专项督导组')).toContain('已发布批评通报');
    const sent = h.botMessages('oc_msz').filter((m) => m.msg_type === 'interactive').at(-1)!;
    expect(cardText(sent.content)).toMatch(/梅山镇[\s\S]*DB-2026-0001/);
    expect(h.botMessages('oc_g1').some((m) => cardText(m.content).includes('超期未办结'))).toBe(true);
    expect(await h.service.deps.models.audits.countDocuments({ action: 'publish' })).toBe(1);
  });

  test('申诉 and its decision by the coordination group', async () => {
    expect(await say('ou_off1', '申诉')).toContain('请在“申诉”后写上督办单编号');
    expect(await say('ou_off1', '申诉 DB-2026-0001')).toContain('请写明理由');
    expect(await say('ou_off1', '申诉 DB-2026-0099 理由')).toContain('找不到督办单');
    expect(await say('ou_sup1', '申诉 DB-2026-0001 理由')).toContain('只有责任单位梅山镇的联络员或负责人');
    expect(await say('ou_off1', '申诉 DB-2026-0002 理由')).toContain('无需申诉');
    // 〔2026〕第1号 was issued for DB-2026-0001; the unit appeals its overdue workdays only
    await h.service.deps.models.letters.collection.insertOne({ _id: '2026-1', year: 2026, number: 1, code: 'DB-2026-0001', title: '推进茂盛路征迁扫尾', deadline: '2026-11-20', unit: 'MSZ', group: 'G1', issuedOn: '2026-11-25', overdueWorkdays: 3, run: 'r', createdAt: new Date() } as never);
    expect(await say('ou_off1', '申诉 DB-2026-0001 退回 理由')).toContain('DB-2026-0001 没有被退回，无需对退回申诉。');
    expect(await say('ou_off1', '申诉 DB-2026-0001 第2号 理由')).toContain('没有督导提示函第2号（该事项的提示函：〔2026〕第1号）');
    expect(await say('ou_off1', '申诉 DB-2026-0001 超期')).toContain('请写明申诉理由');
    expect(await h.service.deps.models.appeals.countDocuments()).toBe(0);
    expect(await say('ou_off1', '申诉 DB-2026-0001 超期 系上级规划调整所致')).toContain('已提交申诉 AP-DB-2026-0001-1（超期 7 个工作日）');
    expect(await say('ou_off1', '申诉 DB-2026-0001 再次申诉')).toContain('已有一项申诉等待裁定');
    const card = h.botMessages('oc_g0').filter((m) => findButton(m.content, '申诉成立')).at(-1)!;
    expect(cardText(card.content)).toContain('超期 7 个工作日');
    expect(cardText(card.content)).not.toContain('提示函〔');
    expect((await h.click('ou_sup1', card.message_id, '申诉成立')).toast?.type).toBe('error'); // not the coordination group
    const noReason = await h.click('ou_sup0', card.message_id, '维持原评', { opinion: '' });
    expect(noReason.toast).toMatchObject({ type: 'error', content: expect.stringContaining('维持原评请写明理由') });
    expect(await rawClick('ou_sup0', card.message_id, { a: 'appeal.decide', v: 1, r: 'AP-DB-2026-0001-1', x: 'maybe' })).toMatchObject({ type: 'error' });
    expect((await api('GET', '/api/appeals?state=pending')).json.total).toBe(1);
    const upheld = await h.click('ou_sup0', card.message_id, '申诉成立', { opinion: '情况属实' });
    expect(upheld.toast).toMatchObject({ type: 'success' });
    expect(findButton(upheld.card, '申诉成立')).toBeUndefined();
    expect((await h.click('ou_sup0', card.message_id, '维持原评', { opinion: 'x' }).catch(() => ({ toast: { type: 'warning' } }))).toast?.type).not.toBe('success');
    await h.drain();
    expect(lastText('oc_msz')).toContain('申诉成立');
    const audits = await h.service.deps.models.audits.find({ entity: 'appeal:AP-DB-2026-0001-1' }).lean();
    expect(audits.map((a) => a.action)).toEqual(['file', 'upheld']);
    // the appealed item no longer costs the unit anything in the ranking; the letter, not appealed, still does
    const ranking = (await api('GET', '/api/ranking?period=2026-11')).json;
    const msz = ranking.items.find((r: any) => r.unit === 'MSZ');
    expect(msz).toMatchObject({ overdueWorkdays: 0, letters: 1 });
    expect(msz.score).toBeLessThan(100);
  });
});

describe('card actions', () => {
  test('escalation and minutes buttons with bad values or forms change nothing', async () => {
    const { models } = h.service.deps;
    await models.escalations.insertMany([esc('DB-2026-0001-E1')]);
    const any = h.botMessages('oc_g1').at(-1)!;
    expect(await rawClick('ou_leader', any.message_id, { a: 'escalation.schedule', v: 1 })).toMatchObject({ type: 'error', content: expect.stringContaining('缺少提级事项编号') });
    expect(await rawClick('ou_leader', any.message_id, { a: 'escalation.schedule', v: 1, e: 'NOPE' })).toMatchObject({ type: 'error', content: expect.stringContaining('找不到这个提级事项') });
    expect(await rawClick('ou_leader', any.message_id, { a: 'escalation.instruct', v: 1, e: 'DB-2026-0001-E1', s: 'pending' }, { instruction: '  ' })).toMatchObject({ type: 'error', content: expect.stringContaining('请填写批示意见') });
    expect(await rawClick('ou_leader2', any.message_id, { a: 'escalation.instruct', v: 1, e: 'DB-2026-0001-E1', s: 'pending' }, { instruction: '办' })).toMatchObject({ type: 'error', content: expect.stringContaining('王市长') });
    expect(await rawClick('ou_leader', any.message_id, { a: 'escalation.schedule', v: 1, e: 'DB-2026-0001-E1', s: 'scheduled' })).toMatchObject({ type: 'warning' });
    expect((await models.escalations.findById('DB-2026-0001-E1').lean())!.state).toBe('pending');
    expect(await rawClick('ou_leader', any.message_id, { a: 'meeting.submit', v: 1, x: '1' })).toMatchObject({ type: 'error', content: expect.stringContaining('表单已失效') });
    await h.say('ou_leader', '会议纪要');
    await h.drain();
    const form = h.botMessages(p2p('ou_leader')).at(-1)!;
    expect(await rawClick('ou_leader2', form.message_id, findButton(form.content, '提交纪要')!.value!, { date: '2026-12-01', attendees: 'x', decision_0: 'd', units_0: ['ZJJ'], deadline_0: '2026-12-20' })).toMatchObject({ type: 'error', content: expect.stringContaining('无权提交') });
    const noDecision = await h.click('ou_leader', form.message_id, '提交纪要', { date: '2026-12-01 +0800', attendees: '王市长' });
    expect(noDecision.toast).toMatchObject({ type: 'error', content: expect.stringContaining('没有填写任何会议决定') });
    expect(cardText(noDecision.card)).toContain('没有填写任何会议决定');
    expect(await models.meetings.countDocuments()).toBe(0);
    expect((await models.escalations.findById('DB-2026-0001-E1').lean())!.state).toBe('pending');
  });

  test('已批示 records the instruction and tells the group and the unit', async () => {
    const { models } = h.service.deps;
    await models.escalations.insertMany([esc('DB-2026-0001-E2', { requestId: 'escalation-2' })]);
    const any = h.botMessages('oc_g1').at(-1)!;
    const r = await rawClick('ou_leader', any.message_id, { a: 'escalation.instruct', v: 1, e: 'DB-2026-0001-E2', s: 'pending' }, { instruction: '请住建局牵头，一周内拿出方案' });
    expect(r).toMatchObject({ type: 'success' });
    const e = (await models.escalations.findById('DB-2026-0001-E2').lean())!;
    expect(e).toMatchObject({ state: 'instructed', instruction: '请住建局牵头，一周内拿出方案' });
    await h.drain();
    for (const chat of ['oc_g1', 'oc_msz']) expect(lastText(chat)).toContain('请住建局牵头，一周内拿出方案');
    expect(await rawClick('ou_leader', any.message_id, { a: 'escalation.instruct', v: 1, e: 'DB-2026-0001-E2', s: 'pending' }, { instruction: '再批' })).toMatchObject({ type: 'warning' });
    await models.escalations.deleteOne({ _id: 'DB-2026-0001-E2' });
  });

  test('统计 shows the ranking with each score written out', async () => {
    await h.say('ou_sup1', '统计');
    await h.drain();
    const card = h.botMessages(p2p('ou_sup1')).filter((m) => m.msg_type === 'interactive').at(-1)!;
    const json = JSON.stringify(card.content);
    expect(json).toContain('单位排名');
    expect(json).toMatch(/"formula":"100[^"]*= \d+"/);
  });
});

describe('jobs', () => {
  test('meeting reminder: first workday from the 20th, leaders with an agenda and no meeting this month', async () => {
    const skipped = (await api('POST', '/api/jobs/meeting-reminder/run', { at: '2026-12-22T09:00:00+08:00' })).json;
    expect(skipped.status).toBe('skipped');
    const ran = (await api('POST', '/api/jobs/meeting-reminder/run', { at: '2026-12-21T09:00:00+08:00' })).json; // the 20th is a Sunday
    expect(ran).toMatchObject({ status: 'ok', result: { month: '2026-12', reminded: 1 } });
    await h.drain();
    expect(cardText(h.botMessages(p2p('ou_leader')).at(-1)!.content)).toContain('本月（2026-12）尚未记录调度会');
    expect(cardText(h.botMessages('oc_g1').at(-1)!.content)).toContain('DB-2026-0001');
    expect(h.botMessages(p2p('ou_leader2')).some((m) => cardText(m.content).includes('调度会'))).toBe(false);
  });
});

describe('API', () => {
  test.each([
    ['GET', '/api/escalations?state=open', 'invalid_query'],
    ['GET', '/api/escalations?limit=0', 'invalid_query'],
    ['GET', '/api/escalations?colour=red', 'invalid_query'],
    ['GET', '/api/meetings?month=Nov', 'invalid_query'],
    ['GET', '/api/ranking', 'invalid_query'],
    ['GET', '/api/ranking?period=2026-13', 'invalid_query'],
    ['GET', '/api/ranking?period=2026-11&group=G9', 'unknown_group'],
    ['GET', '/api/ranking?period=2026-11&leader=P1', 'forbidden'],
    ['GET', '/api/evaluation/export', 'invalid_query'],
    ['GET', '/api/evaluation/export?year=20x6', 'invalid_query'],
    ['GET', '/api/appeals?state=open', 'invalid_query'],
    ['POST', '/api/appeals/NOPE/decide', 'invalid_body'],
  ])('%s %s → %s', async (method, path, code) => {
    const r = await api(method, path, method === 'POST' ? {} : undefined);
    expect(r.json.error).toMatchObject({ code });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.json.error.message).toMatch(/\S/);
  });

  const minutes = { leader: 'PL', date: '2026-12-01', attendees: '王市长', items: [{ escalationId: 'DB-2026-0001-E1', decision: '住建局牵头', units: ['住建局'], deadline: '2026-12-20' }] };
  test.each([
    ['not JSON', 400, 'bad_json', '{'],
    ['no leader', 400, 'invalid_body', { ...minutes, leader: undefined }],
    ['an unknown leader', 400, 'unknown_leader', { ...minutes, leader: 'NOBODY' }],
    ['not a leader', 403, 'forbidden', { ...minutes, leader: 'P1' }],
    ['a bad date', 400, 'invalid_body', { ...minutes, date: '2026-12-1' }],
    ['no items', 400, 'invalid_body', { ...minutes, items: [] }],
    ['an extra field', 400, 'invalid_body', { ...minutes, extra: 1 }],
    ['an unknown unit', 400, 'unknown_unit', { ...minutes, items: [{ ...minutes.items[0], units: ['火星局'] }] }],
    ['an item not on the agenda', 400, 'invalid_minutes', { ...minutes, items: [{ ...minutes.items[0], escalationId: 'X' }] }],
    ['a past deadline', 400, 'invalid_minutes', { ...minutes, items: [{ ...minutes.items[0], deadline: '2026-11-01' }] }],
  ])('POST /api/meetings with %s → %i %s, nothing recorded', async (_w, status, code, body) => {
    const r = await api('POST', '/api/meetings', body);
    expect(r.status).toBe(status);
    expect(r.json.error.code).toBe(code);
    expect(await h.service.deps.models.meetings.countDocuments()).toBe(0);
  });

  test('POST /api/meetings records minutes once and dispatches the decision', async () => {
    const first = await api('POST', '/api/meetings', minutes);
    expect(first.status).toBe(201);
    expect(first.json.tasks).toHaveLength(1);
    const again = await api('POST', '/api/meetings', minutes);
    expect(again).toMatchObject({ status: 200, json: { created: false, tasks: first.json.tasks } });
    const t = (await api('GET', `/api/tasks/${first.json.tasks[0]}`)).json;
    expect(t).toMatchObject({ source: '调度会', leadUnit: 'ZJJ', escalationId: 'DB-2026-0001-E1', dispatcher: 'PL' });
    expect((await api('GET', '/api/meetings?leader=PL')).json.total).toBe(1);
    expect((await api('GET', '/api/escalations?state=decided')).json.items[0].followUps).toEqual(first.json.tasks);
  });

  const bulletin = { kind: '表扬', body: '按期高质量完成', units: ['ZJJ'], to: { units: ['ZJJ'] } };
  test.each([
    ['a bad kind', 'invalid_body', { ...bulletin, kind: '嘉奖' }],
    ['no objects', 'invalid_body', { ...bulletin, units: [] }],
    ['no targets', 'invalid_body', { ...bulletin, to: {} }],
    ['an unknown unit', 'unknown_unit', { ...bulletin, units: ['XX'] }],
    ['an unknown group', 'unknown_group', { ...bulletin, to: { groups: ['G9'] } }],
    ['an unknown task', 'invalid_bulletin', { ...bulletin, tasks: ['DB-2026-0999'] }],
    ['a publisher who may not', 'forbidden', { ...bulletin, by: 'O1' }],
  ])('POST /api/bulletins with %s → %s', async (_w, code, body) => {
    const before = await h.service.deps.models.bulletins.countDocuments();
    const r = await api('POST', '/api/bulletins', body);
    expect(r.json.error.code).toBe(code);
    expect(await h.service.deps.models.bulletins.countDocuments()).toBe(before);
  });

  test('POST /api/bulletins publishes; appeals by API are checked', async () => {
    expect((await api('POST', '/api/bulletins', { ...bulletin, by: 'P1' })).status).toBe(201);
    expect((await api('GET', '/api/bulletins')).json.total).toBe(2);
    expect((await api('POST', '/api/appeals', { code: 'DB-2026-0001', by: 'O1' })).json.error.code).toBe('invalid_body');
    expect((await api('POST', '/api/appeals', { code: 'DB-2026-0001', reason: 'r', by: 'NOBODY' })).json.error.code).toBe('unknown_by');
    expect((await api('POST', '/api/appeals', { code: 'DB-2026-0003', reason: 'r', by: 'O1' })).status).toBe(403);
    expect((await api('POST', '/api/appeals/NOPE/decide', { decision: 'upheld', by: 'P0' })).status).toBe(404);
    expect((await api('POST', '/api/appeals/AP-DB-2026-0001-1/decide', { decision: 'rejected', opinion: 'x', by: 'P0' })).status).toBe(409);
    const bad = await api('POST', '/api/appeals', { code: 'DB-2026-0001', item: '全部', reason: 'r', by: 'O1' });
    expect(bad.json.error).toMatchObject({ code: 'invalid_body', message: expect.stringContaining('item: expected 超期, 退回, 提示函 or one letter') });
    const one = await api('POST', '/api/appeals', { code: 'DB-2026-0001', item: '〔2026〕第1号', reason: '已按期报送整改情况', by: 'O1' });
    expect(one.status).toBe(201);
    expect(one.json).toMatchObject({ _id: 'AP-DB-2026-0001-2', reason: '已按期报送整改情况', items: { overdueWorkdays: 0, returns: 0, letters: ['2026-1'] } });
    await api('POST', '/api/appeals/AP-DB-2026-0001-2/decide', { decision: 'upheld', by: 'P0' });
    expect((await api('GET', '/api/ranking?period=2026-11')).json.items.find((r: any) => r.unit === 'MSZ')).toMatchObject({ overdueWorkdays: 0, letters: 0, score: 100 });
  });

  test('ranking and the yearly evaluation export', async () => {
    const r = (await api('GET', '/api/ranking?period=2026&group=G1')).json;
    expect(r.items.map((x: any) => x.unit).sort()).toEqual(['MSZ', 'ZJJ', 'ZRZYJ']);
    expect(r.formula).toContain('得分 = 100');
    const x = await api('GET', '/api/evaluation/export?year=2026');
    expect(x.status).toBe(200);
    expect(x.type).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(x.raw! as never);
    const sheet = book.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, '名次', '单位', '派发事项', '办结事项', '按期办结', '按期办结率', '超期工作日', '退回次数', '督导提示函', '得分', '定性评价', '评价意见']);
    expect(sheet.rowCount).toBe(5); // header + 4 units
  });
});
