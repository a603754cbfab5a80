/**
 * Live cards through the outbox: updates of one card collapse to the latest; past Feishu's 14-day edit limit
 * a fresh copy replaces the old one, as a reply quoting it (a plain send when the old card is gone).
 */
import { OutboxWorker } from '../../src/adapters/feishu/outbox-worker';
import { Locks } from '../../src/adapters/mongo/lock';
import type { CardMessageDoc } from '../../src/adapters/mongo/models/card-messages';
import { cardText } from '../../src/cards/inspect';
import { createLogger } from '../../src/log';
import { FeishuMessenger } from '../../src/adapters/feishu/messenger';
import { startHarness, TEST_APP, type Harness } from '../support/harness';
import { ONE_TASK_ORDER } from '../support/factories';

const DAY = 86_400_000;
const ORDER = ONE_TASK_ORDER;

let h: Harness;
let unitCard: string;
let groupCard: string;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
  await h.say('ou_sup1', ORDER, { chatId: 'oc_g1' });
  await h.drain();
  const preview = h.botMessages('oc_g1').at(-1)!;
  await h.click('ou_sup1', preview.message_id, '确认派发');
  await h.drain();
  unitCard = h.botMessages('oc_msz').find((m) => cardText(m.content).includes('推进茂盛路征迁扫尾'))!.message_id;
  groupCard = h.botMessages('oc_g1').at(-1)!.message_id; // the group's live copy (task or roll-up card)
  await h.click('ou_off1', unitCard, '签收');
  await h.drain();
}, 60_000);
afterAll(() => h.close());

const patches = (messageId: string) => h.fake.calls({ method: 'PATCH', path: `/open-apis/im/v1/messages/${messageId}` }).filter((c) => c.status === 200);
const report = (text: string) => h.say('ou_off1', text, { chatId: 'oc_msz', replyTo: unitCard });
const copy = (id: string) => h.service.deps.models.cardMessages.findById(id).lean<CardMessageDoc>();
const cards = (chatId: string) => h.botMessages(chatId).filter((m) => m.msg_type === 'interactive');

