import type { Model } from 'mongoose';
import { CardRefs } from '../../src/adapters/mongo/card-refs';
import { MongoOwedDocs } from '../../src/adapters/mongo/owed-docs';
import { schemaVersionOf } from '../../src/adapters/mongo/insert-new';
import type { Models } from '../../src/adapters/mongo/models';
import { AppealService } from '../../src/features/appeals/service';
import { BulletinService } from '../../src/features/bulletins/service';
import { EscalationService } from '../../src/features/escalation/service';
import { MeetingService } from '../../src/features/meetings/service';
import { textItem } from '../../src/app/notify';
import { FixedClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import type { Person } from '../../src/domain/org';
import type { TaskRequest } from '../../src/domain/task';
import { createLogger } from '../../src/log';
import { buildCore, type Core } from '../../src/main';
import { importOrg, orgToYaml, parseOrg, sandboxResolver, type OrgFile } from '../../src/org';
import { toFileRole } from '../../src/org/schema';
import { openTestDb, type TestDb } from '../support/db';
import { newTask, orgData } from '../support/factories';

/**
 * Every collection carries a schemaVersion, so later migrations can tell old documents from new. Each
 * model that defineModels registers is written here the way the service writes it (its use case, job or
 * store; the model itself only where the writer is Feishu plumbing), then every stored document is read
 * back raw. A model nothing here writes, a schema without a schemaVersion default, or a writer that
 * bypasses mongoose and leaves the field out all fail.
 */
const at = (iso: string) => new Date(`${iso}T10:00:00+08:00`);
const clock = new FixedClock(at('2026-12-01'));
let db: TestDb;
let core: Core;

beforeAll(async () => {
  db = await openTestDb('schema_versions');
  core = await buildCore(loadConfig({ LOG_LEVEL: 'silent' }), { conn: db.conn, log: createLogger('silent'), clock });
});
afterAll(() => db.drop());

const person = (code: string): Person => orgData.people.find((p) => p.code === code)!;

/** The factories' organisation in the import file's shape, imported through importOrg (units, groups, people, audits, locks). */
async function importOrganisation(): Promise<void> {
  const file: OrgFile = {
    units: orgData.units.map(({ active: _a, ...u }) => u),
    groups: orgData.groups.map(({ active: _a, ...g }) => g),
    people: orgData.people.map(({ active: _a, roles, ...p }) => ({ ...p, roles: roles.map(toFileRole) })),
  };
  await importOrg(core.deps.models, core.deps.locks, await parseOrg(Buffer.from(orgToYaml(file)), 'org.yaml'), { resolver: sandboxResolver(), by: 'test', now: clock.now() });
  core.deps.orgs.invalidate();
}

test('every collection stores a schemaVersion on the documents its writers create', async () => {
  const { deps, dispatch, runner } = core;
  const { models } = deps;
  await importOrganisation();

  // tasks, task_origins, counters, outbox (the owed message relayed)
  const [task] = await deps.tasks.create(
    [{ task: newTask({ origin: 'sv:1', state: 'in_progress', deadline: '2026-11-20', originalDeadline: '2026-11-20', dispatchedAt: at('2026-11-02'), coUnits: [] }), owed: (code) => [textItem(`sv:${code}`, { type: 'chat_id', id: 'oc_msz' }, `新任务 ${code}`)] }],
    2026,
  );

  // task_history: a task written before history was archived, moved over by the relay's sweep
  await models.tasks.collection.insertOne({ _id: 'DB-2026-0900', ...newTask({ origin: 'sv:old' }), code: 'DB-2026-0900', year: 2026, seq: 900, rev: 1, history: Array.from({ length: 101 }, (_, i) => ({ seq: i + 1, at: clock.now(), by: 'P1', action: 'urge' })), owed: [], owedAt: null, schemaVersion: 1 } as never);
  await deps.tasks.relayAll();

  // reminder_claims, reminder_runs, letters (the task is overdue) and job_runs
  const run = await runner.run('reminders', at('2026-12-01'), { force: true });
  expect(run.status).toBe('ok');
  expect(await models.letters.countDocuments()).toBeGreaterThan(0);

  // previews
  const preview = await dispatch.preview(person('P1'), '1. 修复梅山路面\n责任单位：梅山镇\n完成时限：12月20日', { chatId: 'oc_g1', messageId: 'om_sv_1' });
  expect(preview.ok).toBe(true);

  // escalations, minutes_forms, meetings (and the audits written beside them)
  const escalations = new EscalationService(deps);
  const request: TaskRequest = { id: 'escalation-1', kind: 'escalation', state: 'approved', at: clock.now(), by: 'O1', reason: '需要协调', units: ['ZJJ'] };
  await escalations.onAccepted(task, request, '建议提请调度', person('P1'));
  const escalationId = EscalationService.idOf(task.code, request.id);
  const meetings = new MeetingService(deps, escalations, dispatch);
  expect(await meetings.form(person('PL'), 'form-sv-1')).not.toBeNull();
  const recorded = await meetings.record({ leader: person('PL'), by: person('PL'), id: 'mtg-sv-1', via: 'api', input: { date: '2026-12-01', attendees: '王市长', items: [{ escalationId, decision: '住建局牵头办理', units: ['ZJJ'], deadline: '2026-12-20' }] } });
  expect(recorded.ok).toBe(true);

  // bulletins
  const bulletins = new BulletinService(deps);
  const built = await bulletins.build({ kind: '表扬', body: '按期完成', tasks: [], units: ['MSZ'] }, person('P1'));
  if (!built.ok) throw new Error(built.message);
  await bulletins.publish('bl-sv-1', built, [{ type: 'chat_id', id: 'oc_g1' }]);

  // appeals
  const appeal = await new AppealService(deps).file(task.code, person('O1'), '超期 系上级政策调整所致');
  expect(appeal.ok).toBe(true);

  // the field records (group meetings, major reports, highlights, unit grades): written by their
  // features through MongoOwedDocs, as main.ts wires them
  const relay = { put: async () => undefined, expand: async (items: never[]) => items };
  for (const [model, kind] of [[models.groupMeetings, 'group_meeting'], [models.majorReports, 'major_report'], [models.highlights, 'highlight'], [models.unitGrades, 'unit_grade']] as const) {
    const store = new MongoOwedDocs<{ _id: string; rev: number; year: number }>(model, kind, { locks: deps.locks as never, relay, audit: deps.audit, clock });
    expect(await store.create({ _id: `${kind}:sv`, rev: 1, year: 2026 }, [], { action: 'record', by: 'P1' })).toBe(true);
  }

  // card_refs; a held lock
  await new CardRefs(models, deps.locks).add(`task:${task.code}`, { messageId: 'om_card_1', view: 'unit' });
  expect(await deps.locks.tryAcquire('schema-versions:probe', 60_000)).toBe(true);

  // Written by Feishu plumbing the test does not drive (the bot's event claim, the outbox worker's card
  // copies): through the model here.
  await models.processedEvents.create({ _id: 'ev_sv_1', type: 'im.message.receive_v1', at: clock.now() });
  await models.cardMessages.create({ _id: 'om_card_1', ref: `task:${task.code}`, view: 'unit', chatId: 'oc_msz', sentAt: clock.now() });

  const problems: string[] = [];
  for (const [name, model] of Object.entries(models) as [keyof Models, Model<never>][]) {
    const expected = schemaVersionOf(model);
    if (!expected || !Number.isInteger(expected) || expected < 1) {
      problems.push(`${name}: the schema declares no schemaVersion default`);
      continue;
    }
    const docs = await model.collection.find({}, { projection: { schemaVersion: 1 } }).toArray();
    if (!docs.length) problems.push(`${name}: nothing in this test writes it`);
    const missing = docs.filter((d) => d.schemaVersion !== expected);
    if (missing.length) problems.push(`${name}: ${missing.length} of ${docs.length} without schemaVersion ${expected} (e.g. ${JSON.stringify(missing[0])})`);
  }
  expect(problems).toEqual([]);
});
