import type { OutboxRow } from '../../src/app/outbox-item';
import type { NewTask } from '../../src/adapters/mongo/task-store';
import { cardText } from '../../src/cards/inspect';
import { FixedClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { zonedInstant } from '../../src/domain/time';
import { createLogger } from '../../src/log';
import { buildCore, type Core } from '../../src/main';
import { openTestDb, type TestDb } from '../support/db';
import { newTask, orgData } from '../support/factories';

/** `weekly-digest`: each group's chat, its open tasks by unit and light (with reasons), on the week's first workday. */
const TZ = 'Asia/Shanghai';
const at = (day: string, time = '09:00') => zonedInstant(day, time, TZ);
const clock = new FixedClock(at('2026-10-12'));
let db: TestDb;
let core: Core;

async function dispatch(n: number, over: Partial<NewTask>): Promise<void> {
  await core.deps.tasks.create(Array.from({ length: n }, () => ({ task: newTask({ coUnits: [], state: 'in_progress', dispatchedAt: at('2026-09-14', '10:00'), progress: 90, ...over }), owed: () => [] })), 2026);
}

const rows = () => core.deps.models.outbox.find().sort({ seq: 1 }).lean<OutboxRow[]>();
const panels = (card: unknown) => ((card as { body: { elements: { tag: string; header?: { title: { content: string } }; elements?: { content: string }[] }[] } }).body.elements).filter((e) => e.tag === 'collapsible_panel');

beforeAll(async () => {
  db = await openTestDb('reminders_weekly');
  core = await buildCore(loadConfig({ LOG_LEVEL: 'silent' }), { conn: db.conn, log: createLogger('silent'), clock });
  await core.deps.models.units.insertMany(orgData.units);
  await core.deps.models.groups.insertMany(orgData.groups);
  await core.deps.models.people.insertMany(orgData.people);
  await dispatch(1, { leadUnit: 'MSZ', group: 'G1', deadline: '2026-09-30', title: '超期的事项' }); // red on 10-08: 已超期 1
  await dispatch(13, { leadUnit: 'ZJJ', group: 'G1', deadline: '2026-10-12', title: '临期的事项' }); // yellow on 10-08
  await dispatch(1, { leadUnit: 'ZRZYJ', group: 'G1', deadline: '2026-12-31', title: '正常的事项' }); // green
  await dispatch(1, { leadUnit: 'LDZ', group: 'G2', deadline: '2026-10-09', title: '罗东镇的事项' }); // yellow, 明天
  await dispatch(1, { leadUnit: 'MSZ', group: 'G0', deadline: '2026-12-31', title: '协调组派的事项' });
  await dispatch(1, { leadUnit: 'MSZ', group: 'G1', deadline: '2026-09-30', state: 'closed', closedAt: at('2026-09-29') });
  await dispatch(1, { leadUnit: 'MSZ', group: 'G1', deadline: '2026-09-30', state: 'cancelled' });
}, 60_000);

afterAll(() => db.drop());

test('on the week’s first workday only: Monday 10-05 is 国庆, so Thursday 10-08', async () => {
  expect(await core.runner.run('weekly-digest', at('2026-10-05'))).toMatchObject({ status: 'skipped', result: { reason: expect.stringContaining('不是工作日') } });
  expect(await core.runner.run('weekly-digest', at('2026-10-09'))).toMatchObject({ status: 'skipped', result: { reason: '周报在每周第一个工作日（本周是 2026-10-08）发送（可用 --force 强制运行）' } });
  expect(await rows()).toEqual([]);
  expect(await core.runner.run('weekly-digest', at('2026-10-08'))).toMatchObject({ status: 'ok', result: { groups: 3, tasks: 17, messages: 3 } });
});

test('each group chat gets its own units; the coordination group every unit', async () => {
  const byChat = new Map((await rows()).map((r) => [r.to!.id, r.content]));
  expect([...byChat.keys()].sort()).toEqual(['oc_g0', 'oc_g1', 'oc_g2']);
  const heads = (chat: string) => panels(byChat.get(chat)).map((p) => p.header!.title.content);
  expect(heads('oc_g1')).toEqual(['**梅山镇**　🔴 1　🟡 0　🟢 0', '**住建局**　🔴 0　🟡 13　🟢 0', '**自然资源局**　🔴 0　🟡 0　🟢 1']);
  expect(heads('oc_g2')).toEqual(['**罗东镇**　🔴 0　🟡 1　🟢 0']);
  expect(heads('oc_g0')).toEqual(['**梅山镇**　🔴 1　🟡 0　🟢 1', '**住建局**　🔴 0　🟡 13　🟢 0', '**罗东镇**　🔴 0　🟡 1　🟢 0', '**自然资源局**　🔴 0　🟡 0　🟢 1']);
  expect(cardText(byChat.get('oc_g1'))).toContain('在办 15 项：🔴 1　🟡 13　🟢 1');
});

test('each line shows its light’s reason; a unit with many items shows the worst and counts the rest', async () => {
  const g1 = (await rows()).find((r) => r.to!.id === 'oc_g1')!.content;
  const [msz, zjj] = panels(g1);
  expect(msz.elements!.map((e) => e.content)).toEqual([expect.stringMatching(/^🔴 DB-2026-0001　超期的事项　已超期 1 个工作日$/)]);
  expect(zjj.elements!.length).toBe(11);
  expect(zjj.elements![0].content).toMatch(/🟡 DB-2026-\d+　临期的事项　剩 3 个工作日/);
  expect(zjj.elements![10].content).toBe('……另有 3 项');
});

test('once per group and week: a forced second run queues nothing new', async () => {
  const before = (await rows()).length;
  expect(await core.runner.run('weekly-digest', at('2026-10-09', '15:00'), { force: true })).toMatchObject({ status: 'ok' });
  expect((await rows()).length).toBe(before);
});
