import { cardButtons, cardText, findButton } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';

/**
 * docs/rules.md#escalation end to end, through signed events and card callbacks: 申请提级协调 → 有所为·提级 → the leader's
 * card → 列入调度会 → 会议纪要 with two decisions → two tasks → both closed → the escalation closes and
 * the leader is told; and 有所不为, which sends the task back to the unit under strict urging.
 */
let h: Harness;
beforeAll(async () => {
  // MEETING_SOURCE_LABEL is the parser's mapping of a written 来源; minutes tasks are 调度会 regardless (§6)
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00', env: { MEETING_SOURCE_LABEL: '领导交办' } });
});
afterAll(() => h.close());

const adminGet = async (path: string) => {
  const r = await fetch(h.base + path, { headers: { authorization: 'Bearer test-admin-token-123456' } });
  return { status: r.status, json: (await r.json()) as Record<string, any> };
};

async function dispatchOne(title: string, priority = '紧急'): Promise<string> {
  await h.say('ou_sup1', `派单\n1. ${title}\n责任单位：梅山镇\n完成时限：12月25日前\n工作要求：按期完成\n优先级：${priority}`, { chatId: 'oc_g1' });
  await h.drain();
  const preview = h.botMessages('oc_g1').at(-1)!;
  const r = await h.click('ou_sup1', preview.message_id, '确认派发');
  expect(r.toast?.type).toBe('success');
  await h.drain();
  return /DB-2026-\d{4}/.exec(r.toast!.content)![0];
}

const cardIn = (chatId: string, pred: (c: unknown) => boolean) => h.botMessages(chatId).filter((m) => m.msg_type === 'interactive' && pred(h.fake.cardOf(m.message_id))).at(-1);
const leaderChat = () => h.fake.p2pChatOf('ou_leader');

async function askEscalation(code: string): Promise<string> {
  const unitCard = cardIn('oc_msz', (c) => cardText(c).includes(code) || JSON.stringify(c).includes(code))!;
  expect((await h.click('ou_off1', unitCard.message_id, '签收')).toast?.type).toBe('success');
  const asked = await h.click('ou_off1', unitCard.message_id, '申请提级协调', { reason: '交地手续涉及规划调整和用地审批，超出我镇职权', units: ['ZJJ', 'ZRZYJ'] });
  expect(asked.toast).toMatchObject({ type: 'success' });
  await h.drain();
  const groupCard = cardIn('oc_g1', (c) => JSON.stringify(c).includes(code) && Boolean(findButton(c, '有所为·提级')))!;
  expect(groupCard).toBeDefined();
  return groupCard.message_id;
}

async function closeTask(code: string, unitChat: string, official: string): Promise<void> {
  const card = cardIn(unitChat, (c) => JSON.stringify(c).includes(code) && Boolean(findButton(c, '签收')))!;
  expect((await h.click(official, card.message_id, '签收')).toast?.type).toBe('success');
  expect((await h.click(official, card.message_id, '申请办结', { content: '已按会议决定办结' })).toast?.type).toBe('success');
  await h.drain();
  const review = cardIn('oc_g1', (c) => JSON.stringify(c).includes(code) && Boolean(findButton(c, '审核通过')))!;
  expect((await h.click('ou_sup1', review.message_id, '审核通过')).toast?.type).toBe('success');
  await h.drain();
}

