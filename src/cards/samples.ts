import fs from 'node:fs';
import path from 'node:path';
import { Org, type OrgData } from '../domain/org';
import type { Task } from '../domain/task';
import { dispatchFormCard, dispatchPreviewCard, type DispatchFormInput, type DispatchPreviewInput } from './dispatch-cards';
import { escalationCard, minutesFormCard, type EscalationInput, type MinutesFormInput } from './leader-cards';
import { myTasksCard, rollupCard, weeklyDigestCard, type MyTasksInput, type RollupInput, type WeeklyDigestInput } from './list-cards';
import { bulletinCard, helpCard, noticeCard, type BulletinInput, type HelpInput, type NoticeInput } from './message-cards';
import { leaderOverdueCard, letterCard, reminderDigestCard, urgeCard, type LeaderOverdueInput, type LetterInput, type ReminderDigestInput, type UrgeInput } from './reminder-cards';
import { monthlySummaryCard, statsCard, type MonthlySummaryInput, type StatsInput } from './stats-cards';
import { taskCard, type TaskCardContext } from './task-card';
import type { Card } from './template';
import { PATHS } from '../paths';

/**
 * Sample inputs in cards/samples/NAME.json — `{"card": "<builder>", "input": {...}}` — for the preview
 * script and the snapshot tests. Files starting with `_` are shared data: `_org.json` (the demo
 * organisation) and `_task.json` (a task that task samples override field by field).
 * ISO date-times in samples become Dates; `YYYY-MM-DD` stays a LocalDate.
 */
export const SAMPLE_DIR = PATHS.cardSamples;

type Input = Record<string, unknown>;

function read(name: string): unknown {
  const text = fs.readFileSync(path.join(SAMPLE_DIR, `${name}.json`), 'utf8');
  return JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) ? new Date(v) : v));
}

export function sampleOrg(): Org {
  return new Org(read('_org') as OrgData);
}

export function sampleTask(overrides: Partial<Task> = {}): Task {
  return { ...(read('_task') as Task), ...overrides };
}

function task(i: Input): Card {
  const org = sampleOrg();
  const ctx = i as unknown as Omit<TaskCardContext, 'org'> & { task?: Partial<Task> };
  return taskCard(sampleTask(ctx.task), { ...ctx, org });
}

const as = <T>(f: (x: T) => Card) => (i: Input) => f(i as unknown as T);

export const SAMPLE_BUILDERS: Record<string, (input: Input) => Card> = {
  task,
  'dispatch-preview': as<DispatchPreviewInput>(dispatchPreviewCard),
  'dispatch-form': as<DispatchFormInput>(dispatchFormCard),
  rollup: as<RollupInput>(rollupCard),
  'my-tasks': as<MyTasksInput>(myTasksCard),
  stats: as<StatsInput>(statsCard),
  help: as<HelpInput>(helpCard),
  urge: as<UrgeInput>(urgeCard),
  'reminder-digest': as<ReminderDigestInput>(reminderDigestCard),
  letter: as<LetterInput>(letterCard),
  'leader-overdue': as<LeaderOverdueInput>(leaderOverdueCard),
  'weekly-digest': as<WeeklyDigestInput>(weeklyDigestCard),
  escalation: as<EscalationInput>(escalationCard),
  'minutes-form': as<MinutesFormInput>(minutesFormCard),
  'monthly-summary': as<MonthlySummaryInput>(monthlySummaryCard),
  bulletin: as<BulletinInput>(bulletinCard),
  notice: as<NoticeInput>(noticeCard),
};

export function listSamples(): string[] {
  return fs
    .readdirSync(SAMPLE_DIR)
    .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** The builder a sample is for (its `card` field). */
export function sampleCardName(name: string): string | undefined {
  return (read(name) as { card?: string }).card;
}

export function buildSample(name: string): Card {
  const s = read(name) as { card?: string; input?: Input };
  const builder = s.card ? SAMPLE_BUILDERS[s.card] : undefined;
  if (!builder) throw new Error(`cards/samples/${name}.json: unknown card "${String(s.card)}" (known: ${Object.keys(SAMPLE_BUILDERS).join(', ')})`);
  return builder(s.input ?? {});
}
