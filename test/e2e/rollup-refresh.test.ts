import { cardText } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';

/**
 * Issue 14 item 2: a roll-up card's lights move with its tasks'. An order dispatched 09-22 and the
 * clock moved to 11-02: the daily reminders refresh the 派单汇总 card as they refresh the task cards.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-09-22T10:00:00+08:00' });
});
afterAll(() => h.close());

/** The copy people see now: past Feishu's 14-day edit window a card is re-sent as a reply to the old one. */
function current(chatId: string, messageId: string): string {
  let id = messageId;
  for (let next = h.botMessages(chatId).find((m) => m.parent_id === id); next; next = h.botMessages(chatId).find((m) => m.parent_id === id)) id = next.message_id;
  return id;
}

test('a roll-up card after a month shows the overdue task red, as its own card does', async () => {
  await h.say('ou_sup1', '派单\n1. 拆除违建一处\n责任单位：梅山镇\n完成时限：9月28日\n工作要求：按期完成\n2. 清理河道垃圾\n责任单位：住建局\n完成时限：12月30日\n工作要求：按期完成', { chatId: 'oc_g1' });
  await h.drain();
  await h.click('ou_sup1', h.botMessages('oc_g1').at(-1)!.message_id, '确认派发');
  await h.drain();
  const rollup = h.botMessages('oc_g1').find((m) => cardText(m.content).startsWith('共 2 项'))!;
  const first = cardText(h.fake.cardOf(rollup.message_id));
  expect(first).toMatch(/🟡 \*\*DB-2026-0001\*\*[^\n]*\n[^\n]*剩 3 个工作日/);

  h.clock.set(new Date('2026-11-02T09:00:00+08:00'));
  const r = await fetch(`${h.base}/api/jobs/reminders/run`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token-123456', 'content-type': 'application/json' }, body: JSON.stringify({ at: '2026-11-02T09:00:00+08:00' }) });
  expect(r.status).toBe(200);
  await h.drain();
  const after = cardText(h.fake.cardOf(current('oc_g1', rollup.message_id)));
  expect(after).toMatch(/🔴 \*\*DB-2026-0001\*\*[^\n]*\n[^\n]*已超期 \d+ 个工作日/);
  expect(after).not.toContain('剩 3 个工作日');
  expect(after).toMatch(/共 2 项：🔴 1/);
  const own = h.botMessages('oc_msz').find((m) => cardText(m.content).includes('DB-2026-0001'))!;
  const reason = /已超期 \d+ 个工作日/.exec(cardText(h.fake.cardOf(current('oc_msz', own.message_id))))![0];
  expect(after).toContain(reason);
});
