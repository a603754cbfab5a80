import { cardButtons, cardText, findButton, formFields } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
const TOKEN = 'test-admin-token-123456';
const getTask = async (code: string) => ((await (await fetch(`${h.base}/api/tasks/${code}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as any);

/** Dispatches one task to a unit from G1's chat and returns its code and the unit card's message id. */
async function dispatchOne(title: string, unit = '梅山镇', chat = 'oc_msz', extra = ''): Promise<{ code: string; card: string }> {
  await h.say('ou_sup1', `派单\n${title}\n责任单位：${unit}\n完成时限：12月20日\n工作要求：按期完成${extra}`, { chatId: 'oc_g1' });
  await h.drain();
  const preview = h.botMessages('oc_g1').at(-1)!;
  const r = await h.click('ou_sup1', preview.message_id, '确认派发');
  const code = /DB-2026-\d{4}/.exec(r.toast!.content)![0];
  await h.drain();
  const card = h.botMessages(chat).find((m) => cardText(m.content).includes(title))!;
  return { code, card: card.message_id };
}

beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
});
afterAll(() => h.close());

describe('refusals leave the task unchanged', () => {
  let code: string;
  let card: string;
  beforeAll(async () => {
    ({ code, card } = await dispatchOne('拆除违建一处', '梅山镇', 'oc_msz', '\n配合单位：住建局'));
  });

  test.each([
    ['an unregistered person', 'ou_stranger', '签收', /督导助手还没有登记您的身份.*ou_stranger/],
    ['an official of another unit', 'ou_off3', '签收', /只有责任单位梅山镇/],
    ['a co-unit official', 'ou_off2', '签收', /配合单位只能反馈进度/],
    ['a supervisor of another group', 'ou_sup2', '签收', /这是责任单位梅山镇的操作|只有/],
  ])('%s pressing 签收', async (_who, openId, button, message) => {
    h.fake.addUser({ openId: 'ou_stranger' });
    const before = await getTask(code);
    const r = await h.click(openId, card, button);
    expect(r.toast?.type).toBe('error');
    expect(r.toast?.content).toMatch(message);
    const after = await getTask(code);
    expect(after.rev).toBe(before.rev);
    expect(after.state).toBe('dispatched');
  });

  test('a co-unit may report progress but not ask to close', async () => {
    await h.click('ou_off1', card, '签收');
    await h.drain();
    const co = h.botMessages('oc_zjj').find((m) => cardText(m.content).includes('拆除违建一处'))!;
    const ok = await h.click('ou_off2', co.message_id, '反馈进度', { progress: '10', content: '住建已出具认定意见' });
    expect(ok.toast?.type).toBe('success');
    const t = await getTask(code);
    expect(t.progress).toBe(0); // a co-unit's report does not move the lead unit's progress
    expect(t.reports.at(-1)).toMatchObject({ unit: 'ZJJ', content: '住建已出具认定意见' });
    const refused = await h.click('ou_off2', co.message_id, '申请办结', { content: '完成' });
    expect(refused.toast?.type).toBe('error');
    expect((await getTask(code)).state).toBe('in_progress');
  });

  test('a supervisor of another group cannot urge or cancel', async () => {
    const r = await h.say('ou_sup2', `催办 ${code}`);
    await h.drain();
    const reply = h.botMessages(h.fake.p2pChatOf('ou_sup2')).at(-1)!;
    expect(JSON.stringify(reply.content)).toContain('第一专项督导组');
    expect(r.status).toBe(200);
    expect((await getTask(code)).history.map((x: any) => x.action)).not.toContain('urge');
  });

  test('a stale button answers a warning with the current card, and applies nothing', async () => {
    const before = await getTask(code);
    // the card as first sent still carries 签收 (state dispatched): press it from that old version
    const old = h.fake.message(card)!.versions[0].content;
    const value = findButton(old, '签收')!.value!;
    const env = h.fake.cardAction({ operatorOpenId: 'ou_off1', value, openMessageId: card, openChatId: 'oc_msz' });
    const { signRequest } = await import('../fake-feishu');
    const s = signRequest(env, { verificationToken: 'verification-token', encryptKey: 'encrypt-key-123' });
    const r = await h.post('/feishu/card', s.body, s.headers);
    expect((r.json.toast as any).type).toBe('warning');
    expect(findButton((r.json.card as any).data, '反馈进度')).toBeDefined();
    expect((await getTask(code)).rev).toBe(before.rev);
  });
});

describe('the other loops', () => {
  test('申请延期 → 同意延期 moves the deadline and keeps the original; 不同意延期 keeps it', async () => {
    const { code, card } = await dispatchOne('修缮村道');
    await h.click('ou_off1', card, '签收');
    const form = await h.click('ou_off1', card, '申请延期');
    expect(formFields(form.card).map((f) => f.name)).toEqual(expect.arrayContaining(['new_deadline', 'reason']));
    const bad = await h.click('ou_off1', card, '申请延期', { new_deadline: '2026-12-10 +0800', reason: '雨季' });
    expect(bad.toast?.type).toBe('error'); // earlier than the deadline in force
    const ok = await h.click('ou_off1', card, '申请延期', { new_deadline: '2026-12-31 +0800', reason: '材料未到' });
    expect(ok.toast?.type).toBe('success');
    await h.drain();
    const review = h.botMessages('oc_g1').find((m) => cardText(m.content).includes('修缮村道') && findButton(m.content, '同意延期'))!;
    const yes = await h.click('ou_sup1', review.message_id, '同意延期');
    expect(yes.toast?.type).toBe('success');
    const t = await getTask(code);
    expect(t).toMatchObject({ deadline: '2026-12-31', originalDeadline: '2026-12-20' });
    // a second extension, refused
    await h.click('ou_off1', card, '申请延期', { new_deadline: '2027-01-15 +0800', reason: '再延' });
    await h.drain();
    const review2 = h.botMessages('oc_g1').find((m) => cardText(h.fake.cardOf(m.message_id)).includes('修缮村道') && findButton(h.fake.cardOf(m.message_id), '不同意延期'))!;
    const no = await h.click('ou_sup1', review2.message_id, '不同意延期', { opinion: '请按期完成' });
    expect(no.toast?.type).toBe('success');
    expect((await getTask(code)).deadline).toBe('2026-12-31');
  });

  test('退回 needs a reason and sends the task back to 办理中', async () => {
    const { code, card } = await dispatchOne('清理河道垃圾');
    await h.click('ou_off1', card, '签收');
    await h.click('ou_off1', card, '申请办结', { content: '已清理' });
    await h.drain();
    const review = h.botMessages('oc_g1').find((m) => cardText(h.fake.cardOf(m.message_id)).includes('清理河道垃圾') && findButton(h.fake.cardOf(m.message_id), '退回'))!;
    const noReason = await h.click('ou_sup1', review.message_id, '退回', { reason: '' });
    expect(noReason.toast?.type).toBe('error');
    expect((await getTask(code)).state).toBe('submitted');
    const back = await h.click('ou_sup1', review.message_id, '退回', { reason: '下游仍有垃圾' });
    expect(back.toast?.type).toBe('success');
    const t = await getTask(code);
    expect(t).toMatchObject({ state: 'in_progress', returns: 1 });
  });

  test('撤销 and 催办 by the group; commands 查询, 进度, 我的任务, 统计', async () => {
    const { code, card } = await dispatchOne('整治占道经营');
    await h.say('ou_sup1', `催办 ${code} 请周五前反馈`);
    await h.drain();
    const urge = h.botMessages('oc_msz').at(-1)!;
    expect(cardText(urge.content)).toContain('请周五前反馈');
    await h.say('ou_off1', `进度 ${code} 30% 已劝离5户`);
    await h.drain();
    expect((await getTask(code))).toMatchObject({ progress: 30, state: 'in_progress' });
    await h.say('ou_off1', '我的任务');
    await h.drain();
    const mine = h.botMessages(h.fake.p2pChatOf('ou_off1')).at(-1)!;
    expect(cardText(mine.content)).toContain(code);
    await h.say('ou_sup1', `查询 ${code.toLowerCase()}`);
    await h.say('ou_sup1', '统计');
    await h.drain();
    const dm = h.botMessages(h.fake.p2pChatOf('ou_sup1'));
    expect(cardButtons(dm.at(-2)!.content).map((b) => b.text)).toEqual(expect.arrayContaining(['催办', '撤销']));
    expect(JSON.stringify(dm.at(-1)!.content)).toMatch(/第一专项督导组/);
    const cancel = await h.click('ou_sup1', dm.at(-2)!.message_id, '撤销');
    expect(cancel.toast?.type).toBe('success');
    await h.drain();
    expect((await getTask(code)).state).toBe('cancelled');
    expect(cardText(h.fake.cardOf(card))).toContain('已撤销');
  });

  test('派单 alone gives the form; 派发 with a bad unit or past date is refused; a good one creates the task', async () => {
    await h.say('ou_sup1', '派单');
    await h.drain();
    const form = h.botMessages(h.fake.p2pChatOf('ou_sup1')).at(-1)!;
    expect(formFields(form.content).map((f) => f.name)).toEqual(expect.arrayContaining(['title', 'unit', 'co_units', 'deadline', 'content', 'priority', 'category']));
    const count = await h.service.deps.models.tasks.countDocuments();
    const bad = await h.click('ou_sup1', form.message_id, '派发', { title: '表单派单', unit: 'LDZ', deadline: '2026-12-20 +0800' });
    expect(bad.toast?.type).toBe('error');
    expect(bad.toast?.content).toContain('不在本督导组挂钩范围');
    const past = await h.click('ou_sup1', form.message_id, '派发', { title: '表单派单', unit: 'MSZ', deadline: '2026-11-20 +0800' });
    expect(past.toast?.content).toContain('已过去');
    expect(await h.service.deps.models.tasks.countDocuments()).toBe(count);
    const ok = await h.click('ou_sup1', form.message_id, '派发', { title: '表单派单', unit: 'MSZ', co_units: ['ZJJ'], deadline: '2026-12-20 +0800', content: '做好', priority: '重要', category: '问题整改' });
    expect(ok.toast?.type).toBe('success');
    expect(await h.service.deps.models.tasks.countDocuments()).toBe(count + 1);
  });

  test('a paste with problems lists them all and creates nothing', async () => {
    const count = await h.service.deps.models.tasks.countDocuments();
    await h.say('ou_sup1', '派单\n1. 事项一\n责任单位：梅山\n完成时限：长期坚持\n\n2. 事项二\n责任单位：罗东镇\n完成时限：12月20日', { chatId: 'oc_g1' });
    await h.drain();
    const reply = h.botMessages('oc_g1').at(-1)!;
    const text = (reply.content as { text: string }).text;
    expect(text).toContain('第1项');
    expect(text).toContain('第2项');
    expect(text).toContain('例如');
    expect(await h.service.deps.models.tasks.countDocuments()).toBe(count);
  });
});
