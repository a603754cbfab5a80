import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../app/deps';
import { insertNew } from '../adapters/mongo/insert-new';
import type { OutboxItem } from '../adapters/mongo/models/outbox';
import type { LetterDoc, ReminderClaimDoc, ReminderRunDoc } from '../adapters/mongo/models/reminders';
import { lightOf } from '../domain/lights';
import type { WorkCalendar } from '../domain/calendar';
import { DEFAULT_LADDER, ONCE_KINDS, reminderWindow, remindersDue, type LadderSettings } from '../domain/reminders';
import { startOfDay, type LocalDate } from '../domain/time';
import { groupCopies, leaderItems, letterItems, TASK_FIELDS, unitDigests, type Brief, type MessageContext, type Owed } from './reminder-messages';
import type { JobContext, JobDef } from './runner';
import { workdaysOnly } from './runner';

/**
 * The `reminders` job (SPEC §7). One query streams the open tasks that can be owed something today;
 * each reminder is claimed by a unique insert before anything is sent (reminder_claims), so a kind
 * goes out at most once per task per day however often and on however many instances the job runs.
 * A unit's reminders of the day come as one card, overdue items are copied to the group, numbered
 * 督导提示函 go one per task, and the 7-workday report goes to the linked city leader.
 *
 * Built for FerretDB, where every query reads the whole collection and an update costs a scan (see
 * models/reminders.ts): one query over the tasks, claims and letters written by bulk inserts, and no
 * per-task reads or updates. A run records itself in reminder_runs; a run that stopped before its
 * messages were queued is finished by a later one, which re-sends what it had claimed under the same
 * message keys (today's daily reminders, and letters and leader reports whenever they were claimed).
 */
export interface RemindersOptions {
  ladder?: LadderSettings;
  /** Tasks per cursor batch and claims per insert. */
  batch?: number;
  /** A run still `started` after this long stopped half-way (the job lock's time: no run of it can be alive). */
  leaseMs?: number;
}

export class RemindersOptionsError extends Error {}

function checkOptions(o: RemindersOptions): Required<RemindersOptions> {
  const ladder = o.ladder ?? DEFAULT_LADDER;
  const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!whole(ladder.letterAt, 2)) throw new RemindersOptionsError(`reminders: letterAt must be a whole number of workdays, 2 or more (strict tasks get the letter a workday earlier), got ${ladder.letterAt}`);
  if (!whole(ladder.leaderAt, ladder.letterAt + 1)) throw new RemindersOptionsError(`reminders: leaderAt must be a whole number of workdays after letterAt (${ladder.letterAt}), got ${ladder.leaderAt}`);
  const batch = o.batch ?? 1000;
  if (!whole(batch, 1) || batch > 10_000) throw new RemindersOptionsError(`reminders: batch must be a whole number from 1 to 10000, got ${batch}`);
  const leaseMs = o.leaseMs ?? 30 * 60_000;
  if (!whole(leaseMs, 1000)) throw new RemindersOptionsError(`reminders: leaseMs must be at least 1000, got ${leaseMs}`);
  return { ladder, batch, leaseMs };
}

/**
 * The one query of the run: open tasks due before the 5th workday from today, and tasks not yet
 * signed that were dispatched before the latest workday (both branches indexed: state+deadline,
 * state+dispatchedAt). Submitted, closed and cancelled tasks owe nothing and are not read.
 */
export function reminderQuery(today: LocalDate, cal: WorkCalendar, tz: string): Record<string, unknown> {
  const w = reminderWindow(today, cal);
  return {
    $or: [
      { state: { $in: ['dispatched', 'in_progress'] }, deadline: { $lt: w.deadlineBefore } },
      { state: 'dispatched', dispatchedAt: { $lt: startOfDay(w.signDispatchedBefore, tz) } },
    ],
  };
}

export function remindersJob(options: RemindersOptions = {}): JobDef {
  const opts = checkOptions(options);
  return {
    name: 'reminders',
    description: '催签、到期提醒、超期通知、督导提示函、超期报告市领导',
    when: workdaysOnly,
    run: (ctx) => runReminders(ctx, opts),
  };
}

