import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../../app/deps';
import type { OutboxItem } from '../../app/outbox-item';
import type { Letter } from '../../app/ports/letters';
import type { ReminderClaim, ReminderRun } from '../../app/ports/reminder-ledger';
import type { ScanPlan } from '../../app/ports/task-scan';
import { lightOf } from '../../domain/lights';
import type { WorkCalendar } from '../../domain/calendar';
import { DEFAULT_LADDER, ONCE_KINDS, reminderWindow, remindersDue, type LadderSettings } from '../../domain/reminders';
import { addDays, startOfDay, type LocalDate } from '../../domain/time';
import { cardRefreshes, rollupRefreshes, groupCopies, leaderItems, letterItems, TASK_FIELDS, unitDigests, type Brief, type MessageContext, type Owed } from './messages';
import { JOB_LEASE_MS, workdaysOnly, type JobContext, type JobDef } from '../../app/job';
import { sentLines } from '../../app/run-words';
import { letterStep, recordSteps, reminderStep } from '../../app/record-steps';
import { machineDate, machineNow } from '../../clock';

const SENT_LINES = 30;

/**
 * The `reminders` job (docs/rules.md#reminders-and-letters). One query streams the open tasks that can be owed something today;
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
  /**
   * Run without the runner's lease (a direct call), a run still `started` this long after it began is
   * taken as stopped half-way. Under the runner, which holds the job's lease, every other run still
   * `started` is (see startRun). The job lease's length by default.
   */
  leaseMs?: number;
  /** How to read the tasks; `auto` asks the database (see scanPlanOf). */
  scan?: ScanPlan | 'auto';
}

export class RemindersOptionsError extends Error {}

function checkOptions(o: RemindersOptions): Required<RemindersOptions> {
  const ladder = o.ladder ?? DEFAULT_LADDER;
  const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!whole(ladder.letterAt, 2)) throw new RemindersOptionsError(`reminders: letterAt must be a whole number of workdays, 2 or more (strict tasks get the letter a workday earlier), got ${ladder.letterAt}`);
  if (!whole(ladder.leaderAt, ladder.letterAt + 1)) throw new RemindersOptionsError(`reminders: leaderAt must be a whole number of workdays after letterAt (${ladder.letterAt}), got ${ladder.leaderAt}`);
  const batch = o.batch ?? 1000;
  if (!whole(batch, 1) || batch > 10_000) throw new RemindersOptionsError(`reminders: batch must be a whole number from 1 to 10000, got ${batch}`);
  const leaseMs = o.leaseMs ?? JOB_LEASE_MS;
  if (!whole(leaseMs, 1000)) throw new RemindersOptionsError(`reminders: leaseMs must be at least 1000, got ${leaseMs}`);
  const scan = o.scan ?? 'auto';
  if (!['auto', 'one', 'split'].includes(scan)) throw new RemindersOptionsError(`reminders: scan must be auto, one or split, got ${JSON.stringify(scan)}`);
  return { ladder, batch, leaseMs, scan };
}

/**
 * What the run reads: open tasks due before the 5th workday from today, and tasks not yet signed that
 * were dispatched before the latest workday. Submitted, closed and cancelled tasks owe nothing.
 * `one`: a single $or (both branches indexed on MongoDB: state+deadline, state+dispatchedAt). `split`:
 * one query per state, each with an equality on `state`, which FerretDB's PostgreSQL backend filters in
 * the database (measured on 100,000 tasks: 30 s instead of 46 s for the $or it cannot push down), where
 * its SQLite backend would read the whole collection twice.
 */
export type { ScanPlan };

export function reminderQueries(today: LocalDate, cal: WorkCalendar, tz: string, plan: ScanPlan = 'one'): Record<string, unknown>[] {
  const w = reminderWindow(today, cal);
  const due = { deadline: { $lt: w.deadlineBefore } };
  const unsigned = { dispatchedAt: { $lt: startOfDay(w.signDispatchedBefore, tz) } };
  if (plan === 'split') return [{ state: 'in_progress', ...due }, { state: 'dispatched', $or: [due, unsigned] }];
  return [{ $or: [{ state: { $in: ['dispatched', 'in_progress'] }, ...due }, { state: 'dispatched', ...unsigned }] }];
}