describe('escalation to the leader, minutes, follow-ups, close', () => {
  test('有所为 → leader card → 列入调度会 → minutes with two decisions → both tasks closed → escalation closed', async () => {
    const code = await dispatchOne('推进茂盛路地块交地');
    const groupCard = await askEscalation(code);

    const accepted = await h.click('ou_sup1', groupCard, '有所为·提级', { opinion: '涉及住建、自然资源两部门，确属跨部门事项，建议市领导召集协调' });
    expect(accepted.toast).toMatchObject({ type: 'success' });
    await h.drain();

    // the leader gets the card at once, flagged 紧急 (the task is 紧急)
    const escMsg = cardIn(leaderChat(), (c) => Boolean(findButton(c, '列入调度会')))!;
    expect(escMsg).toBeDefined();
    const escCard = h.fake.cardOf(escMsg.message_id);
    expect(JSON.stringify(escCard)).toContain('紧急');
    expect(cardText(escCard)).toContain('建议市领导召集协调');
    const escalations = (await adminGet('/api/escalations')).json;
    expect(escalations.total).toBe(1);
    expect(escalations.items[0]).toMatchObject({ code, leader: 'PL', state: 'pending', urgent: true, units: ['ZJJ', 'ZRZYJ'] });

    // only the leader may schedule it
    const foreign = await h.click('ou_sup1', escMsg.message_id, '列入调度会');
    expect(foreign.toast?.type).toBe('error');
    const scheduled = await h.click('ou_leader', escMsg.message_id, '列入调度会');
    expect(scheduled.toast).toMatchObject({ type: 'success', content: '已列入调度会议程' });
    expect(findButton(scheduled.card, '列入调度会')).toBeUndefined();
    expect(JSON.stringify(scheduled.card)).toContain('已列入调度会');
    await h.drain();
    expect(JSON.stringify(h.fake.cardOf(escMsg.message_id))).toContain('已列入调度会');
    // pressed again from a stale copy: a warning, nothing twice
    const again = await h.click('ou_leader', escMsg.message_id, '已批示', { instruction: '' }).catch(() => null);
    expect(again === null || again.toast?.type !== 'success').toBe(true);

    // 会议纪要: the form lists the agenda; two numbered decisions become two tasks
    await h.say('ou_leader', '会议纪要');
    await h.drain();
    const form = h.botMessages(leaderChat()).at(-1)!;
    expect(cardText(form.content)).toContain(code);
    const bad = await h.click('ou_leader', form.message_id, '提交纪要', { date: '2026-12-01 +0800', attendees: '王市长', decision_0: '1. 住建局牵头审定补偿方案', units_0: ['ZJJ'], deadline_0: '2026-11-20 +0800' });
    expect(bad.toast?.type).toBe('error');
    expect(bad.toast?.content).toContain('已过去');
    expect(await h.service.deps.models.tasks.countDocuments({ source: '调度会' })).toBe(0);
    const minutes = await h.click('ou_leader', form.message_id, '提交纪要', {
      date: '2026-12-01 +0800',
      attendees: '王市长、张督导、住建局、自然资源局',
      decision_0: '1. 住建局牵头审定补偿方案\n2. 自然资源局完成规划调整报批',
      units_0: ['ZJJ', 'ZRZYJ'],
      deadline_0: '2026-12-20 +0800',
    });
    expect(minutes.toast?.type).toBe('success');
    const codes = minutes.toast!.content.match(/DB-2026-\d{4}/g)!;
    expect(codes).toHaveLength(2);
    // submitting the same form again dispatches nothing more
    const twice = await h.click('ou_leader', form.message_id, '提交纪要', { date: '2026-12-01 +0800', attendees: '王市长', decision_0: '1. x', units_0: ['ZJJ'], deadline_0: '2026-12-20 +0800' }).catch(() => null);
    expect(twice === null || twice.toast?.type !== 'success').toBe(true);
    await h.drain();
    const [a, b] = await Promise.all(codes.map(async (c) => (await adminGet(`/api/tasks/${c}`)).json));
    expect(a).toMatchObject({ source: '调度会', leadUnit: 'ZJJ', group: 'G1', deadline: '2026-12-20', escalationId: escalations.items[0]._id, dispatcher: 'PL' });
    expect(b).toMatchObject({ source: '调度会', leadUnit: 'ZRZYJ', escalationId: escalations.items[0]._id });
    expect(a.meetingId).toBe(b.meetingId);
    const note = h.botMessages('oc_g1').filter((m) => m.msg_type === 'text').map((m) => JSON.stringify(m.content)).find((t) => t.includes('调度会议定'));
    expect(note).toContain('来源：调度会');
    expect((await adminGet('/api/escalations')).json.items[0]).toMatchObject({ state: 'decided', followUps: codes });
    expect((await adminGet('/api/meetings')).json.items[0]).toMatchObject({ leader: 'PL', date: '2026-12-01', state: 'done' });
    expect(JSON.stringify(h.fake.cardOf(escMsg.message_id))).toContain('已形成决定');

    // both follow-ups close; the escalation closes with the last, and the leader is told
    await closeTask(codes[0], 'oc_zjj', 'ou_off2');
    expect((await adminGet('/api/escalations')).json.items[0].state).toBe('decided');
    await closeTask(codes[1], 'oc_zrzyj', 'ou_admin');
    const closed = (await adminGet('/api/escalations')).json.items[0];
    expect(closed).toMatchObject({ state: 'closed', doneFollowUps: codes });
    await h.drain();
    const told = h.botMessages(leaderChat()).filter((m) => m.msg_type === 'text').map((m) => JSON.stringify(m.content));
    expect(told.some((t) => t.includes('已全部办结') && t.includes(code))).toBe(true);
    expect(JSON.stringify(h.fake.cardOf(escMsg.message_id))).toContain('已办结');
    expect(cardButtons(h.fake.cardOf(escMsg.message_id))).toHaveLength(0);
    const audits = await h.service.deps.models.audits.find({ entity: `escalation:${closed._id}` }).lean();
    expect(audits.map((x) => x.action)).toEqual(['accept', 'scheduled', 'decided', 'follow_up_done', 'closed']);
  }, 120_000);

  test('有所不为 sends the task back to the unit, strictly urged, and makes no escalation', async () => {
    const code = await dispatchOne('清理茂盛路沿线占道经营', '一般');
    const groupCard = await askEscalation(code);
    const before = (await adminGet('/api/escalations')).json.total;
    const declined = await h.click('ou_sup1', groupCard, '有所不为·退回自办', { opinion: '属镇职责范围，请自行组织城管力量清理' });
    expect(declined.toast).toMatchObject({ type: 'success' });
    await h.drain();
    const t = (await adminGet(`/api/tasks/${code}`)).json;
    expect(t.strict).toBe(true);
    expect(t.state).toBe('in_progress');
    expect((await adminGet('/api/escalations')).json.total).toBe(before);
    const notes = h.botMessages('oc_msz').filter((m) => m.msg_type === 'text').map((m) => JSON.stringify(m.content));
    expect(notes.some((n) => n.includes(code) && n.includes('有所不为') && n.includes('从严督促'))).toBe(true);
  }, 60_000);
});
