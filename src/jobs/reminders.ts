import { messageKey } from '../adapters/mongo/keys';
import type { OutboxItem } from '../adapters/mongo/models/outbox';
import type { LetterDoc, ReminderClaimDoc } from '../adapters/mongo/models/reminders';
import { insertNew } from '../adapters/mongo/insert-new';
import { groupTargets, unitTargets, personTarget, type Target } from '../app/notify';
import { leaderOverdueCard, letterCard, reminderDigestCard, type ReminderItem } from '../cards';
import { lightOf } from '../domain/lights';
import type { Org } from '../domain/org';
import { reminderHorizon, remindersDue, type DueReminder } from '../domain/reminders';
import { OPEN_STATES, type Task } from '../domain/task';
import type { JobContext, JobDef } from './runner';
import { workdaysOnly } from './runner';

/**
 * The `reminders` job (SPEC §7): streams the open tasks that can be owed something today (indexed
 * queries, in batches), claims each reminder once (reminder_claims), and sends a unit's daily reminders
 * as one card, a copy of overdue items to the group, numbered 督导提示函 one per task, and the 7-workday
 * report to the linked leader. Claims not yet in the outbox (a crash) are sent by the next run.
 */
const FIELDS = { code: 1, title: 1, state: 1, deadline: 1, dispatchedAt: 1, progress: 1, closedAt: 1, strict: 1, leadUnit: 1, group: 1, priority: 1, reports: 1 } as const;
type Brief = Pick<Task, keyof typeof FIELDS>;
const DIGEST_KINDS = new Set(['sign', 'due3', 'due1', 'due0', 'overdue']);

async function* openTasksToCheck(ctx: JobContext): AsyncGenerator<Brief> {
  const { models, cal } = ctx.deps;
  const horizon = reminderHorizon(ctx.today, cal);
  const queries = [
    { state: { $in: [...OPEN_STATES] }, deadline: { $lte: horizon } }, // overdue and due soon
    { state: 'dispatched', deadline: { $gt: horizon } }, // not yet signed, due later
  ];
  for (const q of queries) {
    const cursor = models.tasks.collection.find(q, { projection: FIELDS, batchSize: 1000 });
    for await (const t of cursor) yield t as unknown as Brief;
  }
}

export function remindersJob(): JobDef {
  return {
    name: 'reminders',
    description: '催签、到期提醒、超期通知、督导提示函、超期报告市领导',
    when: workdaysOnly,
    async run(ctx) {
      const { deps, today } = ctx;
      const { settings, cal, models, outbox } = deps;
      const org = await deps.orgs.get();
      const now = ctx.at;
      const tasks = new Map<string, Brief>();
      const owed: { claim: ReminderClaimDoc; due: DueReminder }[] = [];
      let checked = 0;
      let batch: { claim: ReminderClaimDoc; due: DueReminder }[] = [];
      const flush = async () => {
        const fresh = await insertNew(models.reminderClaims, batch.map((b) => b.claim));
        for (const b of batch) if (fresh.has(b.claim._id)) owed.push(b);
        batch = [];
      };
      for await (const t of openTasksToCheck(ctx)) {
        checked++;
        for (const due of remindersDue(t, today, settings.tz, cal)) {
          tasks.set(t.code, t);
          batch.push({ due, claim: { _id: due.key, kind: due.kind, code: t.code, unit: t.leadUnit, group: t.group, day: today, sent: false, createdAt: new Date() } });
        }
        if (batch.length >= 500) await flush();
      }
      await flush();
      // claims of today a crashed run left unsent
      const leftover = await models.reminderClaims.find({ day: today, sent: false, createdAt: { $lt: new Date(Date.now() - 60_000) } }).lean<ReminderClaimDoc[]>();
      for (const claim of leftover) {
        if (owed.some((o) => o.claim._id === claim._id)) continue;
        const t = tasks.get(claim.code) ?? (await models.tasks.findOne({ code: claim.code }, FIELDS).lean<Brief>());
        if (!t) continue;
        tasks.set(t.code, t);
        const due = remindersDue(t, today, settings.tz, cal).find((d) => d.key === claim._id);
        if (due) owed.push({ claim, due });
      }

      const items: OutboxItem[] = [];
      const sentClaims: string[] = [];
      const light = (t: Brief) => lightOf(t, now, settings.tz, cal, settings.lights);
      const item = (o: { due: DueReminder }, t: Brief): ReminderItem => ({ code: t.code, title: t.title, kind: o.due.kind as ReminderItem['kind'], light: light(t), deadline: t.deadline });

      // one card per unit listing its items of the day; the group gets a copy of overdue ones
      const byUnit = groupBy(owed.filter((o) => DIGEST_KINDS.has(o.due.kind)), (o) => o.claim.unit);
      for (const [unit, list] of byUnit) {
        const digestItems = list.map((o) => item(o, tasks.get(o.claim.code)!));
        const card = reminderDigestCard({ unitName: org.unitName(unit), date: today, items: digestItems });
        const urgent = list.some((o) => o.due.kind === 'overdue' && tasks.get(o.claim.code)!.priority === '紧急');
        const urgentTo = urgent ? org.officialsOf(unit).flatMap((p) => (p.openId ? [p.openId] : [])) : undefined;
        const ids = list.map((o) => o.claim._id).sort();
        for (const to of unitTargets(org, unit)) items.push({ key: messageKey('digest', unit, today, to.id, ...ids), kind: 'send', to, msgType: 'interactive', content: card, urgentTo });
        sentClaims.push(...ids);
      }
      const copies = owed.filter((o) => o.due.kind === 'overdue' || (tasks.get(o.claim.code)!.strict && DIGEST_KINDS.has(o.due.kind)));
      for (const [key, list] of groupBy(copies, (o) => `${o.claim.group}|${o.claim.unit}`)) {
        const [group, unit] = key.split('|');
        const card = reminderDigestCard({ unitName: org.unitName(unit), date: today, items: list.map((o) => item(o, tasks.get(o.claim.code)!)), copyForGroup: true });
        const strict = list.some((o) => tasks.get(o.claim.code)!.strict);
        const targets: Target[] = [...groupTargets(org, group), ...(strict ? groupTargets(org, group, '组长') : [])];
        const ids = list.map((o) => o.claim._id).sort();
        for (const to of dedupeTargets(targets)) items.push({ key: messageKey('digestcc', group, unit, today, to.id, ...ids), kind: 'send', to, msgType: 'interactive', content: card });
      }
      // 督导提示函: numbered, one per task per deadline, to the unit's 负责人 and the group 组长
      let letters = 0;
      for (const o of owed.filter((x) => x.due.kind === 'letter')) {
        const t = tasks.get(o.claim.code)!;
        const letter = await issueLetter(ctx, t, o.due.overdueWorkdays);
        if (letter) {
          items.push(...letterItems(letter, t, org));
          letters++;
        }
        sentClaims.push(o.claim._id);
      }
      // 7 workdays overdue: a report to the linked city leader
      for (const o of owed.filter((x) => x.due.kind === 'leader')) {
        const t = tasks.get(o.claim.code)!;
        const g = org.group(t.group);
        const leader = g ? org.person(g.cityLeader) : undefined;
        const letter = await models.letters.findOne({ code: t.code, deadline: t.deadline }).lean<LetterDoc>();
        const card = leaderOverdueCard({ leaderName: leader?.name ?? '', task: t, unitName: org.unitName(t.leadUnit), groupName: g?.name ?? t.group, overdueWorkdays: o.due.overdueWorkdays, letterNumber: letter ? letterNumber(letter) : undefined, today, tz: settings.tz });
        for (const to of leader ? personTarget(org, leader.code) : []) items.push({ key: messageKey('leader', t.code, t.deadline, to.id), kind: 'send', to, msgType: 'interactive', content: card });
        sentClaims.push(o.claim._id);
      }
      await outbox.put(items);
      if (sentClaims.length) await models.reminderClaims.updateMany({ _id: { $in: sentClaims } }, { $set: { sent: true } });
      await resendUnsentLetters(ctx, org);
      const count = (k: string) => owed.filter((o) => o.due.kind === k).length;
      return { checked, sign: count('sign'), due3: count('due3'), due1: count('due1'), due0: count('due0'), overdue: count('overdue'), letters, leaderReports: count('leader'), messages: items.length };
    },
  };
}

