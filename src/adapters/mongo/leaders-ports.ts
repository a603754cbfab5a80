import type { Clock } from '../../clock';
import type { AppDeps } from '../../app/deps';
import { MongoAppeals } from './appeal-store';
import { MongoAuditLog } from './audit-log';
import { MongoBulletins } from './bulletin-store';
import { MongoEscalations } from './escalation-store';
import { MongoHousekeeping } from './housekeeping';
import { MongoJobRuns } from './job-run-store';
import { MongoLetters } from './letter-store';
import type { Locks } from './lock';
import { MongoMeetings } from './meeting-store';
import type { Models } from './models';
import { MongoOutboxFigures } from './outbox-figures';
import type { Relay } from './owed-docs';
import { MongoReminderLedger } from './reminder-ledger';
import { MongoTaskScan } from './task-scan';

export type LeadersPorts = Pick<AppDeps, 'escalations' | 'appeals' | 'meetings' | 'bulletins' | 'letters' | 'audit' | 'jobRuns' | 'reminderLedger' | 'taskScan' | 'housekeeping' | 'outboxFigures'>;

/** The ports of the leaders' side, the jobs and the admin API (src/app/ports/*) on one database. */
export function mongoLeadersPorts(models: Models, o: { locks: Locks; relay: Relay; clock: Clock }): LeadersPorts {
  const audit = new MongoAuditLog(models);
  const owed = { ...o, audit };
  return {
    escalations: new MongoEscalations(models.escalations, owed),
    appeals: new MongoAppeals(models.appeals, owed),
    meetings: new MongoMeetings(models),
    bulletins: new MongoBulletins(models),
    letters: new MongoLetters(models),
    audit,
    jobRuns: new MongoJobRuns(models),
    reminderLedger: new MongoReminderLedger(models),
    taskScan: new MongoTaskScan(models),
    housekeeping: new MongoHousekeeping(models),
    outboxFigures: new MongoOutboxFigures(models),
  };
}
