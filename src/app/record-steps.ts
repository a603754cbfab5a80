import type { ReminderKind } from '../domain/reminders';
import type { AppDeps } from './deps';
import { machineDate } from '../clock';
import type { AuditStep, ReminderSent } from './ports/audit-record';
import type { RegisteredLetter } from './ports/letter-registry';

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

type ClaimLike = Pick<ReminderSent, '_id' | 'kind' | 'code' | 'unit' | 'group' | 'day'>;
type LetterLike = Pick<RegisteredLetter, '_id' | 'code' | 'createdAt' | 'year' | 'number' | 'deadline' | 'overdueWorkdays' | 'unit' | 'group'>;

export function reminderStep(c: ClaimLike, at: Date): AuditStep {
  const kind = c.kind as ReminderKind;
  return { _id: `reminder:${c._id}`, entity: `task:${c.code}`, task: c.code, at, by: 'system', action: `remind_${kind}`, note: `${REMINDER_WORDS[kind] ?? kind}（${c.day}）`, after: { unit: c.unit, group: c.group } };
}

export function letterStep(l: LetterLike): AuditStep {
  return {
    _id: `letter:${l._id}`,
    entity: `letter:${l._id}`,
    task: l.code,
    at: l.createdAt,
    by: 'system',
    action: 'letter',
    note: `督导提示函〔${l.year}〕第${l.number}号：截止 ${l.deadline}，超期 ${l.overdueWorkdays} 个工作日`,
    after: { unit: l.unit, group: l.group, deadline: l.deadline },
  };
}

/** Writes the steps not yet on the record; answers how many were new. */
export async function recordSteps(deps: Pick<AppDeps, 'record'>, steps: AuditStep[]): Promise<number> {
  return deps.record.addSteps(steps);
}

/**
 * At start: the reminders and letters sent before they were put on the record, from the claims still
 * kept and every letter. Once done, a marker entry says so and later starts skip it; were it stopped
 * half-way, it is simply done again (each entry once, by its key).
 */
export async function backfillSteps(deps: Pick<AppDeps, 'record' | 'letterRegistry' | 'log'>): Promise<number> {
  const marker = 'backfill:reminders-letters:1';
  if (await deps.record.has(marker)) return 0;
  let added = 0;
  let batch: AuditStep[] = [];
  const flush = async () => {
    added += await recordSteps(deps, batch);
    batch = [];
  };
  for await (const c of deps.record.remindersSent()) {
    batch.push(reminderStep(c, c.createdAt));
    if (batch.length >= 1000) await flush();
  }
  for await (const l of deps.letterRegistry.all()) {
    batch.push(letterStep(l));
    if (batch.length >= 1000) await flush();
  }
  await flush();
  await recordSteps(deps, [{ _id: marker, entity: 'system', at: machineDate(), by: 'system', action: 'backfill', note: `提醒与提示函补记 ${added} 条` }]);
  if (added) deps.log.info({ added }, 'audit: reminders and letters sent earlier put on the record');
  return added;
}