async function runReminders(ctx: JobContext, opts: Required<RemindersOptions>): Promise<Record<string, unknown>> {
  const { deps, today, at } = ctx;
  const { models, settings, cal, outbox, log, locks } = deps;
  const org = await deps.orgs.get();
  const runId = `${today}:${randomBytes(4).toString('hex')}`;
  const runDoc: ReminderRunDoc = { _id: runId, day: today, at, startedAt: new Date(), state: 'started', owner: locks.owner };
  await models.reminderRuns.collection.insertOne(runDoc as never);
  const stopped = (await models.reminderRuns.find({ state: 'started', startedAt: { $lt: new Date(Date.now() - opts.leaseMs) } }, { _id: 1 }).lean<{ _id: string }[]>()).map((r) => r._id);
  const inherited = new Map<string, string>(); // claim key → the stopped run that holds it
  if (stopped.length) for (const c of await models.reminderClaims.find({ run: { $in: stopped } }, { _id: 1, run: 1 }).lean<Pick<ReminderClaimDoc, '_id' | 'run'>[]>()) inherited.set(c._id, c.run);

  const owed: Owed[] = [];
  let pending: Omit<Owed, 'run'>[] = [];
  let tasks = 0;
  let skipped = 0;
  const flush = async () => {
    const claims: ReminderClaimDoc[] = pending.map(({ due, task }) => ({ _id: due.key, kind: due.kind, code: task.code, unit: task.leadUnit, group: task.group, day: today, once: ONCE_KINDS.includes(due.kind), run: runId, createdAt: new Date() }));
    const fresh = await insertNew(models.reminderClaims, claims);
    for (const p of pending) {
      const run = fresh.has(p.due.key) ? runId : inherited.get(p.due.key);
      if (run) owed.push({ ...p, run });
    }
    pending = [];
  };
  const cursor = models.tasks.collection.find(reminderQuery(today, cal, settings.tz), { projection: TASK_FIELDS, batchSize: opts.batch });
  for await (const raw of cursor) {
    const task = raw as unknown as Brief;
    tasks++;
    try {
      for (const due of remindersDue(task, today, settings.tz, cal, opts.ladder)) pending.push({ due, task });
    } catch (e) {
      skipped++; // one bad document must not stop everyone's reminders
      log.warn({ code: task.code, err: (e as Error).message }, 'reminders: task skipped');
    }
    if (pending.length >= opts.batch) await flush();
  }
  if (pending.length) await flush();

  const letterOwed = owed.filter((o) => o.due.kind === 'letter');
  const issued = letterOwed.length ? await issueLetters(deps, runId, today, letterOwed) : [];
  const unfinished = stopped.length ? await models.letters.find({ run: { $in: stopped } }).lean<LetterDoc[]>() : [];
  const leaderOwed = owed.filter((o) => o.due.kind === 'leader');
  const lettersOf = new Map<string, LetterDoc>();
  if (leaderOwed.length) for (const l of await models.letters.find({ code: { $in: leaderOwed.map((o) => o.task.code) } }).lean<LetterDoc[]>()) lettersOf.set(`${l.code}|${l.deadline}`, l);

  const mc: MessageContext = { org, today, tz: settings.tz, light: (t) => lightOf(t, at, settings.tz, cal, settings.lights) };
  const digests = unitDigests(mc, owed);
  const items: OutboxItem[] = [
    ...digests.items,
    ...groupCopies(mc, owed),
    ...[...issued, ...unfinished].flatMap((l) => letterItems(org, l)),
    ...leaderOwed.flatMap((o) => leaderItems(mc, o, lettersOf.get(`${o.task.code}|${o.task.deadline}`))),
  ];
  for (let i = 0; i < items.length; i += 500) await outbox.put(items.slice(i, i + 500));
  if (digests.undeliverable.length) log.warn({ claims: digests.undeliverable.slice(0, 20), count: digests.undeliverable.length }, 'reminders: units with no chat and no official with an open_id');
  await models.reminderRuns.updateOne({ _id: runId }, { $set: { state: 'done', endedAt: new Date() } });
  if (stopped.length) await models.reminderRuns.updateMany({ _id: { $in: stopped } }, { $set: { state: 'recovered', recoveredBy: runId } });

  const count = (k: string) => owed.filter((o) => o.due.kind === k).length;
  return { tasks, sign: count('sign'), due3: count('due3'), due1: count('due1'), due0: count('due0'), overdue: count('overdue'), letters: issued.length, leaders: leaderOwed.length, messages: items.length, skipped, undeliverable: digests.undeliverable.length, recovered: stopped.length };
}

/**
 * Numbers letters under the year's lock, after the highest one issued that year: unique (a unique
 * index as well) and without gaps (an ordered insert stops at the first failure, leaving no hole).
 * Tasks that already have a letter for their deadline get none.
 */
async function issueLetters(deps: AppDeps, runId: string, today: LocalDate, owed: Owed[]): Promise<LetterDoc[]> {
  const { models, locks } = deps;
  const year = Number(today.slice(0, 4));
  const ordered = [...owed].sort((a, b) => a.task.deadline.localeCompare(b.task.deadline) || a.task.code.localeCompare(b.task.code));
  return locks.withLock(
    `seq:letter:${year}`,
    async () => {
      const have = new Set((await models.letters.find({ code: { $in: ordered.map((o) => o.task.code) } }, { code: 1, deadline: 1 }).lean<Pick<LetterDoc, 'code' | 'deadline'>[]>()).map((l) => `${l.code}|${l.deadline}`));
      const last = await models.letters.findOne({ year }, { number: 1 }).sort({ number: -1 }).lean<{ number: number }>();
      let number = last?.number ?? 0;
      const docs: LetterDoc[] = [];
      for (const { task: t, due } of ordered) {
        if (have.has(`${t.code}|${t.deadline}`)) continue;
        number++;
        docs.push({ _id: `${year}-${number}`, year, number, code: t.code, title: t.title, deadline: t.deadline, unit: t.leadUnit, group: t.group, issuedOn: today, overdueWorkdays: due.overdueWorkdays, run: runId, createdAt: new Date() });
      }
      if (docs.length) await models.letters.collection.insertMany(docs as never[], { ordered: true });
      return docs;
    },
    { ttlMs: 5 * 60_000, waitMs: 60_000 },
  );
}
