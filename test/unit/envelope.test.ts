/** envelope.ts: Feishu payloads → Inbound, message text without mentions, attachments. */
import { messageAttachments, messageText, parseEvent, toInbound, type FeishuMessage as InboundMessage } from '../../src/adapters/feishu/envelope';
import type { InboundMessage as AppMessage } from '../../src/app/inbound';
import { botAdded, botMention, cardAction, messageEvent, oldCardAction } from '../fake-feishu';

const parse = (env: object, key = 'k') => parseEvent(JSON.parse(JSON.stringify(env)), key);
const msg = (o: Parameters<typeof messageEvent>[0]) => parse(messageEvent(o)) as InboundMessage;

describe('toInbound: im.message.receive_v1', () => {
  test('every field of a group text message', () => {
    const env = messageEvent({ eventId: 'ev-1', senderOpenId: 'ou_a', chatType: 'group', chatId: 'oc_g', text: '查询 DB-2026-0001', mentions: [botMention()], messageId: 'om_1', rootId: 'om_r', parentId: 'om_p', threadId: 'omt_t', createTime: 1_700_000_000_000 });
    expect(parse(env)).toEqual({
      type: 'message',
      eventId: 'ev-1',
      senderOpenId: 'ou_a',
      senderType: 'user',
      messageId: 'om_1',
      rootId: 'om_r',
      parentId: 'om_p',
      threadId: 'omt_t',
      chatId: 'oc_g',
      chatType: 'group',
      messageType: 'text',
      content: { text: '@_user_1 查询 DB-2026-0001' },
      mentions: [{ key: '@_user_1', openId: 'ou_bot', name: '督导助手' }],
      createTime: 1_700_000_000_000,
    });
  });

  test('a missing event id falls back to the dedupe key; missing fields get safe defaults', () => {
    const m = parse({ schema: '2.0', header: { event_type: 'im.message.receive_v1' }, event: {} }, 'ev:x') as InboundMessage;
    expect(m).toMatchObject({ type: 'message', eventId: 'ev:x', senderOpenId: '', messageId: '', chatId: '', chatType: 'group', messageType: 'text', content: {}, mentions: [] });
    expect(m.createTime).toBeUndefined();
  });

  test('content that is not JSON (or not an object) becomes {}', () => {
    const env = messageEvent({ senderOpenId: 'ou_a', chatType: 'p2p', text: 'x' });
    env.event.message.content = '{not json';
    expect((parse(env) as InboundMessage).content).toEqual({});
    env.event.message.content = '[1,2]';
    expect((parse(env) as InboundMessage).content).toEqual({});
  });
});

describe('messageText: mentions stripped, spaces collapsed', () => {
  const text = (t: string, mentions: { key: string }[] = []) => messageText({ messageType: 'text', content: { text: t }, mentions } as unknown as InboundMessage);

  test.each([
    ['@_user_1 查询 DB-2026-0001', ['@_user_1'], '查询 DB-2026-0001'],
    ['查询 @_user_1 DB-2026-0001', ['@_user_1'], '查询 DB-2026-0001'],
    ['查询 DB-2026-0001 @_user_1', ['@_user_1'], '查询 DB-2026-0001'],
    ['@_user_1@_user_2 帮助', ['@_user_1', '@_user_2'], '帮助'],
    ['@_all 大家好', ['@_all'], '大家好'],
    ['  帮助\u3000 一下  ', [], '帮助 一下'],
    ['  帮助\u3000\t 一下  ', [], '帮助\t一下'], // a tab stays a tab (table cells), the spaces around it go
    ['第一行  \n  第二行', [], '第一行\n第二行'],
  ])('%j → %j', (t, keys, want) => {
    expect(text(t, keys.map((key) => ({ key })))).toBe(want);
  });

  test('a real event: @bot in a group', () => {
    expect(messageText(msg({ senderOpenId: 'ou_a', chatType: 'group', chatId: 'oc_g', text: '我的任务', mentions: [botMention()] }))).toBe('我的任务');
  });

  test('ten or more mentions: @_user_1 does not eat the front of @_user_10', () => {
    const keys = Array.from({ length: 10 }, (_, i) => ({ key: `@_user_${i + 1}` }));
    expect(text('@_user_10 帮助', keys)).toBe('帮助');
  });

  test('a table pasted from Excel/WPS keeps its tabs, empty cells included', () => {
    const pasted = '@_user_1 派单\n事项\t责任单位\t完成时限\t备注\n推进征迁扫尾 \t 梅山镇\t12月15日\t\n整改安全隐患\t住建局\t\t已部署';
    expect(text(pasted, [{ key: '@_user_1' }])).toBe('派单\n事项\t责任单位\t完成时限\t备注\n推进征迁扫尾\t梅山镇\t12月15日\t\n整改安全隐患\t住建局\t\t已部署');
  });

  test('a message of another type has no text', () => {
    expect(messageText({ messageType: 'image', content: { image_key: 'img_1' }, mentions: [] } as unknown as InboundMessage)).toBe('');
  });
});

