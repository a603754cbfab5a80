import { cardButtons, cardText, findButton, formFields } from '../../src/cards/inspect';
import { signRequest } from '../fake-feishu';
import { startHarness, TEST_APP, type Harness } from '../support/harness';

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

/** Presses a button as the card first showed it: a client whose card was not refreshed yet. */
async function pressAsSent(openId: string, messageId: string, button: string) {
  const msg = h.fake.message(messageId)!;
  const value = findButton(msg.versions[0].content, button)!.value!;
  const env = h.fake.cardAction({ operatorOpenId: openId, value, openMessageId: messageId, openChatId: msg.chat_id, createTime: h.clock.now().getTime() });
  const s = signRequest(env, { verificationToken: TEST_APP.verificationToken, encryptKey: TEST_APP.encryptKey });
  const r = await h.post('/feishu/card', s.body, s.headers);
  return { status: r.status, toast: r.json.toast as { type: string; content: string } | undefined, card: (r.json.card as { data?: unknown } | undefined)?.data };
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
    // the co-unit's copy offers only 反馈进度 (issue 14, rough edge 6); pressed on the lead's copy, 申请办结 is refused
    expect(cardButtons(co.content).map((b) => b.text)).toEqual(['反馈进度']);
    const refused = await h.click('ou_off2', card, '申请办结', { content: '完成' });
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
    // the 进度 reply counts the evidence it brought and the task's total (issue 14, item 8)
    await h.say('ou_off1', `进度 ${code} 40% 按梅政〔2026〕12号执行，见 https://example.org/x`);
    await h.drain();
    expect(String((h.botMessages(h.fake.p2pChatOf('ou_off1')).at(-1)!.content as { text?: string }).text)).toBe(`已记录 ${code} 的进度 40%，附 2 项佐证（本事项共 2 项），卡片已更新。`);
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

describe('races, cancelled previews, evidence without screenshots', () => {
  test('取消 then 确认派发 on the same preview: a warning, and no task created', async () => {
    const count = await h.service.deps.models.tasks.countDocuments();
    await h.say('ou_sup1', '派单\n核查违规占地\n责任单位：梅山镇\n完成时限：12月20日\n工作要求：查清上报', { chatId: 'oc_g1' });
    await h.drain();
    const preview = h.botMessages('oc_g1').at(-1)!;
    const cancelled = await h.click('ou_sup1', preview.message_id, '取消');
    expect(cancelled.toast).toMatchObject({ type: 'success' });
    expect(cancelled.toast!.content).toContain('未创建');
    // a client still showing the preview as sent presses 确认派发 after the 取消
    const confirm = await pressAsSent('ou_sup1', preview.message_id, '确认派发');
    expect(confirm.status).toBe(200);
    expect(['warning', 'error']).toContain(confirm.toast?.type);
    expect(confirm.toast?.content).toContain('已取消');
    await h.drain();
    expect(await h.service.deps.models.tasks.countDocuments()).toBe(count);
    const previewId = (findButton(preview.versions[0].content, '确认派发')!.value as { p: string }).p;
    expect(await h.service.deps.models.previews.findById(previewId).lean()).toMatchObject({ state: 'cancelled', codes: [] });
  });

  test('replies in the card thread with a 文号 or a link are progress with that evidence', async () => {
    const { code, card } = await dispatchOne('公开整改文件');
    await h.click('ou_off1', card, '签收');
    // in the card's thread (as Feishu sends a topic reply: root and parent are the card, with a thread id)
    const env = h.fake.userMessage({ senderOpenId: 'ou_off1', chatType: 'group', chatId: 'oc_msz', text: '整改通知已印发 梅政办〔2026〕12号', parentId: card, rootId: card, threadId: 'omt_card_thread', createTime: h.clock.now().getTime() });
    const s = signRequest(env, { verificationToken: TEST_APP.verificationToken, encryptKey: TEST_APP.encryptKey });
    expect((await h.post('/feishu/events', s.body, s.headers)).status).toBe(200);
    // and quoting the card
    await h.say('ou_off1', '已在网站公示 https://gk.example.cn/notice/2026-12.html 60%', { chatId: 'oc_msz', replyTo: card });
    await h.drain();
    const t = await getTask(code);
    const [docno, link] = t.reports.slice(-2);
    expect(docno).toMatchObject({ unit: 'MSZ', content: '整改通知已印发 梅政办〔2026〕12号' });
    expect(docno.evidence).toEqual([expect.objectContaining({ kind: 'docno', text: '梅政办〔2026〕12号' })]);
    expect(link.evidence).toEqual([expect.objectContaining({ kind: 'link', url: 'https://gk.example.cn/notice/2026-12.html' })]);
    expect(t.progress).toBe(60);
    const answers = h.botMessages('oc_msz').slice(-2).map((m) => JSON.stringify(m.content));
    for (const a of answers) expect(a).toContain('附 1 项佐证');
  });

  test('two 签收 clicks at once: one applies, the other is told the card moved on; one audit entry', async () => {
    const { code, card } = await dispatchOne('清点防汛物资');
    const before = await getTask(code);
    const both = await Promise.all([h.click('ou_off1', card, '签收'), h.click('ou_off1', card, '签收')]);
    const types = both.map((r) => r.toast?.type).sort();
    expect(types).toEqual(['success', 'warning']);
    const loser = both.find((r) => r.toast?.type === 'warning')!;
    expect(loser.toast!.content).toContain('已是“办理中”');
    expect(findButton(loser.card, '反馈进度')).toBeDefined(); // the current card comes with the warning
    expect(findButton(loser.card, '签收')).toBeUndefined();
    const after = await getTask(code);
    expect(after).toMatchObject({ state: 'in_progress', rev: before.rev + 1 });
    expect(after.history.filter((x: any) => x.action === 'accept')).toHaveLength(1);
  });
});

describe('audit fixes: card replies, refusals, typed co-units, 刷新, 统计', () => {
  const p2p = (openId: string) => h.botMessages(h.fake.p2pChatOf(openId));
  const lastText = (msgs: { content: unknown }[]) => String((msgs.at(-1)!.content as { text?: string }).text ?? '');

  test('a reply on the task card starting with 进度 needs no code; a bad one is told why and changes nothing', async () => {
    const { code, card } = await dispatchOne('补齐安置房手续');
    await h.click('ou_off1', card, '签收');
    // a quote reply, no mention
    await h.say('ou_off1', '进度 60% 已完成3户签约', { chatId: 'oc_msz', replyTo: card });
    await h.drain();
    expect(await getTask(code)).toMatchObject({ progress: 60 });
    expect((await getTask(code)).reports.at(-1)).toMatchObject({ unit: 'MSZ', content: '已完成3户签约' });
    expect(lastText(h.botMessages('oc_msz'))).toContain(`已记录 ${code} 的进度 60%`);
    // in the card's thread, full-width colon and comma
    const env = h.fake.userMessage({ senderOpenId: 'ou_off1', chatType: 'group', chatId: 'oc_msz', text: '进度：70%，已完成4户签约', parentId: card, rootId: card, threadId: 'omt_audit', createTime: h.clock.now().getTime() });
    const s = signRequest(env, { verificationToken: TEST_APP.verificationToken, encryptKey: TEST_APP.encryptKey });
    expect((await h.post('/feishu/events', s.body, s.headers)).status).toBe(200);
    await h.drain();
    const t = await getTask(code);
    expect(t.progress).toBe(70);
    expect(t.reports.at(-1)).toMatchObject({ content: '已完成4户签约' });
    expect(cardText(h.fake.cardOf(card))).toContain('已完成4户签约');
    // impossible or empty: a clear answer, nothing recorded
    await h.say('ou_off1', '进度 140% 全部完成', { chatId: 'oc_msz', replyTo: card });
    await h.drain();
    expect(lastText(h.botMessages('oc_msz'))).toContain('超过 100%');
    await h.say('ou_off1', '进度：', { chatId: 'oc_msz', replyTo: card });
    await h.drain();
    expect(lastText(h.botMessages('oc_msz'))).toContain('进度 60% 已完成3户签约');
    // an official of another unit replying in the thread records nothing
    await h.say('ou_off3', '进度 90% 已完成', { chatId: 'oc_msz', replyTo: card });
    await h.drain();
    const after = await getTask(code);
    expect(after.rev).toBe(t.rev);
    expect(after.progress).toBe(70);
     // with the code written out, on the card and without a mention, it is the 进度 command
    await h.say('ou_off1', `进度 ${code} 75% 已完成5户签约`, { chatId: 'oc_msz', replyTo: card });
    await h.drain();
    expect(await getTask(code)).toMatchObject({ progress: 75 });
    expect((await getTask(code)).reports.at(-1)).toMatchObject({ content: '已完成5户签约' });
  });

  test('派单 alone is refused to people without dispatch scope, with the paste path’s refusal', async () => {
    await h.say('ou_off1', '派单');
    await h.drain();
    const alone = p2p('ou_off1').at(-1)!;
    expect(alone.msg_type).toBe('text');
    await h.say('ou_off1', '派单\n清理河道\n责任单位：梅山镇\n完成时限：12月20日');
    await h.drain();
    const pasted = p2p('ou_off1').at(-1)!;
    expect(lastText([alone])).toContain('只有督导组成员、挂钩市领导和管理员可以派单');
    expect(lastText([alone])).toBe(lastText([pasted]));
    // a supervisor still gets the form
    await h.say('ou_sup1', '派单');
    await h.drain();
    expect(formFields(p2p('ou_sup1').at(-1)!.content).map((f) => f.name)).toContain('co_units');
  });

  test('the dispatch form’s typed 配合单位 accepts names and aliases, trimmed; an unknown name is named and nothing is created', async () => {
    await h.say('ou_sup1', '派单');
    await h.drain();
    const form = p2p('ou_sup1').at(-1)!;
    const count = await h.service.deps.models.tasks.countDocuments();
    const bad = await h.click('ou_sup1', form.message_id, '派发', { title: '表单配合单位', unit: 'MSZ', co_units: '住建局、城管执法局', deadline: '2026-12-20 +0800' });
    expect(bad.toast?.type).toBe('error');
    expect(bad.toast?.content).toContain('城管执法局');
    expect(bad.toast?.content).not.toContain('住建局”');
    expect(await h.service.deps.models.tasks.countDocuments()).toBe(count);
    const ok = await h.click('ou_sup1', form.message_id, '派发', { title: '表单配合单位', unit: 'MSZ', co_units: ' 住建 ， 资源局 、', deadline: '2026-12-20 +0800' });
    expect(ok.toast?.type).toBe('success');
    const code = /DB-2026-\d{4}/.exec(ok.toast!.content)![0];
    expect((await getTask(code)).coUnits).toEqual(['ZJJ', 'ZRZYJ']);
    expect(await h.service.deps.models.tasks.countDocuments()).toBe(count + 1);
  });

  test('刷新 on 我的任务 answers the refreshed list for whoever pressed it', async () => {
    await h.say('ou_off1', '我的任务');
    await h.drain();
    const list = p2p('ou_off1').at(-1)!;
    const { code } = await dispatchOne('新派的巡查任务');
    expect(cardText(list.content)).not.toContain(code);
    const r = await h.click('ou_off1', list.message_id, '刷新');
    expect(r.toast).toMatchObject({ type: 'success', content: '已刷新' });
    expect(cardText(r.card)).toContain(code);
    expect(JSON.stringify(r.card)).toContain('梅山镇'); // the header names the unit
    // someone who is no unit's official is refused, and the card stays as it is
    const sup = await h.click('ou_sup1', list.message_id, '刷新');
    expect(sup.toast?.type).toBe('error');
    expect(sup.toast?.content).toContain('不是单位联络员或负责人');
    expect(sup.card).toBeUndefined();
  });

  test('统计: supervisors, city leaders and admins; officials and observers are refused', async () => {
    const { models } = h.service.deps;
    await models.people.create({ code: 'OB1', name: '纪委观察员', openId: 'ou_obs', roles: [{ kind: 'observer' }], active: true });
    h.service.deps.orgs.invalidate();
    h.fake.addUser({ openId: 'ou_obs', name: '纪委观察员' });
    for (const who of ['ou_off1', 'ou_obs']) {
      await h.say(who, '统计');
      await h.drain();
      const reply = p2p(who).at(-1)!;
      expect(reply.msg_type).toBe('text');
      expect(lastText([reply])).toContain('“统计”供督导组成员、挂钩市领导和管理员使用');
    }
    for (const who of ['ou_sup1', 'ou_leader', 'ou_admin']) {
      await h.say(who, '统计');
      await h.drain();
      expect(p2p(who).at(-1)!.msg_type).toBe('interactive');
    }
  });
});
