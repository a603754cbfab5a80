import { cardText } from '../../src/cards/inspect';
import { groupCopies, unitDigests, type MessageContext, type Owed } from '../../src/features/reminders/messages';
import { org, task } from '../support/factories';

/** Issue 14 rough edge 13: a task owed 催签 and 即将到期 the same day is listed once, under the more urgent. */
const mc: MessageContext = { org, today: '2026-12-14', tz: 'Asia/Shanghai', light: () => ({ color: 'yellow', reason: '剩 1 个工作日' }) as never };
const t = task({ code: 'DB-2026-0003', title: '修缮村道', deadline: '2026-12-15', state: 'dispatched' });
const other = task({ code: 'DB-2026-0004', title: '清理河道', deadline: '2026-12-30', state: 'dispatched' });
const owed = (o: typeof t, kind: Owed['due']['kind']): Owed => ({ task: o, run: 'r1', due: { kind, key: `${o.code}:${kind}:2026-12-14`, overdueWorkdays: kind === 'overdue' ? 1 : 0, workdaysLeft: 1 } });

test('the unit’s daily card lists each task once, under its most urgent kind', () => {
  const { items } = unitDigests(mc, [owed(t, 'sign'), owed(t, 'due1'), owed(other, 'sign')]);
  const text = cardText(items[0].content);
  expect(text.split('DB-2026-0003')).toHaveLength(2);
  expect(text.split('DB-2026-0004')).toHaveLength(2);
  expect(text.indexOf('DB-2026-0003')).toBeGreaterThan(text.indexOf('即将到期'));
  expect(text.indexOf('DB-2026-0003')).toBeLessThan(text.indexOf('催签'));
  expect(text.indexOf('DB-2026-0004')).toBeGreaterThan(text.indexOf('催签'));
});

test('the group’s copy as well', () => {
  const strict = { ...t, strict: true };
  const items = groupCopies(mc, [owed(strict, 'overdue'), owed(strict, 'sign')]);
  for (const i of items) expect(cardText(i.content).split('DB-2026-0003')).toHaveLength(2);
});
