import { toInbound } from '../../src/adapters/feishu/envelope';
import type { Handlers } from '../../src/app/bot';
import { cardText, findButton } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';

/** 现场督导 end to end (docs/rules.md#on-site-visits): a location, 2 photos and text in the card's thread; 现场处置 → a task; 转为派单 → a preview; a milestone confirmed by the visit. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
});
afterAll(() => h.close());

const adminGet = async (path: string) => {
  const r = await fetch(h.base + path, { headers: { authorization: 'Bearer test-admin-token-123456' } });
  return { status: r.status, json: (await r.json()) as Record<string, any> };
};
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605b40000000049454e44ae426082', 'hex');

test('a visit from a location, 2 photos and text: one settled on the spot, one turned into a preview, a milestone confirmed', async () => {
  await h.say('ou_sup1', '立项\n项目：茂盛路二期\n牵头单位：梅山镇\n节点：12月20日前 完成剩余征迁签约', { chatId: 'oc_g1' });
  await h.drain();
  await h.say('ou_sup1', '现场督导 暗访', { chatId: 'oc_g1' });
  await h.drain();
  const card = h.botMessages('oc_g1').find((m) => JSON.stringify(m.content).includes('现场督导 · 暗访'))!;
  expect(card).toBeDefined();
  const inThread = { chatId: 'oc_g1', replyTo: card.message_id };
  await h.say('ou_sup1', '', { ...inThread, messageType: 'location', content: { name: '茂盛路征迁现场', address: '梅山镇茂盛路18号', latitude: '24.91', longitude: '118.59' } });
  for (let i = 0; i < 2; i++) {
    const key = h.fake.addResource(PNG, { type: 'image' });
    await h.say('ou_sup1', '', { ...inThread, messageType: 'image', content: { image_key: key } });
  }
  await h.say('ou_sup1', '单位：梅山镇、住建局', inThread);
  await h.say('ou_sup1', '项目：XM-2026-001', inThread);
  await h.say('ou_sup1', '施工围挡破损，存在安全隐患', inThread);
  await h.say('ou_sup1', '剩余3户未签约，补偿方案未公示', inThread);
  await h.drain();
  let shown = h.fake.cardOf(card.message_id);
  expect(cardText(shown)).toContain('茂盛路征迁现场');
  expect(cardText(shown)).toContain('梅山镇、住建局');
  expect(JSON.stringify(shown).match(/"img_key"/g)?.length).toBe(2);
  expect(Buffer.byteLength(JSON.stringify(shown))).toBeLessThan(30 * 1024);

  // settled on the spot: a task with source 现场督导
  const settled = await h.click('ou_sup1', card.message_id, '现场处置', { decision: '施工围挡当日修复', units: '梅山镇', deadline: '2026-12-03' });
  expect(settled.toast).toMatchObject({ type: 'success' });
  await h.drain();
  const task = await h.service.deps.tasks.get('DB-2026-0001');
  expect(task).toMatchObject({ source: '现场督导', leadUnit: 'MSZ', deadline: '2026-12-03', project: 'XM-2026-001' });
  expect(h.botMessages('oc_msz').some((m) => cardText(m.content).includes('施工围挡当日修复'))).toBe(true);

  // the other finding becomes a dispatch preview, confirmed the usual way
  const turned = await h.click('ou_sup1', card.message_id, '转为派单');
  expect(turned.toast).toMatchObject({ type: 'success' });
  await h.drain();
  const preview = h.botMessages('oc_g1').at(-1)!;
  expect(cardText(preview.content)).toContain('剩余3户未签约');
  const ok = await h.click('ou_sup1', preview.message_id, '确认派发');
  expect(ok.toast?.type).toBe('success');
  expect((await h.service.deps.tasks.get('DB-2026-0002'))?.source).toBe('现场督导');

  // a milestone confirmed by the visit, its photos on the project card
  await h.say('ou_sup1', '确认节点 XM-2026-001 1 现场查看已全部签约', inThread);
  await h.drain();
  const project = await adminGet('/api/projects/XM-2026-001');
  expect(project.json.milestones[0]).toMatchObject({ visit: 'XC-2026-001', confirmedBy: 'P1' });
  expect(project.json.photos.length).toBeGreaterThanOrEqual(2);

  const visits = await adminGet('/api/visits');
  expect(visits.json.total).toBe(1);
  expect(visits.json.items[0]).toMatchObject({ code: 'XC-2026-001', mode: '暗访', units: ['MSZ', 'ZJJ'], project: 'XM-2026-001', location: { name: '茂盛路征迁现场' } });
  expect(visits.json.items[0].findings).toHaveLength(2);
  expect(visits.json.items[0].photos).toHaveLength(2);

  // ended: nothing more is taken
  await h.click('ou_sup1', card.message_id, '结束督导');
  await h.say('ou_sup1', '又一个问题', inThread);
  await h.drain();
  expect((h.botMessages('oc_g1').at(-1)!.content as { text: string }).text).toContain('已结束');
  shown = h.fake.cardOf(card.message_id);
  expect(JSON.stringify(shown)).toContain('已结束');
});

test('现场处置 handled twice for one press (a held click retried after its handler failed) makes one task, settled once', async () => {
  await h.say('ou_sup1', '现场督导', { chatId: 'oc_g1' });
  await h.drain();
  const card = h.botMessages('oc_g1').filter((m) => JSON.stringify(m.content).includes('现场督导 · 明察')).at(-1)!;
  await h.say('ou_sup1', '单位：梅山镇', { chatId: 'oc_g1', replyTo: card.message_id });
  await h.say('ou_sup1', '排水沟堵塞', { chatId: 'oc_g1', replyTo: card.message_id });
  await h.drain();
  const msg = h.fake.message(card.message_id)!;
  const env = h.fake.cardAction({ operatorOpenId: 'ou_sup1', value: findButton(msg.content, '现场处置')!.value, formValue: { decision: '当日疏通排水沟', units: '梅山镇', deadline: '2026-12-04' }, openMessageId: card.message_id, openChatId: 'oc_g1', createTime: Date.now() });
  const inb = toInbound(env as unknown as Record<string, unknown>, `ev:${env.header.event_id}`);
  const { handlers } = h.service.bot as unknown as { handlers: Handlers };
  const before = await h.service.deps.tasks.count({});
  await handlers.onCard(inb as Extract<typeof inb, { type: 'card' }>);
  await handlers.onCard(inb as Extract<typeof inb, { type: 'card' }>); // the same event again, as Bot.retryHandler runs it
  await h.drain();
  expect(await h.service.deps.tasks.count({})).toBe(before + 1);
  const visit = (await (await fetch(`${h.base}/api/visits`, { headers: { authorization: 'Bearer test-admin-token-123456' } })).json()) as { items: { code: string; settled: unknown[] }[] };
  expect(visit.items.find((v) => v.code === 'XC-2026-002')!.settled).toHaveLength(1);
});
