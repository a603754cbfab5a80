import { cardButtons, cardText, findButton } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
});
afterAll(() => h.close());

const ORDER = `派单
1. 推进茂盛路征迁扫尾
责任单位：梅山镇
配合单位：住建局
完成时限：12月15日前
工作要求：本周内完成剩余3户签约
优先级：紧急

2. 整改住建领域安全隐患
责任单位：住建局
完成时限：12月20日
工作要求：完成全部隐患整改销号`;

/** The roll-up card's entry for one task as it shows now: the line with its code and the next (unit｜state｜deadline). */
const rollupLine = (messageId: string, code: string) => new RegExp(`${code}.*\\n.*`).exec(cardText(h.fake.cardOf(messageId)))?.[0] ?? '';

/** The text tags in a card's header (the task card shows its state there). */
const tagsOf = (card: unknown) => ((card as { header?: { text_tag_list?: { text: { content: string } }[] } }).header?.text_tag_list ?? []).map((t) => t.text.content);

const adminGet = async (path: string) => {
  const r = await fetch(h.base + path, { headers: { authorization: 'Bearer test-admin-token-123456' } });
  return { status: r.status, json: (await r.json()) as Record<string, any> };
};

describe('dispatch → sign → progress → close, end to end', () => {
  test('the whole closed loop through signed events and card callbacks', async () => {
    // a supervisor pastes two tasks in the group chat
    const sent = await h.say('ou_sup1', ORDER, { chatId: 'oc_g1' });
    expect(sent.status).toBe(200);
    await h.drain();
    const preview = h.botMessages('oc_g1').at(-1)!;
    expect(preview.msg_type).toBe('interactive');
    expect(cardButtons(preview.content).map((b) => b.text)).toEqual(expect.arrayContaining(['确认派发', '取消']));
    expect(await h.service.deps.models.tasks.countDocuments()).toBe(0); // nothing before confirming

    const confirm = await h.click('ou_sup1', preview.message_id, '确认派发');
    expect(confirm.toast).toMatchObject({ type: 'success' });
    expect(confirm.toast!.content).toContain('DB-2026-0001');
    // confirming again creates nothing more
    const again = await h.click('ou_sup1', preview.message_id, '确认派发').catch(() => null);
    expect(again === null || again.toast?.type === 'warning').toBe(true);
    await h.drain();
    expect(await h.service.deps.models.tasks.countDocuments()).toBe(2);

    // units' chats get their task cards; the group chat gets one roll-up card
    const mszCard = h.botMessages('oc_msz').find((m) => cardText(m.content).includes('推进茂盛路征迁扫尾'))!;
    expect(mszCard).toBeDefined();
    expect(findButton(mszCard.content, '签收')).toBeDefined();
    const zjjCards = h.botMessages('oc_zjj');
    expect(zjjCards.length).toBe(2); // co-unit copy of task 1, lead copy of task 2
    const rollup = h.botMessages('oc_g1').at(-1)!;
    expect(cardText(rollup.content)).toContain('DB-2026-0001');
    expect(cardText(rollup.content)).toContain('DB-2026-0002');

    // the official signs
    const signed = await h.click('ou_off1', mszCard.message_id, '签收');
    expect(signed.toast).toMatchObject({ type: 'success', content: '已签收' });
    expect(findButton(signed.card, '反馈进度')).toBeDefined();
    // a stale second click is a warning and changes nothing
    const stale = await h.click('ou_off1', mszCard.message_id, '签收').catch(() => ({ toast: { type: 'warning', content: '' } }));
    expect(stale.toast?.type).toBe('warning');
    await h.drain();
    expect(findButton(h.fake.cardOf(mszCard.message_id), '反馈进度')).toBeDefined();
    // every copy shows the step, not only at close: the co-unit's copy and the group's roll-up
    const zjjCopy = zjjCards.find((m) => cardText(m.content).includes('推进茂盛路征迁扫尾'))!;
    expect(tagsOf(zjjCopy.versions[0].content)).toContain('待签收');
    expect(tagsOf(h.fake.cardOf(zjjCopy.message_id))).toContain('办理中');
    expect(tagsOf(h.fake.cardOf(zjjCopy.message_id))).not.toContain('待签收');
    expect(cardText(h.fake.cardOf(zjjCopy.message_id))).toMatch(/李联络 签收/);
    expect(rollupLine(rollup.message_id, 'DB-2026-0001')).toContain('办理中');
    expect(rollupLine(rollup.message_id, 'DB-2026-0002')).toContain('待签收');

    // progress by the card form
    const opened = await h.click('ou_off1', mszCard.message_id, '反馈进度');
    expect(opened.card).toBeDefined();
    expect(JSON.stringify(opened.card)).toContain('"name":"progress"');
    // a wrong value is refused with the form shown again, nothing recorded
    const bad = await h.click('ou_off1', mszCard.message_id, '反馈进度', { progress: '140', content: '已完成1户签约' });
    expect(bad.toast).toMatchObject({ type: 'error' });
    const progressForm = await h.click('ou_off1', mszCard.message_id, '反馈进度', { progress: '40', content: '已完成1户签约' });
    expect(progressForm.toast).toMatchObject({ type: 'success' });
    await h.drain();
    expect(cardText(h.fake.cardOf(mszCard.message_id))).toContain('已完成1户签约');
    expect(cardText(h.fake.cardOf(zjjCopy.message_id))).toContain('已完成1户签约');
    expect(cardText(h.fake.cardOf(zjjCopy.message_id))).toContain('40%');
    expect(rollupLine(rollup.message_id, 'DB-2026-0001')).toContain('办理中');

    // progress by a thread reply with an image
    const imageKey = h.fake.addResource(Buffer.from('png-bytes'), { type: 'image' });
    await h.say('ou_off1', '', { chatId: 'oc_msz', replyTo: mszCard.message_id, messageType: 'image', content: { image_key: imageKey } });
    await h.say('ou_off1', '已完成3户签约 80%', { chatId: 'oc_msz', replyTo: mszCard.message_id });
    await h.drain();
    const t1 = (await adminGet('/api/tasks/DB-2026-0001')).json;
    expect(t1.progress).toBe(80);
    expect(t1.reports.some((r: any) => r.evidence.some((e: any) => e.kind === 'image' && e.key === imageKey))).toBe(true);
    expect(cardText(h.fake.cardOf(mszCard.message_id))).toContain('已完成3户签约');
    expect(cardText(h.fake.cardOf(zjjCopy.message_id))).toContain('已完成3户签约');
    expect(cardText(h.fake.cardOf(zjjCopy.message_id))).toContain('80%');

    // 申请办结 → the group reviews → 审核通过
    const submit = await h.click('ou_off1', mszCard.message_id, '申请办结', { content: '3户全部签约，已腾空' });
    expect(submit.toast).toMatchObject({ type: 'success' });
    await h.drain();
    const review = h.botMessages('oc_g1').find((m) => findButton(m.content, '审核通过'))!;
    expect(review).toBeDefined();
    const approved = await h.click('ou_sup1', review.message_id, '审核通过');
    expect(approved.toast).toMatchObject({ type: 'success' });
    await h.drain();

    const done = (await adminGet('/api/tasks/DB-2026-0001')).json;
    expect(done.state).toBe('closed');
    expect(done.history.map((x: any) => x.action)).toEqual(['dispatch', 'accept', 'progress', 'progress', 'progress', 'submit', 'approve']);
    for (const e of done.history) {
      expect(e.by).toMatch(/^(P1|O1)$/);
      expect(new Date(e.at).toISOString()).toBe(e.at);
    }
    // every copy shows the closed state
    expect(cardText(h.fake.cardOf(mszCard.message_id))).toContain('已办结');
    expect(cardButtons(h.fake.cardOf(mszCard.message_id)).filter((b) => !b.disabled)).toHaveLength(0);
    expect(cardText(h.fake.cardOf(zjjCopy.message_id))).toContain('已办结');
    expect(cardText(h.fake.cardOf(rollup.message_id))).toMatch(/已办结/);
    expect(h.fake.patchesOf(mszCard.message_id).length).toBeGreaterThan(3);
  }, 60_000);

  test('a table pasted from Excel (cells by tab) in the group chat gives a preview of its rows', async () => {
    const count = await h.service.deps.models.tasks.countDocuments();
    const table = ['派单', '事项\t责任单位\t完成时限\t备注', '清理背街小巷垃圾\t梅山镇\t12月18日\t', '修复破损路灯\t住建局\t12月22日\t夜间施工'].join('\n');
    await h.say('ou_sup1', table, { chatId: 'oc_g1' });
    await h.drain();
    const preview = h.botMessages('oc_g1').at(-1)!;
    expect(preview.msg_type).toBe('interactive');
    const text = cardText(preview.content);
    expect(text).toContain('清理背街小巷垃圾');
    expect(text).toContain('修复破损路灯');
    expect(text).toMatch(/2\s*项/);
    expect(cardButtons(preview.content).map((b) => b.text)).toEqual(expect.arrayContaining(['确认派发', '取消']));
    const previewId = (findButton(preview.content, '确认派发')!.value as { p: string }).p;
    const doc = await h.service.deps.models.previews.findById(previewId).lean<{ drafts: { title: string; leadUnit: string; deadline: string }[] }>();
    expect(doc!.drafts.map((d) => [d.title, d.leadUnit, d.deadline])).toEqual([
      ['清理背街小巷垃圾', 'MSZ', '2026-12-18'],
      ['修复破损路灯', 'ZJJ', '2026-12-22'],
    ]);
    expect(await h.service.deps.models.tasks.countDocuments()).toBe(count); // nothing before confirming
  });

  test('every document the flow wrote, in every collection, carries its schemaVersion', async () => {
    const db = h.service.conn.db!;
    const missing: string[] = [];
    const written: string[] = [];
    for (const c of await db.listCollections().toArray()) {
      const docs = await db.collection(c.name).find({}).toArray();
      if (docs.length) written.push(c.name);
      for (const d of docs) if (typeof d.schemaVersion !== 'number') missing.push(`${c.name} ${String(d._id)}`);
    }
    expect(written).toEqual(expect.arrayContaining(['tasks', 'outbox', 'processed_events', 'card_messages', 'card_refs', 'previews', 'counters', 'units', 'people']));
    expect(missing).toEqual([]);
  });
});