describe('messageText: post messages', () => {
  const post = (content: unknown, mentions: { key: string }[] = []) => messageText({ messageType: 'post', content, mentions } as InboundMessage);
  const body = {
    title: '进度',
    content: [
      [{ tag: 'at', user_id: '@_user_1', user_name: '督导助手' }, { tag: 'text', text: ' 已完成 ' }, { tag: 'a', text: '链接', href: 'https://x' }],
      [{ tag: 'img', image_key: 'img_1' }],
      [{ tag: 'text', text: '80%' }],
    ],
  };

  test('title and paragraphs, at-tags and images dropped', () => {
    expect(post(body, [{ key: '@_user_1' }])).toBe('进度\n已完成 链接\n80%');
  });

  test('the same post inside a locale wrapper (zh_cn / en_us)', () => {
    expect(post({ zh_cn: body }, [{ key: '@_user_1' }])).toBe('进度\n已完成 链接\n80%');
    expect(post({ en_us: { content: [[{ tag: 'text', text: 'done' }]] } })).toBe('done');
  });

  test('an empty or odd post gives no text', () => {
    expect(post({})).toBe('');
    expect(post({ content: 'nope' })).toBe('');
    expect(post({ content: [null, [{ tag: 'unknown', text: 'x' }]] })).toBe('');
  });
});

describe('messageAttachments', () => {
  test('image, file, and every image in a post (locale-wrapped too)', () => {
    expect(messageAttachments(msg({ senderOpenId: 'ou_a', chatType: 'p2p', content: { image_key: 'img_1' } }))).toEqual([{ kind: 'image', key: 'img_1' }]);
    expect(messageAttachments(msg({ senderOpenId: 'ou_a', chatType: 'p2p', content: { file_key: 'file_1', file_name: '报告.pdf' } }))).toEqual([{ kind: 'file', key: 'file_1', name: '报告.pdf' }]);
    const postContent = { zh_cn: { title: 't', content: [[{ tag: 'img', image_key: 'img_a' }, { tag: 'text', text: 'x' }], [{ tag: 'img', image_key: 'img_b' }]] } };
    expect(messageAttachments(msg({ senderOpenId: 'ou_a', chatType: 'p2p', messageType: 'post', content: postContent }))).toEqual([
      { kind: 'image', key: 'img_a' },
      { kind: 'image', key: 'img_b' },
    ]);
  });

  test('text, stickers and keys of the wrong type carry none', () => {
    expect(messageAttachments(msg({ senderOpenId: 'ou_a', chatType: 'p2p', text: 'hi' }))).toEqual([]);
    expect(messageAttachments(msg({ senderOpenId: 'ou_a', chatType: 'p2p', messageType: 'sticker', content: { file_key: 'f' } }))).toEqual([]);
    expect(messageAttachments(msg({ senderOpenId: 'ou_a', chatType: 'p2p', messageType: 'image', content: { image_key: 5 } }))).toEqual([]);
  });
});

