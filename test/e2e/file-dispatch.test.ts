import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { cardButtons, cardText } from '../../src/cards/inspect';
import { LIMITS } from '../../src/limits';
import { startHarness, type Harness } from '../support/harness';
import { NOTICE_ITEMS, noticeDocxTable, noticeXlsx, pastedTable } from '../support/notice-files';

/**
 * Dispatch from a file, end to end (docs/rules.md#dispatch-from-a-file): the file is sent in the group,
 * a supervisor replies `派单` with the @-mention; or the file goes to the bot directly and the
 * supervisor presses 按此文件派单. Everything goes through signed events and the fake Feishu.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
});
afterAll(() => h.close());

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures/files', name));

/** A person sends a file in a chat (no mention: the bot sees it only when asked). */
async function sendFile(openId: string, name: string, bytes: Buffer, chatId = 'oc_g1'): Promise<string> {
  const key = h.fake.addResource(bytes, { type: 'file', fileName: name });
  const r = await h.say(openId, '', { chatId, messageType: 'file', content: { file_key: key, file_name: name }, mention: false });
  expect(r.status).toBe(200);
  await h.drain();
  return r.messageId;
}

const HOLDING = '正在读取文件';
const isHolding = (m: { msg_type: string; content: unknown }) => m.msg_type === 'text' && (m.content as { text: string }).text.startsWith(HOLDING);

/**
 * The bot's answer to a message, past the holding reply: a slow read is answered after Feishu's
 * 3-second budget, in the background, so this waits for it (by what arrives, never by a fixed time).
 */
