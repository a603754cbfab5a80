import { cardText, findButton } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';

/** docs/rules.md#major-reports end to end: a 组长's 重大事项报告, numbered per year, answered by the leader with 批示. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
});
afterAll(() => h.close());

const adminGet = async (path: string) => {
  const r = await fetch(h.base + path, { headers: { authorization: 'Bearer test-admin-token-123456' } });
  return { status: r.status, json: (await r.json()) as Record<string, any> };
};
const texts = (chat: string) => h.botMessages(chat).filter((m) => m.msg_type === 'text').map((m) => JSON.stringify(m.content));

test('重大事项报告 → numbered, to the leader and the coordination group → 批示', async () => {
  // only a 组长 or 副组长 may report
  await h.say('ou_off1', '重大事项报告 测试');
  await h.drain();
  expect(texts(h.fake.p2pChatOf('ou_off1')).at(-1)).toContain('组长、副组长');

  await h.say('ou_sup1', '重大事项报告 茂盛路征迁扫尾遇阻\n3户因安置面积争议拒签，涉及规划调整，需市领导协调。', { chatId: 'oc_g1' });
  await h.drain();
  expect(texts('oc_g1').at(-1)).toContain('〔2026〕重报第1号');
  const leaderChat = h.fake.p2pChatOf('ou_leader');
  const msg = h.botMessages(leaderChat).filter((m) => m.msg_type === 'interactive').at(-1)!;
  const card = h.fake.cardOf(msg.message_id);
  expect(cardText(card)).toContain('3户因安置面积争议拒签');
  for (const b of ['已阅', '批示', '列入调度会']) expect(findButton(card, b)).toBeDefined();
  // the coordination group has a copy without buttons
  const copy = h.botMessages('oc_g0').filter((m) => m.msg_type === 'interactive').at(-1)!;
  expect(JSON.stringify(h.fake.cardOf(copy.message_id))).toContain('〔2026〕重报第1号');
  expect(findButton(h.fake.cardOf(copy.message_id), '批示')).toBeUndefined();

  // the next report takes the next number
  await h.say('ou_sup1b', '重大事项报告 罗东镇安置房交付延误', { chatId: 'oc_g1' });
  await h.drain();
  expect(texts('oc_g1').at(-1)).toContain('〔2026〕重报第2号');

  // someone else than the leader may not answer; an empty 批示 is refused
  expect((await h.click('ou_sup1', msg.message_id, '批示', { instruction: '同意' })).toast?.type).toBe('error');
  expect((await h.click('ou_leader', msg.message_id, '批示', { instruction: '' })).toast?.content).toBe('请填写批示意见。');
  const r = await h.click('ou_leader', msg.message_id, '批示', { instruction: '请住建局牵头，一周内拿出方案' });
  expect(r.toast).toMatchObject({ type: 'success' });
  expect(cardText(r.card)).toContain('请住建局牵头');
  await h.drain();
  expect(texts('oc_g1').some((t) => t.includes('作出批示') && t.includes('请住建局牵头'))).toBe(true);
  expect(texts('oc_g0').some((t) => t.includes('作出批示'))).toBe(true);
  expect(JSON.stringify(h.fake.cardOf(copy.message_id))).toContain('请住建局牵头');

  const list = (await adminGet('/api/major-reports?year=2026')).json;
  expect(list.total).toBe(2);
  expect(list.items.map((x: { label: string }) => x.label)).toEqual(['〔2026〕重报第2号', '〔2026〕重报第1号']);
  expect(list.items[1]).toMatchObject({ state: 'instructed', instruction: '请住建局牵头，一周内拿出方案', leader: 'PL', group: 'G1' });

  // 列入调度会 puts it on the leader's agenda (the 会议纪要 form lists it)
  expect((await h.click('ou_leader', msg.message_id, '列入调度会')).toast?.type).toBe('success');
  const esc = (await adminGet('/api/escalations')).json;
  expect(esc.items[0]).toMatchObject({ code: '〔2026〕重报第1号', state: 'scheduled', leader: 'PL' });
});