/** How the database filters tasks (TaskScan.plan: asked once per connection). */
export function scanPlanOf(deps: Pick<AppDeps, 'taskScan'>): Promise<ScanPlan> {
  return deps.taskScan.plan();
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

interface RunStart {
  runId: string;
  plan: ScanPlan;
  /** The last day a run went through everything: letters and leader reports are offered only past it. */
  since?: LocalDate;
  /** Runs that stopped half-way, and what they had claimed (claim key → run). */
  stopped: string[];
  inherited: Map<string, string>;
  /** Today's daily claims, read when the job runs again the same day (see below). */
  taken: Set<string>;
}

async function startRun(ctx: JobContext, opts: Required<RemindersOptions>): Promise<RunStart> {
  const { deps, today, at } = ctx;
  const { reminderLedger: ledger, locks } = deps;
  const runId = `${today}:${randomBytes(4).toString('hex')}`;
  const runDoc: ReminderRun = { _id: runId, day: today, at, startedAt: machineDate(), state: 'started', owner: locks.owner };
  await ledger.startRun(runDoc);
  const unfinished = await ledger.unfinished(runId);
  // Under the runner this run holds the job's lease, which a run of it keeps only by renewing it: every
  // other run still `started` died (or lost the lease and stops before queueing more), and its claims
  // are this run's to send — so a killed instance's run is finished about a lease later.
  const stopped = unfinished.filter((r) => ctx.lease || r.startedAt.getTime() < machineNow() - opts.leaseMs).map((r) => r._id);
  const inherited = new Map<string, string>();
  if (stopped.length) for (const c of await ledger.claimsOfRuns(stopped)) inherited.set(c._id, c.run);
  const plan = opts.scan === 'auto' ? await scanPlanOf(deps) : opts.scan;
  // a day some run left unfinished is not gone through: what it claimed may still be owed
  let since = await ledger.lastDoneDay(today);
  for (const u of unfinished) if (since !== undefined && u.day <= since) since = addDays(u.day, -1);
  // Run again the same day, today's claims are all taken. FerretDB on PostgreSQL refuses a taken claim
  // slowly (one document at a time: 37 s for 41,000) but reads them by day quickly, so there they are
  // read first; on SQLite refusals are quick and a read costs a scan of every claim.
  const taken = new Set<string>();
  if (plan === 'split' && (await ledger.doneOn(today))) {
    for (const id of await ledger.dailyClaimsOf(today)) taken.add(id);
  }
  return { runId, plan, since, stopped, inherited, taken };
}

/** Streams the tasks, works out what each is owed today and claims it: what this run (or a stopped one) now owes. */
async function claimOwed(ctx: JobContext, opts: Required<RemindersOptions>, r: RunStart, ms: Record<string, number>): Promise<{ owed: Owed[]; tasks: number; skipped: number; orders: Set<string> }> {
  const { deps, today } = ctx;
  const { reminderLedger, taskScan, settings, cal, log } = deps;
  const owed: Owed[] = [];
  // Daily claims are new on a day's first run; per-deadline ones (letter, leader) are mostly taken on
  // earlier days. Kept apart so each insert is all-new or all-taken: FerretDB inserts a batch that mixes
  // both one document at a time (measured: 33 s instead of 4 s for 33,000 claims on SQLite).
  const pending: Record<'daily' | 'once', Omit<Owed, 'run'>[]> = { daily: [], once: [] };
  let tasks = 0;
  let skipped = 0;
  const orders = new Set<string>(); // the roll-ups whose lights move with these tasks
  const flush = async (which: 'daily' | 'once') => {
    ctx.lease?.check();
    const t0 = performance.now();
    const list = pending[which].filter((p) => !r.taken.has(p.due.key) || r.inherited.has(p.due.key));
    pending[which] = [];
    const claims: ReminderClaim[] = list.map(({ due, task }) => ({ _id: due.key, kind: due.kind, code: task.code, unit: task.leadUnit, group: task.group, day: today, once: which === 'once', run: r.runId, createdAt: machineDate() }));
    const fresh = await reminderLedger.claim(claims);
    for (const p of list) {
      const run = fresh.has(p.due.key) ? r.runId : r.inherited.get(p.due.key);
      if (run) owed.push({ ...p, run });
    }
    ms.claims += took(t0);
  };
  const t0 = performance.now();
  for (const query of reminderQueries(today, cal, settings.tz, r.plan)) {
    for await (const task of taskScan.scan<Brief>(query, TASK_FIELDS, opts.batch, true)) {
      if (task.dispatchedAt > ctx.at) continue; // a slot caught up late leaves out what was dispatched after its moment
      tasks++;
      if (task.order) orders.add(task.order);
      try {
        const dues = remindersDue(task, today, settings.tz, cal, opts.ladder, r.since);
        if (!dues.some((d) => d.kind === 'leader')) task.reports = []; // only the leader's card shows the last report
        for (const due of dues) pending[ONCE_KINDS.includes(due.kind) ? 'once' : 'daily'].push({ due, task });
      } catch (e) {
        skipped++; // one bad document must not stop everyone's reminders
        log.warn({ code: task.code, err: (e as Error).message }, 'reminders: task skipped');
      }
      if (pending.daily.length >= opts.batch) await flush('daily');
      if (pending.once.length >= opts.batch) await flush('once');
    }
  }
  await flush('daily');
  await flush('once');
  ms.read = took(t0) - ms.claims;
  return { owed, tasks, skipped, orders };
}

const took = (t0: number) => Math.round(performance.now() - t0);

async function runReminders(ctx: JobContext, opts: Required<RemindersOptions>): Promise<Record<string, unknown>> {
  const { deps, today, at } = ctx;
  const { letters: store, reminderLedger, settings, cal, outbox, log } = deps;
  const org = await deps.orgs.get();
  const r = await startRun(ctx, opts);
  // where the time goes, in the result (machine time; FerretDB makes these worth watching)
  const ms = { read: 0, claims: 0, letters: 0, queue: 0 };
  const { owed, tasks, skipped, orders } = await claimOwed(ctx, opts, r, ms);

  let t0 = performance.now();
  const letterOwed = owed.filter((o) => o.due.kind === 'letter');
  ctx.lease?.check();
  const issued = letterOwed.length ? await issueLetters(deps, r.runId, today, letterOwed) : [];
  const stoppedLetters = r.stopped.length ? await store.ofRuns(r.stopped) : [];
  const leaderOwed = owed.filter((o) => o.due.kind === 'leader');
  const lettersOf = new Map<string, Letter>();
  if (leaderOwed.length) for (const l of await store.ofTasks(leaderOwed.map((o) => o.task.code))) lettersOf.set(`${l.code}|${l.deadline}`, l);
  ms.letters = took(t0);

  t0 = performance.now();
  const mc: MessageContext = { org, today, tz: settings.tz, light: (t) => lightOf(t, at, settings.tz, cal, settings.lights) };
  // queued in slices as they are built: thousands of letter cards never sit in memory at once
  let messages = 0;
  const sends: OutboxItem[] = []; // what went to whom, in words in the result (the first SENT_LINES receivers)
  // background writes: after the answers of the moment, in slices an answer would not wait long behind
  const put = async (items: OutboxItem[]) => {
    for (let i = 0; i < items.length; i += 200) {
      ctx.lease?.check(); // the lease lost: whoever took it over sends the rest
      await outbox.put(items.slice(i, i + 200), 'after');
    }
    messages += items.length;
    for (const x of items) if (x.kind === 'send' && sends.length < 2000) sends.push(x);
  };
  const digests = unitDigests(mc, owed);
  await put(digests.items);
  await put(groupCopies(mc, owed));
  const refreshes = cardRefreshes(owed, today);
  for (let i = 0; i < refreshes.length; i += 250) await put(await deps.tasks.expand(refreshes.slice(i, i + 250)));
  const rollups = rollupRefreshes(orders, today);
  for (let i = 0; i < rollups.length; i += 250) await put(await deps.tasks.expand(rollups.slice(i, i + 250)));
  const letters = [...issued, ...stoppedLetters];
  const undeliverable = [...digests.undeliverable];
  for (let i = 0; i < letters.length; i += 250) {
    const slice = letters.slice(i, i + 250);
    const items = slice.map((l) => letterItems(org, l));
    items.forEach((x, j) => x.length || undeliverable.push(`letter ${slice[j]._id} ${slice[j].code}`));
    await put(items.flat());
  }
  for (let i = 0; i < leaderOwed.length; i += 250) {
    const slice = leaderOwed.slice(i, i + 250);
    const items = slice.map((o) => leaderItems(mc, o, lettersOf.get(`${o.task.code}|${o.task.deadline}`)));
    items.forEach((x, j) => x.length || undeliverable.push(slice[j].due.key));
    await put(items.flat());
  }
  ms.queue = took(t0);
  // on the record: each reminder and letter once (by its claim or number; a letter as the letter itself)
  await recordSteps(deps, [...owed.filter((o) => o.due.kind !== 'letter').map((o) => reminderStep({ _id: o.due.key, kind: o.due.kind, code: o.task.code, unit: o.task.leadUnit, group: o.task.group, day: today }, at)), ...letters.map(letterStep)]);
  // nobody to send to: a unit with no chat and no official with an open_id, a leader without one
  if (undeliverable.length) log.warn({ claims: undeliverable.slice(0, 20), count: undeliverable.length }, 'reminders: owed but nobody to send them to');
  await reminderLedger.finishRun(r.runId, machineDate());
  if (r.stopped.length) await reminderLedger.recovered(r.stopped, r.runId);

  const count = (k: string) => owed.filter((o) => o.due.kind === k).length;
  const lines = sentLines(org, sends);
  return { sent: lines.slice(0, SENT_LINES), more: Math.max(0, lines.length - SENT_LINES), plan: r.plan, since: r.since ?? null, tasks, sign: count('sign'), due3: count('due3'), due1: count('due1'), due0: count('due0'), overdue: count('overdue'), letters: issued.length, leaders: leaderOwed.length, rollups: rollups.length, messages, skipped, undeliverable: undeliverable.length, recovered: r.stopped.length, ms };
}

/**
 * Numbers letters under the year's lock, after the highest one issued that year: unique (a unique
 * index as well) and without gaps (an ordered insert stops at the first failure, leaving no hole).
 * Tasks that already have a letter for their deadline get none.
 */
async function issueLetters(deps: AppDeps, runId: string, today: LocalDate, owed: Owed[]): Promise<Letter[]> {
  const { letters: store, locks } = deps;
  const year = Number(today.slice(0, 4));
  const ordered = [...owed].sort((a, b) => a.task.deadline.localeCompare(b.task.deadline) || a.task.code.localeCompare(b.task.code));
  return locks.withLock(
    `seq:letter:${year}`,
    async () => {
      const have = new Set((await store.deadlinesOf(ordered.map((o) => o.task.code))).map((l) => `${l.code}|${l.deadline}`));
      let number = await store.lastNumber(year);
      const docs: Letter[] = [];
      for (const { task: t, due } of ordered) {
        if (have.has(`${t.code}|${t.deadline}`)) continue;
        number++;
        docs.push({ _id: `${year}-${number}`, year, number, code: t.code, title: t.title, deadline: t.deadline, unit: t.leadUnit, group: t.group, issuedOn: today, overdueWorkdays: due.overdueWorkdays, run: runId, createdAt: machineDate() });
      }
      // in order: a failure stops there, so the numbers issued stay without a gap
      await store.addInOrder(docs);
      return docs;
    },
    { ttlMs: 5 * 60_000, waitMs: 60_000 },
  );
}
