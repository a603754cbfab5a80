import pino from 'pino';
import { mongoLeadersPorts } from '../../src/adapters/mongo/leaders-ports';
import { Locks } from '../../src/adapters/mongo/lock';
import type { EscalationDoc } from '../../src/adapters/mongo/models/escalations';
import type { OutboxRow } from '../../src/app/outbox-item';
import type { LetterDoc } from '../../src/adapters/mongo/models/letters';
import type { TaskDoc } from '../../src/adapters/mongo/models/tasks';
import { OutboxStore } from '../../src/adapters/mongo/outbox-store';
import { mongoCorePorts } from '../../src/adapters/mongo/core-ports';
import type { WiredDeps } from '../../src/adapters/mongo/models';
import { FileMakers } from '../../src/app/files-out';
import { EscalationService } from '../../src/features/escalation';
import { summariesFeature, SummaryService } from '../../src/features/summaries';
import { cardText, checkCard, monthlySummaryCard } from '../../src/cards';
import { FixedClock } from '../../src/clock';
import { WorkCalendar } from '../../src/domain/calendar';
import { parsePeriod } from '../../src/domain/summary';
import { type Task, type TaskState } from '../../src/domain/task';
import { JobRunner } from '../../src/jobs/runner';
import { openTestDb, type TestDb } from '../support/db';
import { newTask, org } from '../support/factories';

/**
 * A known November 2026 (Mon–Fri calendar), every figure of the monthly summary and the ranking checked
 * against values worked out by hand (see the comments on each task), with October for the change.
 */
const at = (d: string) => new Date(`${d}T10:00:00+08:00`);
const monFri = new WorkCalendar({ lookup: () => undefined, hasYear: () => false });

let db: TestDb;
let deps: WiredDeps;
let summary: SummaryService;
const clock = new FixedClock(new Date('2026-12-01T09:00:00+08:00'));

let seq = 0;
function doc(unit: string, group: string, dispatched: string, deadline: string, state: TaskState, closed?: string, extra: Partial<Task> = {}): TaskDoc {
  seq++;
  const code = `DB-2026-${String(seq).padStart(4, '0')}`;
  const t = newTask({ origin: `sum:${seq}`, leadUnit: unit, coUnits: [], group, dispatchedAt: at(dispatched), deadline, originalDeadline: deadline, state, ...(closed ? (state === 'closed' ? { closedAt: at(closed) } : { cancelledAt: at(closed) }) : {}), ...extra });
  return { ...t, code, rev: 1, history: extra.history ?? [], year: 2026, seq, owed: [], owedAt: null, schemaVersion: 1 } as TaskDoc;
}
const letter = (n: number, code: string, unit: string, group: string, issuedOn: string): LetterDoc => ({ _id: `2026-${n}`, year: 2026, number: n, code, deadline: '2026-11-06', unit, group, issuedOn, overdueWorkdays: 3, sent: true, createdAt: new Date() });