async function answerTo(chatId: string, messageId: string) {
  for (;;) {
    await h.drain();
    const answer = h.fake.messagesIn(chatId).filter((m) => m.fromBot && m.parent_id === messageId && !isHolding(m)).at(-1);
    if (answer) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Replies `@督导助手 派单` to a message; the bot's answer. */
async function replyDispatch(openId: string, to: string, chatId = 'oc_g1') {
  const r = await h.say(openId, '派单', { chatId, replyTo: to, mention: true });
  expect(r.status).toBe(200);
  return answerTo(chatId, r.messageId);
}

/** A card's words without its buttons' values (the preview id differs between two previews). */
const words = (card: unknown) => cardText(card);

describe('a file becomes the same preview as its text pasted', () => {
  let pastedPreview: string;
  beforeAll(async () => {
    const r = await h.say('ou_sup1', `派单\n${pastedTable()}`, { chatId: 'oc_g1' });
    await h.drain();
    const answer = h.fake.messagesIn('oc_g1').filter((m) => m.fromBot && m.parent_id === r.messageId).at(-1)!;
    expect(answer.msg_type).toBe('interactive');
    pastedPreview = words(answer.content);
  });

  test.each([
    ['通知.docx', () => noticeDocxTable()],
    ['清单.xlsx', () => noticeXlsx()],
    ['通知.pdf', async () => fixture('notice.pdf')],
    // the same .docx saved by LibreOffice as Word 97 and exported as PDF (test/fixtures/files/README.md)
    ['通知.doc', async () => fixture('notice.doc')],
    ['通知（办公软件导出）.pdf', async () => fixture('notice-office.pdf')],
  ])('%s', async (name, make) => {
    const file = await sendFile('ou_sup1', name, await make());
    const answer = await replyDispatch('ou_sup1', file);
    expect(answer.msg_type).toBe('interactive'); // a preview, not the form card a bare 派单 opens
    expect(cardButtons(answer.content).map((b) => b.text)).toEqual(expect.arrayContaining(['确认派发', '取消']));
    expect(words(answer.content)).toBe(pastedPreview);
  });

  test('confirmed, every task keeps the file as its evidence of origin (card and API)', async () => {
    const bytes = await noticeDocxTable(NOTICE_ITEMS.slice(0, 2));
    const file = await sendFile('ou_sup1', '第二批通知.docx', bytes);
    const preview = await replyDispatch('ou_sup1', file);
    const confirm = await h.click('ou_sup1', preview.message_id, '确认派发');
    expect(confirm.toast).toMatchObject({ type: 'success' });
    await h.drain();
    const codes = /已派发 2 项：(\S+)、(\S+)/.exec(confirm.toast!.content)!.slice(1);
    const fileKey = (h.fake.message(file)!.content as { file_key: string }).file_key;
    for (const code of codes) {
      const r = await fetch(`${h.base}/api/tasks/${code}`, { headers: { authorization: 'Bearer test-admin-token-123456' } });
      const task = (await r.json()) as { sourceFile?: Record<string, unknown> };
      expect(task.sourceFile).toEqual({ messageId: file, fileKey, name: '第二批通知.docx', sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
    }
    const card = h.botMessages('oc_msz').find((m) => cardText(m.content).includes('茂盛路征迁扫尾') && cardText(m.content).includes('第二批通知.docx'));
    expect(card).toBeDefined();
  });
});

describe('problems and files that cannot be read', () => {
  test('an unknown unit names the sheet row; nothing is created', async () => {
    const before = await h.service.deps.models.previews.countDocuments();
    const items = [...NOTICE_ITEMS.slice(0, 2), { title: '河道保洁整治', unit: '火星局', deadline: '12月25日前' }];
    const answer = await replyDispatch('ou_sup1', await sendFile('ou_sup1', '清单.xlsx', await noticeXlsx(items)));
    expect(answer.msg_type).toBe('text');
    const text = (answer.content as { text: string }).text;
    expect(text).toContain('已读取《清单.xlsx》，派单未创建');
    expect(text).toMatch(/工作表“督办清单”第6行：.*火星局/);
    expect(await h.service.deps.models.previews.countDocuments()).toBe(before);
  });

  test('a scanned PDF gets the honest answer', async () => {
    const answer = await replyDispatch('ou_sup1', await sendFile('ou_sup1', '扫描件.pdf', fixture('scan.pdf')));
    expect((answer.content as { text: string }).text).toContain('没有文字层');
  });

  test('a real .xls gets the save-as answer', async () => {
    const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(1024)]);
    const answer = await replyDispatch('ou_sup1', await sendFile('ou_sup1', '清单.xls', ole));
    expect((answer.content as { text: string }).text).toContain('请另存为 .xlsx 后重新发送');
  });

  test('a file over the size limit is refused from its Content-Length', async () => {
    const big = Buffer.alloc(LIMITS.fileBytes + 1, 0x20);
    const answer = await replyDispatch('ou_sup1', await sendFile('ou_sup1', '超大.docx', big));
    expect((answer.content as { text: string }).text).toMatch(/文件大小 31,457,281 字节，超过上限 31,457,280 字节/);
  });

  test('an official may not dispatch from a file', async () => {
    const file = await sendFile('ou_off1', '通知.docx', await noticeDocxTable(), 'oc_msz');
    const answer = await replyDispatch('ou_off1', file, 'oc_msz');
    expect((answer.content as { text: string }).text).toContain('只有督导组成员');
  });

  test('a bare 派单 (not a reply to a file) still opens the form card', async () => {
    const r = await h.say('ou_sup1', '派单', { chatId: 'oc_g1' });
    await h.drain();
    const answer = h.fake.messagesIn('oc_g1').filter((m) => m.fromBot && m.parent_id === r.messageId).at(-1)!;
    expect(cardButtons(answer.content).map((b) => b.text)).toContain('派发');
  });
});

describe('a file sent to the bot directly', () => {
  test('a supervisor gets 按此文件派单, which makes the preview', async () => {
    const chat = h.fake.p2pChatOf('ou_sup1');
    const file = await sendFile('ou_sup1', '通知.docx', await noticeDocxTable(), chat);
    const offer = h.fake.messagesIn(chat).filter((m) => m.fromBot && m.parent_id === file).at(-1)!;
    expect(cardButtons(offer.content).map((b) => b.text)).toEqual(['按此文件派单']);
    const pressed = await h.click('ou_sup1', offer.message_id, '按此文件派单');
    // the read may outlast the callback's budget: then the toast says it is under way
    expect(['success', 'info']).toContain(pressed.toast?.type);
    const preview = await answerTo(chat, offer.message_id);
    expect(cardButtons(preview.content).map((b) => b.text)).toEqual(expect.arrayContaining(['确认派发', '取消']));
    expect(cardText(preview.content)).toContain('河道保洁整治');
  });

  test('someone who may not dispatch gets no card', async () => {
    const chat = h.fake.p2pChatOf('ou_off1');
    const file = await sendFile('ou_off1', '通知.docx', await noticeDocxTable(), chat);
    const answers = h.fake.messagesIn(chat).filter((m) => m.fromBot && m.parent_id === file);
    expect(answers.every((m) => !cardButtons(m.content).some((b) => b.text === '按此文件派单'))).toBe(true);
  });
});