describe('card updates', () => {
  test('5 quick task changes: fewer PATCHes than changes, and the card shows the last one', async () => {
    const before = patches(unitCard).length;
    const groupCardBefore = patches(groupCard).length;
    for (let i = 1; i <= 5; i++) expect((await report(`第${i}次进展 ${i * 10}%`)).status).toBe(200);
    expect((await h.service.deps.tasks.get('DB-2026-0001'))?.progress).toBe(50);
    await h.drain();
    const made = patches(unitCard).length - before;
    expect(made).toBeGreaterThanOrEqual(1);
    expect(made).toBeLessThan(5);
    expect(cardText(h.fake.cardOf(unitCard))).toContain('第5次进展');
    expect(patches(groupCard).length - groupCardBefore).toBeLessThan(5);
    expect(await h.service.deps.models.outbox.countDocuments({ kind: 'patch', status: 'superseded' })).toBeGreaterThanOrEqual(4);
  });

  // a worker whose machine clock is `days` on: copies older than that are past the edit window before Feishu says so
  const workerAt = (days: number) => {
    const { models, outbox } = h.service.stores;
    return new OutboxWorker({
      models, store: outbox, locks: new Locks(models.locks), log: createLogger('silent'),
      renderer: h.service.worker['o'].renderer, // the service's own card views
      messenger: new FeishuMessenger({ appId: TEST_APP.appId, appSecret: TEST_APP.appSecret, domain: h.fake.url, timeoutMs: 1500 }),
      now: () => Date.now() + days * DAY,
    });
  };
  const groupRow = async (key: string) => {
    const c0 = (await copy(groupCard))!;
    return { key, kind: 'patch' as const, messageId: groupCard, msgType: 'interactive' as const, render: { card: c0.ref.startsWith('order:') ? 'rollup' : 'task', ref: c0.ref, view: c0.view }, lane: `msg:${groupCard}` };
  };
  const liveCopies = async (ref: string) => (await h.service.deps.models.cardRefs.findById(ref).lean<{ copies: { messageId: string }[] }>())?.copies.map((c) => c.messageId) ?? [];

  test('a patch queued before a replacement follows it to the fresh copy (no second fresh card)', async () => {
    const { outbox } = h.service.deps;
    const later = workerAt(15);
    const row = groupRow;
    const c0 = (await copy(groupCard))!;
    const cardsBefore = cards('oc_g1').length;

    await outbox.put([await row('chain-1')]);
    await later.drain(20_000);
    const fresh = (await copy(groupCard))!.replacedBy!;
    expect(fresh).toBeDefined();
    expect(cards('oc_g1')).toHaveLength(cardsBefore + 1);
    // the fresh card quotes the old one, so it shows under it in the chat, not in a side thread
    expect(h.fake.message(fresh)).toMatchObject({ parent_id: groupCard, root_id: groupCard, chat_id: 'oc_g1' });
    expect(h.fake.message(fresh)?.thread_id).toBeUndefined();
    expect(await liveCopies(c0.ref)).toContain(fresh);
    expect(await liveCopies(c0.ref)).not.toContain(groupCard);

    // queued before the replacement was known: it names the old copy
    await outbox.put([await row('chain-2')]);
    await later.drain(20_000);
    expect(cards('oc_g1')).toHaveLength(cardsBefore + 1);
    expect(patches(fresh)).toHaveLength(1);
    expect((await copy(fresh))?.replacedBy).toBeUndefined();
  });

  test('past 14 days Feishu refuses the PATCH (230031): a fresh card replaces the old copy, later updates go to it', async () => {
    const realNow = h.fake.config.now;
    h.fake.config.now = () => realNow() + 15 * DAY; // Feishu's clock: every card is now older than 14 days
    try {
      const mszBefore = cards('oc_msz').length;
      await report('第6次进展 60%');
      await h.drain();
      expect(h.fake.calls({ method: 'PATCH', path: `/open-apis/im/v1/messages/${unitCard}` }).some((c) => c.code === 230031)).toBe(true);
      const replacedBy = (await copy(unitCard))?.replacedBy;
      expect(replacedBy).toBeDefined();
      const fresh = h.fake.message(replacedBy!)!;
      expect(fresh.chat_id).toBe('oc_msz');
      expect(fresh.parent_id).toBe(unitCard); // a reply quoting the card it replaces
      expect(await liveCopies('task:DB-2026-0001')).toContain(replacedBy);
      expect(await liveCopies('task:DB-2026-0001')).not.toContain(unitCard);
      expect(cards('oc_msz')).toHaveLength(mszBefore + 1);
      expect(cardText(fresh.content)).toContain('第6次进展');
      expect(await copy(replacedBy!)).toMatchObject({ ref: 'task:DB-2026-0001', view: 'unit', chatId: 'oc_msz' });
      expect(await h.service.deps.models.outbox.countDocuments({ status: 'failed' })).toBe(0);

      // the next change patches the fresh copy; the old one is left alone
      const oldPatches = h.fake.calls({ method: 'PATCH', path: `/open-apis/im/v1/messages/${unitCard}` }).length;
      await report('第7次进展 70%');
      await h.drain();
      expect(cardText(h.fake.cardOf(replacedBy!))).toContain('第7次进展');
      expect(patches(replacedBy!).length).toBeGreaterThanOrEqual(1);
      expect(h.fake.calls({ method: 'PATCH', path: `/open-apis/im/v1/messages/${unitCard}` })).toHaveLength(oldPatches);
      expect(cards('oc_msz')).toHaveLength(mszBefore + 1);
    } finally {
      h.fake.config.now = realNow;
    }
  });
  test('an old card that cannot be replied to (withdrawn) gets its fresh copy by plain send; later updates patch that one', async () => {
    const { outbox } = h.service.deps;
    const ref = (await copy(groupCard))!.ref;
    let old = groupCard;
    while ((await copy(old))?.replacedBy) old = (await copy(old))!.replacedBy!;
    expect(await liveCopies(ref)).toContain(old);
    h.fake.message(old)!.deleted = true; // someone withdrew the live copy: Feishu refuses both PATCH and reply to it
    const cardsBefore = cards('oc_g1').length;
    const replies = () => h.fake.calls({ method: 'POST', path: `/open-apis/im/v1/messages/${old}/reply` });
    try {
      const later = workerAt(30); // the copy sent "15 days on" is past the edit window again
      await outbox.put([await groupRow('gone-1')]);
      await later.drain(20_000);
      expect(replies().length).toBeGreaterThanOrEqual(1);
      expect(replies().every((c) => c.status !== 200)).toBe(true);
      const fresh = (await copy(old))?.replacedBy;
      expect(fresh).toBeDefined();
      const msg = h.fake.message(fresh!)!;
      expect(msg).toMatchObject({ chat_id: 'oc_g1', fromBot: true, msg_type: 'interactive' });
      expect(msg.parent_id).toBeUndefined();
      expect(cards('oc_g1')).toHaveLength(cardsBefore + 1);
      expect(await copy(fresh!)).toMatchObject({ ref, chatId: 'oc_g1' });
      expect(await liveCopies(ref)).toContain(fresh);
      expect(await liveCopies(ref)).not.toContain(old);
      expect(await h.service.deps.models.outbox.countDocuments({ status: 'failed' })).toBe(0);

      // the next refresh patches the fresh copy: no third card, nothing sent to the withdrawn one
      const before = patches(fresh!).length;
      await outbox.put([await groupRow('gone-2')]);
      await later.drain(20_000);
      expect(patches(fresh!)).toHaveLength(before + 1);
      expect(cards('oc_g1')).toHaveLength(cardsBefore + 1);
    } finally {
      h.fake.message(old)!.deleted = false;
    }
  });
});