beforeAll(async () => {
  db = await openTestDb('leaders_summary');
  const locks = new Locks(db.models.locks);
  const outbox = new OutboxStore(db.models);
  const core = mongoCorePorts(db.models, { locks, outbox, orgs: { get: async () => org, invalidate: () => undefined } });
  deps = {
    settings: { tz: 'Asia/Shanghai', lights: { yellowWorkdays: 3, lagPoints: 30 }, categories: ['其他'], meetingSource: '调度会' },
    models: db.models,
    ...core,
    clock,
    cal: monFri,
    log: pino({ level: 'silent' }),
    files: new FileMakers(),
    botOpenId: () => undefined,
    ...mongoLeadersPorts(db.models, { locks, relay: { put: (items) => outbox.put(items), expand: (items) => core.tasks.expand(items) }, clock }),
  };
  summary = new SummaryService(deps, new EscalationService(deps));
  const ret = { seq: 2, at: at('2026-11-12'), by: 'P1', action: 'return', note: '材料不全' };
  const tasks = [
    doc('MSZ', 'G1', '2026-11-02', '2026-11-10', 'closed', '2026-11-09'), // 0001 on time
    doc('MSZ', 'G1', '2026-11-03', '2026-11-13', 'closed', '2026-11-18', { returns: 1, history: [{ seq: 1, at: at('2026-11-03'), by: 'P1', action: 'dispatch' }, ret] }), // 0002 late: 16,17,18 = 3 overdue; 1 return
    doc('ZJJ', 'G1', '2026-11-05', '2026-11-20', 'closed', '2026-11-20'), // 0003 on time
    doc('ZJJ', 'G1', '2026-11-10', '2026-11-25', 'in_progress'), // 0004 open: Nov 26,27,30 = 3; now (12-01) 4
    doc('LDZ', 'G2', '2026-11-02', '2026-11-06', 'in_progress'), // 0005 open: 16 in Nov, capped 10; now 17; letter
    doc('ZRZYJ', 'G1', '2026-10-20', '2026-10-30', 'closed', '2026-11-04'), // 0006 late, closed in Nov: Nov 2,3,4 = 3; Oct 0
    doc('MSZ', 'G1', '2026-11-16', '2026-11-18', 'cancelled', '2026-11-17'), // 0007 dispatched, cancelled: no score
    doc('MSZ', 'G1', '2026-12-01', '2026-12-10', 'dispatched'), // 0008 December
    doc('ZJJ', 'G1', '2026-11-02', '2026-11-05', 'closed', '2026-11-10'), // 0009 late (6,9,10 = 3) and a letter: appeal upheld, neither counts
    doc('MSZ', 'G1', '2026-10-08', '2026-10-16', 'closed', '2026-10-15'), // 0010 October, on time
    doc('ZJJ', 'G1', '2026-10-08', '2026-10-16', 'closed', '2026-10-21'), // 0011 October, late: 19,20,21 = 3
  ];
  await db.models.tasks.insertMany(tasks);
  await db.models.letters.insertMany([letter(1, 'DB-2026-0005', 'LDZ', 'G2', '2026-11-11'), letter(2, 'DB-2026-0009', 'ZJJ', 'G1', '2026-11-10')]);
  await db.models.appeals.insertMany([{ _id: 'AP-DB-2026-0009-1', code: 'DB-2026-0009', unit: 'ZJJ', group: 'G1', reason: '上级政策调整', items: { overdueWorkdays: 3, returns: 0, letters: ['2026-2'] }, state: 'upheld', by: 'O2', at: at('2026-11-20'), rev: 2 }]);
  const esc = (id: string, code: string, leader: string, group: string, state: EscalationDoc['state']): EscalationDoc => ({ _id: id, code, requestId: 'escalation-1', leader, group, unit: 'ZJJ', title: `事项${code}`, deadline: '2026-11-25', units: [], reason: 'r', opinion: 'o', urgent: false, state, raisedBy: 'O2', acceptedBy: 'P1', acceptedAt: at('2026-11-20'), followUps: [], doneFollowUps: [], rev: 1 });
  await db.models.escalations.insertMany([esc('E1', 'DB-2026-0004', 'PL', 'G1', 'scheduled'), esc('E2', 'DB-2026-0003', 'PL', 'G1', 'decided'), esc('E3', 'DB-2026-0005', 'PL2', 'G2', 'pending')]);
}, 60_000);
afterAll(() => db.drop());

