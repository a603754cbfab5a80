import type { Feature } from '../../app/feature';
import { remindersJob, type RemindersOptions } from './job';

/**
 * Reminders and letters (docs/rules.md#reminders-and-letters): the `reminders` job (job.ts) claims each
 * reminder of the ladder once and queues the day's cards and 督导提示函 (messages.ts builds them). The
 * runner (src/jobs/runner.ts) schedules it; its slot is `reminders` in DEFAULT_SCHEDULES (src/config.ts).
 */
export function remindersFeature(options: RemindersOptions = {}): Feature {
  return { name: 'reminders', jobs: [remindersJob(options)] };
}
