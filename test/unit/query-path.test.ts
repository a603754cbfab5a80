/**
 * A query in one write (docs/architecture.md#the-hot-path): which messages the bot answers by
 * reading alone (MessageHandler.query), and how Bot.receive acknowledges them — once the reply is queued
 * (its key, made from the message id, is the claim), nothing marked afterwards; late or failing: an error,
 * so Feishu delivers it again.
 */
import pino from 'pino';
import { Bot, type Handlers } from '../../src/app/bot';
import type { AppDeps } from '../../src/app/deps';
import type { Feature } from '../../src/app/feature';
import type { InboundMessage } from '../../src/app/inbound';
import { messageKey } from '../../src/app/keys';
import { MessageHandler } from '../../src/app/message-handler';
import { replyText } from '../../src/app/notify';
import type { OutboxItem } from '../../src/app/outbox-item';

const official = { openId: 'ou_off', name: '王科长', roles: [{ kind: 'official', unit: 'U1', position: '科长' }] };
const log = pino({ level: 'silent' });

function message(text: string, o: Partial<InboundMessage> = {}): InboundMessage {
  return { type: 'message', eventId: `ev_${text}`, dedupeKeys: [`msg:om_${text}`], senderOpenId: 'ou_off', senderType: 'user', messageId: `om_${text}`, chatId: 'oc_p2p', chatType: 'p2p', msgType: 'text', text, mentions: [], attachments: [], ...o };
}

const wrote: string[] = [];
const feature: Feature = {
  name: 'sample',
  parsed: {
    help: async (m) => [replyText(m, '帮助卡片')],
    my: async (m) => [replyText(m, '我的任务')],
    progress: async (m) => (wrote.push(m.messageId), [replyText(m, '已记录进度')]),
  },
  queries: ['help', 'my'],
  commands: [{ words: ['立项'], handle: async (m) => (wrote.push(m.messageId), [replyText(m, '已立项')]) }],
};
const deps = { orgs: { get: async () => ({ byOpenId: (id: string) => (id === 'ou_off' ? official : undefined) }) }, botOpenId: () => 'ou_bot', log } as unknown as AppDeps;
const handler = new MessageHandler(deps, [feature]);
const textOf = (items: OutboxItem[] | null) => items?.map((i) => (i.content as { text: string }).text);

describe('MessageHandler.query: answered by reading alone', () => {
  test.each([
    ['帮助', '帮助卡片'],
    ['我的任务', '我的任务'],
    ['查询', '请在“查询”后写上督办单编号，例如：查询 DB-2026-0001'], // a usage error
    ['今天天气怎么样', '没有听懂这条消息。发送“帮助”查看您可以使用的命令，例如：我的任务、查询 DB-2026-0001。'],
  ])('%s', async (text, reply) => {
    const items = await handler.query(message(text));
    expect(textOf(items)?.[0]).toContain(reply.slice(0, 8));
    expect(items![0].key).toBe(messageKey('reply', `om_${text}`, 0)); // from the message id: a repeat queues nothing
  });

  test.each([
    ['a command that changes something', message('进度 DB-2026-0001 60% 已完成')],
    ['a feature’s own command word', message('立项 城区道路改造')],
    ['a reply in a thread (a report on a card)', message('帮助', { parentId: 'om_card', rootId: 'om_card' })],
    ['a file', message('帮助', { msgType: 'file' })],
    ['a group message without the @-mention', message('帮助', { chatType: 'group' })],
    ['someone not in the organisation', message('帮助', { senderOpenId: 'ou_stranger' })],
    ['the bot’s own message', message('帮助', { senderType: 'app' })],
    ['a message over the length limit', message(`帮助${'很长'.repeat(80_000)}`)],
  ])('not a query: %s', async (_, m) => {
    expect(await handler.query(m)).toBeNull();
  });

  test('deciding writes nothing', () => {
    expect(wrote).toEqual([]);
  });
});

describe('Bot.receive: a query acknowledged once its reply is queued', () => {
  function botWith(o: { putMs?: number; putError?: Error; answer?: OutboxItem[] | null } = {}) {
    const steps: string[] = [];
    const botDeps = {
      log,
      botOpenId: () => 'ou_bot',
      locks: { owner: 'me' },
      outbox: {
        put: async (items: OutboxItem[]) => {
          await new Promise((r) => setTimeout(r, o.putMs ?? 0));
          if (o.putError) throw o.putError;
          steps.push(`put ${items.map((i) => i.key).join(',')}`);
        },
      },
      claims: {
        knownDone: () => false,
        remember: (ids: string[]) => void steps.push(`remember ${ids.join(',')}`),
        add: async (claims: unknown[]) => (steps.push('claim'), claims.map(() => true)),
        done: async () => void steps.push('done'),
      },
    } as unknown as AppDeps;
    const h: Handlers = {
      onMessage: async () => void steps.push('onMessage'),
      onCard: async () => ({ toast: { type: 'success', content: '' } }),
      query: async (m) => (o.answer === undefined ? [replyText(m, '帮助卡片')] : o.answer),
    };
    return { bot: new Bot(botDeps, h, 200), steps };
  }

  test('one write: the reply queued (its key is its claim); the ids remembered here; no claim, no done mark', async () => {
    const { bot, steps } = botWith();
    expect(await bot.receive(message('帮助'))).toEqual({});
    expect(steps).toEqual([`put ${messageKey('reply', 'om_帮助', 0)}`, 'remember ev_帮助,msg:om_帮助']);
  });

  test('not a query: the full path (claimed, then handled)', async () => {
    const { bot, steps } = botWith({ answer: null });
    await bot.receive(message('进度 DB-2026-0001 60% 已完成'));
    expect(steps.slice(0, 2)).toEqual(['claim', 'onMessage']);
  });

  test('the reply not queued: answered with an error (Feishu delivers it again), nothing recorded', async () => {
    const { bot, steps } = botWith({ putError: new Error('db down') });
    await expect(bot.receive(message('帮助'))).rejects.toThrow('db down');
    expect(steps).toEqual([]);
  });

  test('not durable within the budget: answered with an error; the work still finishes, safe to repeat', async () => {
    const { bot, steps } = botWith({ putMs: 400 });
    await expect(bot.receive(message('帮助'))).rejects.toThrow('query not answered within 200 ms');
    await new Promise((r) => setTimeout(r, 400));
    expect(steps).toEqual([`put ${messageKey('reply', 'om_帮助', 0)}`, 'remember ev_帮助,msg:om_帮助']);
  });
});
