import { cardText, findButton } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
});
afterAll(() => h.close());

/** The 派单 form: it says what it accepts (today or later), accepts today, and refuses what it would otherwise cut. */
describe('the 派单 form card', () => {
  async function form(): Promise<string> {
    const before = h.botMessages('oc_g1').length;
    await h.say('ou_sup1', '派单', { chatId: 'oc_g1' });
    await h.drain();
    return h.botMessages('oc_g1').slice(before).find((m) => m.msg_type === 'interactive' && findButton(m.content, '派发'))!.message_id;
  }

  it('says the deadline may be today, and a task due today is dispatched', async () => {
    const id = await form();
    expect(cardText(h.fake.cardOf(id))).toContain('今天 2026-12-01 或以后');
    expect(cardText(h.fake.cardOf(id))).not.toContain('晚于今天');
    const r = await h.click('ou_sup1', id, '派发', { title: '当天完成的事项', unit: 'MSZ', deadline: '2026-12-01', content: '今天内完成', priority: '一般' });
    expect(r.toast).toMatchObject({ type: 'success' });
    const task = await h.service.deps.models.tasks.findOne({ title: '当天完成的事项' }).lean<{ deadline: string }>();
    expect(task?.deadline).toBe('2026-12-01');
  });

  it('refuses yesterday, and a title or requirement over its limit, storing nothing', async () => {
    const tasks = await h.service.deps.models.tasks.countDocuments();
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '甲', unit: 'MSZ', deadline: '2026-11-30' }, '已过去'],
      [{ title: '甲'.repeat(101), unit: 'MSZ', deadline: '2026-12-20' }, '事项标题 101 字，超过上限 100 字'],
      [{ title: '甲', unit: 'MSZ', deadline: '2026-12-20', content: '乙'.repeat(2001) }, '工作要求 2,001 字，超过上限 2,000 字'],
    ];
    for (const [values, words] of cases) {
      const r = await h.click('ou_sup1', await form(), '派发', values);
      expect(JSON.stringify(r)).toContain(words);
    }
    expect(await h.service.deps.models.tasks.countDocuments()).toBe(tasks);
  });
});
