import { cardText, findButton, formFields } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';

/** docs/rules.md#group-coordination-meetings end to end: a 专题协调会 whose 3 decisions become tasks and one item goes to the leader's agenda. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
});
afterAll(() => h.close());

const adminGet = async (path: string) => {
  const r = await fetch(h.base + path, { headers: { authorization: 'Bearer test-admin-token-123456' } });
  return { status: r.status, json: (await r.json()) as Record<string, any> };
};

test('专题协调会: 3 decisions → 3 tasks tracked by the group, 1 item → the leader\'s 调度会 agenda', async () => {
  // a 组员 or an official may not hold one
  await h.say('ou_off1', '专题协调会');
  await h.drain();
  expect(JSON.stringify(h.botMessages(h.fake.p2pChatOf('ou_off1')).at(-1)!.content)).toContain('组长、副组长');

  await h.say('ou_sup1', '专题协调会', { chatId: 'oc_g1' });
  await h.drain();
  const form = h.botMessages('oc_g1').filter((m) => m.msg_type === 'interactive').at(-1)!;
  const names = formFields(h.fake.cardOf(form.message_id)).map((f) => f.name);
  for (const n of ['topic', 'date', 'attendees', 'units', 'decision_0', 'units_0', 'deadline_0', 'way_0']) expect(names).toContain(n);

  // every problem named, nothing recorded
  const bad = await h.click('ou_sup1', form.message_id, '提交会议记录', { topic: '', date: '2026-12-01 +0800', attendees: '张督导', decision_0: '梅山镇完成签约', units_0: [], deadline_0: '2026-11-20 +0800', decision_1: '罗东镇配合', units_1: ['LDZ'], deadline_1: '2026-12-20 +0800' });
  expect(bad.toast?.type).toBe('error');
  for (const p of ['会议议题', '事项 1：请选择落实单位', '事项 1：完成时限 2026-11-20 已过去', '事项 2：罗东镇 不在本督导组挂钩范围']) expect(cardText(bad.card)).toContain(p);
  expect((await adminGet('/api/group-meetings')).json.total).toBe(0);

  const values = {
    topic: '茂盛路征迁扫尾专题协调',
    date: '2026-12-01 +0800',
    attendees: '张督导、梅山镇周镇长、住建局李局长',
    units: ['MSZ', 'ZJJ'],
    decision_0: '梅山镇完成剩余3户签约',
    units_0: ['MSZ'],
    deadline_0: '2026-12-15 +0800',
    decision_1: '住建局出具安置房调剂方案',
    units_1: ['ZJJ', 'MSZ'],
    deadline_1: '2026-12-18 +0800',
    decision_2: '自然资源局完成红线复核',
    units_2: ['ZRZYJ'],
    deadline_2: '2026-12-20 +0800',
    decision_3: '安置面积标准调整需市政府研究',
    units_3: ['ZJJ'],
    way_3: 'up',
  };
  const ok = await h.click('ou_sup1', form.message_id, '提交会议记录', values);
  expect(ok.toast).toMatchObject({ type: 'success', content: '已记录，派发 3 项，提交调度会 1 项' });
  // the same form again (a stale copy still showing it) records nothing more
  const twice = await h.click('ou_sup1', form.message_id, '提交会议记录', values).catch(() => null);
  expect(twice === null || twice.toast?.type === 'warning').toBe(true);
  await h.drain();

  const meetings = (await adminGet('/api/group-meetings')).json;
  expect(meetings.total).toBe(1);
  const m = meetings.items[0];
  expect(m).toMatchObject({ code: 'ZT-2026-001', group: 'G1', by: 'P1', state: 'done', topic: '茂盛路征迁扫尾专题协调' });
  expect(m.tasks).toHaveLength(3);
  const tasks = await Promise.all(m.tasks.map(async (c: string) => (await adminGet(`/api/tasks/${c}`)).json));
  expect(tasks.map((t) => [t.source, t.group, t.leadUnit, t.coUnits, t.deadline])).toEqual([
    ['专题协调会', 'G1', 'MSZ', [], '2026-12-15'],
    ['专题协调会', 'G1', 'ZJJ', ['MSZ'], '2026-12-18'],
    ['专题协调会', 'G1', 'ZRZYJ', [], '2026-12-20'],
  ]);
  // the units got their task cards; the group was told
  expect(h.botMessages('oc_msz').some((x) => JSON.stringify(h.fake.cardOf(x.message_id) ?? '').includes(m.tasks[0]))).toBe(true);
  expect(h.botMessages('oc_g1').some((x) => x.msg_type === 'text' && JSON.stringify(x.content).includes('来源：专题协调会'))).toBe(true);

  // the sent-up item is on the leader's agenda: the escalation card, then the 会议纪要 form
  const esc = (await adminGet('/api/escalations?leader=PL')).json;
  expect(esc.items[0]).toMatchObject({ code: 'ZT-2026-001·4', state: 'pending', group: 'G1', title: '安置面积标准调整需市政府研究' });
  const leaderChat = h.fake.p2pChatOf('ou_leader');
  const escCard = h.botMessages(leaderChat).filter((x) => x.msg_type === 'interactive').at(-1)!;
  expect(findButton(h.fake.cardOf(escCard.message_id), '列入调度会')).toBeDefined();
  await h.say('ou_leader', '会议纪要');
  await h.drain();
  expect(cardText(h.botMessages(leaderChat).at(-1)!.content)).toContain('安置面积标准调整需市政府研究');
});
