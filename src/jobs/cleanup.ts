import type { JobDef } from './runner';
import { machineNow } from '../clock';

/**
 * Removes what is no longer needed (FerretDB has no TTL indexes): processed event ids older than the
 * retention, which must exceed FEISHU_MAX_EVENT_AGE so a replay inside the signature window is still
 * recognised; finished outbox rows; job runs and stale locks.
 */
export function cleanupJob(opts: { eventRetentionMs: number; outboxRetentionMs?: number; runRetentionMs?: number }): JobDef {
  return {
    name: 'cleanup',
    description: '清理过期的事件记录、已发送消息和运行记录',
    async run({ deps }) {
      const now = machineNow(); // retention is wall-clock: it protects against real replays
      const { housekeeping, jobRuns, reminderLedger } = deps;
      const events = await housekeeping.pruneEvents(new Date(now - opts.eventRetentionMs));
      const outbox = await housekeeping.pruneOutbox(new Date(now - (opts.outboxRetentionMs ?? 30 * 86_400_000)));
      const runs = await jobRuns.prune(new Date(now - (opts.runRetentionMs ?? 180 * 86_400_000)));
      const locks = await housekeeping.pruneLocks(new Date(now - 3_600_000));
      // previews nobody confirmed: a confirmed one stays, it records which order made which tasks
      const previews = await housekeeping.prunePreviews(new Date(now - 30 * 86_400_000));
      // daily reminder claims only matter on their day (keys name it); per-deadline ones (leader reports) stay
      const claims = await reminderLedger.pruneDailyClaims(new Date(now - 14 * 86_400_000));
      await reminderLedger.pruneRuns(new Date(now - 90 * 86_400_000));
      return { events, outbox, runs, locks, previews, claims };
    },
  };
}
