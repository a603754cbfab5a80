import { insertNew } from '../adapters/mongo/insert-new';
import { AUDIT_SCHEMA_VERSION } from '../adapters/mongo/models/audits';
import type { LetterDoc } from '../adapters/mongo/models/letters';
import type { ReminderClaimDoc } from '../adapters/mongo/models/reminder-claims';
import type { ReminderKind } from '../domain/reminders';
import type { AppDeps } from './deps';
import { machineDate } from '../clock';

/**
 * What the `reminders` job sends, put on the record: one audits entry per reminder claimed and per
 * 督导提示函 issued, keyed by the claim or the letter (`reminder:<claim key>`, `letter:2026-3`), so a run
 * again, a recovered run and the backfill at start write each once. The claims themselves are pruned
 * after a while (cleanup job); these entries stay.
 */
export const REMINDER_WORDS: Record<ReminderKind, string> = {
  sign: '催签',
  due3: '到期提醒（剩 3 个工作日）',
  due1: '到期提醒（剩 1 个工作日）',
  due0: '今日到期提醒',
  overdue: '超期通知',
  letter: '督导提示函',
  leader: '超期报告挂钩市领导',
};

type ClaimLike = Pick<ReminderClaimDoc, '_id' | 'kind' | 'code' | 'unit' | 'group' | 'day'>;

interface StepDoc {
  _id: string;
  entity: string;
  task?: string;
  at: Date;
  by: string;
  action: string;
  note: string;
  after?: Record<string, unknown>;
  schemaVersion: number;
}

export function reminderStep(c: ClaimLike, at: Date): StepDoc {
  const kind = c.kind as ReminderKind;
  return { _id: `reminder:${c._id}`, entity: `task:${c.code}`, task: c.code, at, by: 'system', action: `remind_${kind}`, note: `${REMINDER_WORDS[kind] ?? kind}（${c.day}）`, after: { unit: c.unit, group: c.group }, schemaVersion: AUDIT_SCHEMA_VERSION };
}

export function letterStep(l: LetterDoc): StepDoc {
  return {
    _id: `letter:${l._id}`,
    entity: `letter:${l._id}`,
    task: l.code,
    at: l.createdAt,
    by: 'system',
    action: 'letter',
    note: `督导提示函〔${l.year}〕第${l.number}号：截止 ${l.deadline}，超期 ${l.overdueWorkdays} 个工作日`,
    after: { unit: l.unit, group: l.group, deadline: l.deadline },
    schemaVersion: AUDIT_SCHEMA_VERSION,
  };
}

/** Writes the steps not yet on the record; answers how many were new. */
export async function recordSteps(deps: Pick<AppDeps, 'models'>, steps: StepDoc[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < steps.length; i += 1000) added += (await insertNew(deps.models.audits as never, steps.slice(i, i + 1000) as never[])).size;
  return added;
}

/**
 * At start: the reminders and letters sent before they were put on the record, from the claims still
 * kept and every letter. Once done, a marker entry says so and later starts skip it; were it stopped
 * half-way, it is simply done again (each entry once, by its key).
 */
export async function backfillSteps(deps: Pick<AppDeps, 'models' | 'log'>): Promise<number> {
  const marker = 'backfill:reminders-letters:1';
  const { models } = deps;
  if (await models.audits.exists({ _id: marker })) return 0;
  let added = 0;
  let batch: StepDoc[] = [];
  const flush = async () => {
    added += await recordSteps(deps, batch);
    batch = [];
  };
  for await (const c of models.reminderClaims.find({ kind: { $ne: 'letter' } }, { _id: 1, kind: 1, code: 1, unit: 1, group: 1, day: 1, createdAt: 1 }).lean<(ClaimLike & { createdAt: Date })[]>().cursor()) {
    batch.push(reminderStep(c, c.createdAt));
    if (batch.length >= 1000) await flush();
  }
  for await (const l of models.letters.find({}).lean<LetterDoc[]>().cursor()) {
    batch.push(letterStep(l));
    if (batch.length >= 1000) await flush();
  }
  await flush();
  await recordSteps(deps, [{ _id: marker, entity: 'system', at: machineDate(), by: 'system', action: 'backfill', note: `提醒与提示函补记 ${added} 条`, schemaVersion: AUDIT_SCHEMA_VERSION }]);
  if (added) deps.log.info({ added }, 'audit: reminders and letters sent earlier put on the record');
  return added;
}