describe('toInbound: card callbacks', () => {
  test('card.action.trigger (2.0): operator, value, form, context, update token', () => {
    const env = cardAction({ eventId: 'ev-c', operatorOpenId: 'ou_a', value: { a: 'task.accept', v: 1 }, formValue: { progress: '40' }, name: 'btn', inputValue: 'typed', option: 'opt', openMessageId: 'om_c', openChatId: 'oc_c', token: 'c-tok' });
    expect(parse(env)).toEqual({
      type: 'card', eventId: 'ev-c', operatorOpenId: 'ou_a', value: { a: 'task.accept', v: 1 }, formValue: { progress: '40' }, name: 'btn', tag: 'button',
      option: 'opt', inputValue: 'typed', messageId: 'om_c', chatId: 'oc_c', token: 'c-tok', format: 'v2',
    });
  });

  test('the old format: the dedupe key is its id; a value sent as a JSON string is parsed', () => {
    const body = oldCardAction({ operatorOpenId: 'ou_a', value: { a: 'x' }, openMessageId: 'om_o', openChatId: 'oc_o', token: 'c-old' });
    expect(parse(body, 'card1:abc')).toMatchObject({ type: 'card', eventId: 'card1:abc', operatorOpenId: 'ou_a', value: { a: 'x' }, messageId: 'om_o', chatId: 'oc_o', token: 'c-old', format: 'v1' });
    const stringValue = { ...body, action: { ...body.action, value: '{"a":"y"}' } };
    expect(parse(stringValue)).toMatchObject({ value: { a: 'y' } });
    const plainString = { ...body, action: { ...body.action, value: 'just text' } };
    expect(parse(plainString)).toMatchObject({ value: 'just text' });
  });
});

describe('toInbound: other events', () => {
  test('schema 2.0 events other than messages and cards keep their type and chat', () => {
    expect(parse(botAdded('oc_new', { eventId: 'ev-b' }))).toEqual({ type: 'other', eventId: 'ev-b', eventType: 'im.chat.member.bot.added_v1', chatId: 'oc_new' });
  });

  test('a legacy 1.0 event: uuid and event.type', () => {
    expect(parse({ uuid: 'u-1', type: 'event_callback', event: { type: 'message' } })).toEqual({ type: 'other', eventId: 'u-1', eventType: 'message' });
    expect(parse({ type: 'event_callback' }, 'ev:z')).toEqual({ type: 'other', eventId: 'ev:z', eventType: 'unknown' });
  });
});

describe('toInbound: the app\'s normalised message', () => {
  const norm = (o: Parameters<typeof messageEvent>[0]) => toInbound(JSON.parse(JSON.stringify(messageEvent(o))), 'k') as AppMessage;

  test('text without mentions, reply target, dedupe keys; no raw content', () => {
    const m = norm({ eventId: 'ev-1', senderOpenId: 'ou_a', chatType: 'group', chatId: 'oc_g', text: '查询 DB-2026-0001', mentions: [botMention()], messageId: 'om_1', rootId: 'om_r', parentId: 'om_p' });
    expect(m).toMatchObject({ type: 'message', eventId: 'ev-1', dedupeKeys: ['msg:om_1'], msgType: 'text', text: '查询 DB-2026-0001', attachments: [], parentId: 'om_p', rootId: 'om_r' });
    expect(m).not.toHaveProperty('content');
    expect(m.location).toBeUndefined();
    expect(m.file).toBeUndefined();
  });

  test('images, files and locations arrive filled in', () => {
    expect(norm({ senderOpenId: 'ou_a', chatType: 'p2p', content: { image_key: 'img_1' } })).toMatchObject({ msgType: 'image', text: '', attachments: [{ kind: 'image', key: 'img_1' }] });
    expect(norm({ senderOpenId: 'ou_a', chatType: 'p2p', content: { file_key: 'file_1', file_name: '报告.pdf' } })).toMatchObject({ msgType: 'file', file: { key: 'file_1', name: '报告.pdf' }, attachments: [{ kind: 'file', key: 'file_1', name: '报告.pdf' }] });
    const place = { name: '茂盛路', address: '宁波市鄞州区茂盛路 1 号', latitude: '29.8', longitude: '121.55' };
    expect(norm({ senderOpenId: 'ou_a', chatType: 'p2p', messageType: 'location', content: place }).location).toEqual({ name: '茂盛路', address: '宁波市鄞州区茂盛路 1 号', latitude: 29.8, longitude: 121.55 });
    expect(norm({ senderOpenId: 'ou_a', chatType: 'p2p', messageType: 'location', content: { ...place, latitude: 'north' } }).location).toBeUndefined();
  });

  test('a message without an id is deduplicated by its event id alone', () => {
    expect((toInbound({ schema: '2.0', header: { event_type: 'im.message.receive_v1', event_id: 'ev-9' }, event: {} }, 'k') as AppMessage).dedupeKeys).toEqual([]);
  });
});