describe('monthly summary and ranking of a known month', () => {
  test('city-wide: totals, change, overdue now, agenda, ranking with its change', async () => {
    const input = await summary.monthly(summary.cityScope(org), parsePeriod('2026-11')!, clock.now());
    expect(input).toMatchObject({ month: '2026-11', dispatched: 7, closed: 5, onTimeRate: 0.4, prev: { dispatched: 3, closed: 2, onTimeRate: 0.5 } });
    expect(input.overdueNow.map((o) => [o.code, o.overdueWorkdays])).toEqual([['DB-2026-0005', 17], ['DB-2026-0004', 4]]);
    expect(input.agenda.map((a) => a.code)).toEqual(['DB-2026-0004', 'DB-2026-0005']);
    expect(input.ranking).toEqual([
      { rank: 1, unitName: '住建局', score: 99, change: 3, onTimeRate: 0.5 }, // 100 + 2×1 − 3 (0004); 0009 appealed
      { rank: 2, unitName: '自然资源局', score: 97, change: 0, onTimeRate: 0 }, // 100 − 3
      { rank: 3, unitName: '梅山镇', score: 96, change: -2, onTimeRate: 0.5 }, // 100 + 2 − 3 − 3×1
      { rank: 4, unitName: '罗东镇', score: 85, change: -2, onTimeRate: null }, // 100 − 10 − 5×1
    ]);
    const card = monthlySummaryCard(input);
    expect(checkCard(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('较上月：派发 +4，办结 +3，按期办结率 -10 个百分点');
    expect(text).toContain('共 2 项');
    expect(text).toMatch(/DB-2026-0005[\s\S]*已超期 17 个工作日[\s\S]*DB-2026-0004[\s\S]*已超期 4 个工作日/);
    const json = JSON.stringify(card);
    expect(json).toContain('"40%"');
    expect(json).toContain('"rows":[{"rank":1,"unit":"住建局","score":99,"change":"+3","rate":"50%"}');
    const chart = JSON.parse(json.match(/"values":(\[[^\]]*\])/)![1]);
    expect(chart).toEqual([{ unit: '住建局', rate: 50 }, { unit: '自然资源局', rate: 0 }, { unit: '梅山镇', rate: 50 }]);
  });

  test("a leader's scope: only their groups' tasks, units and agenda", async () => {
    const input = await summary.monthly(summary.leaderScope(org.person('PL')!, org), parsePeriod('2026-11')!, clock.now());
    expect(input).toMatchObject({ dispatched: 6, closed: 5, onTimeRate: 0.4, prev: { dispatched: 3, closed: 2, onTimeRate: 0.5 } });
    expect(input.scopeLabel).toContain('王市长');
    expect(input.overdueNow.map((o) => o.code)).toEqual(['DB-2026-0004']);
    expect(input.agenda.map((a) => a.code)).toEqual(['DB-2026-0004']);
    expect(input.ranking.map((r) => [r.unitName, r.rank, r.score, r.change])).toEqual([
      ['住建局', 1, 99, 2],
      ['自然资源局', 2, 97, 0],
      ['梅山镇', 3, 96, -2],
    ]);
  });

  test('an empty month: zeros, no rate, every unit at the base score sharing first place', async () => {
    const input = await summary.monthly(summary.cityScope(org), parsePeriod('2026-08')!, clock.now());
    // July has nothing on record either: no month before to compare with (issue 14: "—", not a change of 0)
    expect(input).toMatchObject({ dispatched: 0, closed: 0, onTimeRate: null, prev: undefined });
    expect(input.ranking.map((r) => [r.rank, r.score, r.change, r.onTimeRate])).toEqual(Array(4).fill([1, 100, null, null]));
    const card = monthlySummaryCard(input);
    expect(checkCard(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('"chart"');
    expect(JSON.stringify(card)).toContain('"—"');
  });

  test('the year ranking counts the whole year', async () => {
    const { rows } = await summary.ranking(summary.cityScope(org), parsePeriod('2026')!, '2026-12-01');
    const zjj = rows.find((r) => r.unit === 'ZJJ')!;
    // Oct + Nov + Dec 1: closed 0003, 0009, 0011 (on time 1); overdue 0004 4 + 0011 3; 0009 appealed
    expect(zjj).toMatchObject({ dispatched: 4, closed: 3, onTime: 1, overdueWorkdays: 7, returns: 0, letters: 0, score: 95 });
  });

  test('the job: first workday only, a card per leader, the city-wide one to admins and the coordination group', async () => {
    const { feature } = summariesFeature(deps, new EscalationService(deps));
    const runner = new JobRunner(deps, feature.jobs!, {});
    const skipped = await runner.run('monthly-summary', new Date('2026-12-02T09:00:00+08:00'));
    expect(skipped.status).toBe('skipped');
    expect(String((skipped.result as { reason: string }).reason)).toContain('不是本月第一个工作日');
    const ran = await runner.run('monthly-summary', new Date('2026-12-01T09:00:00+08:00'));
    expect(ran).toMatchObject({ status: 'ok', result: { month: '2026-11', leaders: 2, messages: 4 } });
    const rows = await db.models.outbox.find({ _id: /^monthly-/ }).lean<OutboxRow[]>();
    expect(rows.map((r) => r.to!.id).sort()).toEqual(['oc_g0', 'ou_admin', 'ou_leader', 'ou_leader2']);
    const leader2 = rows.find((r) => r.to!.id === 'ou_leader2')!;
    expect(cardText(leader2.content)).toContain('DB-2026-0005');
    expect(JSON.stringify(leader2.content)).toContain('罗东镇');
    // the same slot again sends nothing new (same keys)
    await runner.run('monthly-summary', new Date('2026-12-01T09:00:00+08:00'), { force: true });
    expect(await db.models.outbox.countDocuments({ _id: /^monthly-/ })).toBe(4);
  });
});