export function letterNumber(l: Pick<LetterDoc, 'year' | 'number'>): string {
  return `〔${l.year}〕第${l.number}号`;
}

/** Numbers are taken under the year's lock from the highest issued: unique and without gaps. */
async function issueLetter(ctx: JobContext, t: Brief, overdueWorkdays: number): Promise<LetterDoc | null> {
  const { models, locks } = ctx.deps;
  const year = Number(ctx.today.slice(0, 4));
  return locks.withLock(`seq:letter:${year}`, async () => {
    if (await models.letters.exists({ code: t.code, deadline: t.deadline })) return null;
    const last = await models.letters.findOne({ year }, { number: 1 }).sort({ number: -1 }).lean<{ number: number }>();
    const number = (last?.number ?? 0) + 1;
    const doc: LetterDoc = { _id: `${year}-${number}`, year, number, code: t.code, deadline: t.deadline, unit: t.leadUnit, group: t.group, issuedOn: ctx.today, overdueWorkdays, sent: false, createdAt: new Date() };
    await models.letters.collection.insertOne(doc as never);
    return doc;
  });
}

function letterItems(letter: LetterDoc, t: Brief, org: Org): OutboxItem[] {
  const card = letterCard({ number: letterNumber(letter), unitName: org.unitName(letter.unit), task: t, overdueWorkdays: letter.overdueWorkdays, issuedOn: letter.issuedOn, groupName: org.group(letter.group)?.name ?? letter.group });
  const heads = unitTargets(org, letter.unit, '负责人');
  const to = dedupeTargets([...(heads.length ? heads : unitTargets(org, letter.unit, '联络员')), ...groupTargets(org, letter.group, '组长')]);
  return to.map((target) => ({ key: messageKey('letter', letter._id, target.id), kind: 'send', to: target, msgType: 'interactive', content: card, urgentTo: target.type === 'open_id' ? [target.id] : undefined }));
}

async function resendUnsentLetters(ctx: JobContext, org: Org): Promise<void> {
  const { models, outbox } = ctx.deps;
  const unsent = await models.letters.find({ sent: false }).lean<LetterDoc[]>();
  for (const letter of unsent) {
    const t = await models.tasks.findOne({ code: letter.code }, FIELDS).lean<Brief>();
    if (t) await outbox.put(letterItems(letter, t, org));
    await models.letters.updateOne({ _id: letter._id }, { $set: { sent: true } });
  }
}

function groupBy<T>(list: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}

function dedupeTargets(ts: Target[]): Target[] {
  const seen = new Set<string>();
  return ts.filter((t) => (seen.has(t.id) ? false : (seen.add(t.id), true)));
}
