import { cardText, findButton } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';

/** 项目化督导 end to end (docs/rules.md#projects): 立项, tasks from two orders, the live card, 确认节点, the API. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
});
afterAll(() => h.close());

const adminGet = async (path: string) => {
  const r = await fetch(h.base + path, { headers: { authorization: 'Bearer test-admin-token-123456' } });
  return { status: r.status, json: (await r.json()) as Record<string, any> };
};

const PROJECT = `立项
项目：茂盛路二期征迁及道路贯通工程
类别：重点项目
牵头单位：梅山镇
配合单位：住建局、自然资源局
节点：12月10日前 完成剩余征迁签约
节点：12月25日前 完成管线迁改
节点：2027年1月20日前 道路全线贯通`;

const order = (a: string, b: string, project: string) => `派单
1. ${a}
责任单位：梅山镇
完成时限：12月15日前
项目：${project}

2. ${b}
责任单位：住建局
完成时限：12月20日前
项目：茂盛路二期`;

describe('projects', () => {
  test('a 立项 with a bad line is refused whole, every problem named', async () => {
    const bad = PROJECT.replace('配合单位：住建局、自然资源局', '配合单位：住建局、自然资源所').replace('节点：12月25日前 完成管线迁改', '节点：待定 完成管线迁改') + '\n负责人：张三';
    await h.say('ou_sup1', bad, { chatId: 'oc_g1' });
    await h.drain();
    const reply = h.botMessages('oc_g1').at(-1)!;
    const text = (reply.content as { text: string }).text;
    expect(text).toMatch(/^立项未创建.*共 3 处问题/);
    expect(text).toContain('第5行');
    expect(text).toContain('自然资源所');
    expect(text).toContain('第7行');
    expect(text).toContain('待定');
    expect(text).toContain('第9行');
    expect(text).toContain('负责人');
    expect((await adminGet('/api/projects')).json.total).toBe(0);
  });

  test('a project with 3 milestones and 4 tasks from 2 orders; a milestone confirmed on the card', async () => {
    await h.say('ou_sup1', PROJECT, { chatId: 'oc_g1' });
    await h.drain();
    const msgs = h.botMessages('oc_g1');
    expect((msgs.at(-2)!.content as { text: string }).text).toContain('已立项 XM-2026-001');
    const card = msgs.at(-1)!;
    expect(JSON.stringify(card.content)).toContain('茂盛路二期征迁及道路贯通工程');
    expect(cardText(card.content)).toContain('完成剩余征迁签约');
    expect(JSON.stringify(card.content)).toContain('节点 0/3');

    for (const [a, b, p] of [['推进茂盛路征迁扫尾', '迁改茂盛路燃气管线', 'XM-2026-001'], ['茂盛路路基施工', '茂盛路交通组织方案', '茂盛路二期征迁及道路贯通工程']]) {
      await h.say('ou_sup1', order(a, b, p), { chatId: 'oc_g1' });
      await h.drain();
      const preview = h.botMessages('oc_g1').at(-1)!;
      const ok = await h.click('ou_sup1', preview.message_id, '确认派发');
      expect(ok.toast?.type).toBe('success');
      await h.drain();
    }
    const api = await adminGet('/api/projects/XM-2026-001');
    expect(api.status).toBe(200);
    expect(api.json.tasks.map((t: { code: string }) => t.code)).toEqual(['DB-2026-0001', 'DB-2026-0002', 'DB-2026-0003', 'DB-2026-0004']);
    expect(api.json.milestones).toHaveLength(3);
    const task = await h.service.deps.tasks.get('DB-2026-0003');
    expect(task?.project).toBe('XM-2026-001');
    // the live card shows the four tasks
    expect(cardText(h.fake.cardOf(card.message_id))).toContain('督办事项（4）');
    expect(cardText(h.fake.cardOf(card.message_id))).toContain('DB-2026-0004');

    // a unit official cannot confirm a milestone; a supervisor can, on the card, with a note
    const denied = await h.click('ou_off1', card.message_id, '确认节点', { note: '已完成' });
    expect(denied.toast?.type).toBe('error');
    const done = await h.click('ou_sup1', card.message_id, '确认节点', { note: '现场查看，3户已签约' });
    expect(done.toast).toMatchObject({ type: 'success' });
    expect(JSON.stringify(done.card)).toContain('节点 1/3');
    expect(cardText(done.card)).toContain('已现场确认');
    const again = await h.click('ou_sup1', card.message_id, '确认节点', {});
    expect(findButton(h.fake.cardOf(card.message_id), '确认节点')).toBeDefined(); // the next milestone now
    expect(again.toast?.type).toBe('success');
    expect((await adminGet('/api/projects')).json.items[0]).toMatchObject({ code: 'XM-2026-001', milestonesReached: 2, tasks: 4 });
  });

  test('确认节点 by command; a late milestone is red; an unknown project refuses the order', async () => {
    await h.say('ou_sup1', '确认节点 XM-2026-001 2', { chatId: 'oc_g1' });
    await h.drain();
    expect((h.botMessages('oc_g1').at(-1)!.content as { text: string }).text).toContain('已于');
    await h.say('ou_sup1', '派单\n1. 甲\n责任单位：梅山镇\n完成时限：12月15日前\n项目：XM-2026-009', { chatId: 'oc_g1' });
    await h.drain();
    expect((h.botMessages('oc_g1').at(-1)!.content as { text: string }).text).toContain('找不到项目 XM-2026-009');
    h.clock.set(new Date('2027-01-25T10:00:00+08:00'));
    const api = await adminGet('/api/projects/XM-2026-001');
    expect(api.json.milestones[2].light).toBe('red');
    expect(api.json.light).toBe('red');
  });
});
