import type { Connection, Model, Schema } from 'mongoose';
import { unitSchema, type UnitDoc } from './units';
import { groupSchema, type GroupDoc } from './groups';
import { personSchema, type PersonDoc } from './people';
import { taskSchema, type TaskDoc } from './tasks';
import { taskHistorySchema, type TaskHistoryDoc } from './task-history';
import type { OutboxRow } from '../../../app/outbox-item';
import { outboxSchema } from './outbox';
import { previewSchema, type PreviewDoc } from './previews';
import { lockSchema, type LockDoc } from './locks';
import { processedEventSchema, type ProcessedEventDoc } from './processed-events';
import { jobRunSchema, type JobRunDoc } from './job-runs';
import { cardMessageSchema, type CardMessageDoc } from './card-messages';
import { cardRefSchema, type CardRefDoc } from './card-refs';
import { counterSchema, type CounterDoc } from './counters';
import { taskOriginSchema, type TaskOriginDoc } from './task-origins';
import { auditSchema, type AuditDoc } from './audits';
import { reminderClaimSchema, type ReminderClaimDoc } from './reminder-claims';
import { reminderRunSchema, type ReminderRunDoc } from './reminder-runs';
import { letterSchema, type LetterDoc } from './letters';
import { escalationSchema, type EscalationDoc } from './escalations';
import { meetingSchema, type MeetingDoc } from './meetings';
import { minutesFormSchema, type MinutesFormDoc } from './minutes-forms';
import { bulletinSchema, type BulletinDoc } from './bulletins';
import { appealSchema, type AppealDoc } from './appeals';
import type { GroupMeetingDoc } from '../../../features/group-meetings/ports';
import type { MajorReportDoc } from '../../../features/major-reports/ports';
import { groupMeetingSchema, highlightSchema, majorReportSchema, unitGradeSchema } from './field-records';

/** One file per collection: its schema, document type, indexes and SCHEMA_VERSION constant. */
export interface Models {
  units: Model<UnitDoc>;
  groups: Model<GroupDoc>;
  people: Model<PersonDoc>;
  tasks: Model<TaskDoc>;
  taskHistory: Model<TaskHistoryDoc>;
  outbox: Model<OutboxRow>;
  locks: Model<LockDoc>;
  processedEvents: Model<ProcessedEventDoc>;
  jobRuns: Model<JobRunDoc>;
  cardMessages: Model<CardMessageDoc>;
  cardRefs: Model<CardRefDoc>;
  counters: Model<CounterDoc>;
  taskOrigins: Model<TaskOriginDoc>;
  audits: Model<AuditDoc>;
  previews: Model<PreviewDoc>;
  reminderClaims: Model<ReminderClaimDoc>;
  reminderRuns: Model<ReminderRunDoc>;
  letters: Model<LetterDoc>;
  escalations: Model<EscalationDoc>;
  meetings: Model<MeetingDoc>;
  minutesForms: Model<MinutesFormDoc>;
  bulletins: Model<BulletinDoc>;
  appeals: Model<AppealDoc>;
  // the supervisors' own records (features group-meetings, major-reports, results): typed by their ports
  groupMeetings: Model<GroupMeetingDoc>;
  majorReports: Model<MajorReportDoc>;
  highlights: Model<{ _id: string }>;
  unitGrades: Model<{ _id: string }>;
}

export function defineModels(conn: Connection): Models {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const m = <T>(name: string, schema: Schema<any>): Model<T> => (conn.models[name] ?? conn.model(name, schema)) as unknown as Model<T>;
  return {
    units: m<UnitDoc>('Unit', unitSchema),
    groups: m<GroupDoc>('Group', groupSchema),
    people: m<PersonDoc>('Person', personSchema),
    tasks: m<TaskDoc>('Task', taskSchema),
    taskHistory: m<TaskHistoryDoc>('TaskHistory', taskHistorySchema),
    outbox: m<OutboxRow>('Outbox', outboxSchema),
    locks: m<LockDoc>('Lock', lockSchema),
    processedEvents: m<ProcessedEventDoc>('ProcessedEvent', processedEventSchema),
    jobRuns: m<JobRunDoc>('JobRun', jobRunSchema),
    cardMessages: m<CardMessageDoc>('CardMessage', cardMessageSchema),
    cardRefs: m<CardRefDoc>('CardRef', cardRefSchema),
    counters: m<CounterDoc>('Counter', counterSchema),
    taskOrigins: m<TaskOriginDoc>('TaskOrigin', taskOriginSchema),
    audits: m<AuditDoc>('Audit', auditSchema),
    previews: m<PreviewDoc>('Preview', previewSchema),
    reminderClaims: m<ReminderClaimDoc>('ReminderClaim', reminderClaimSchema),
    reminderRuns: m<ReminderRunDoc>('ReminderRun', reminderRunSchema),
    letters: m<LetterDoc>('Letter', letterSchema),
    escalations: m<EscalationDoc>('Escalation', escalationSchema),
    meetings: m<MeetingDoc>('Meeting', meetingSchema),
    minutesForms: m<MinutesFormDoc>('MinutesForm', minutesFormSchema),
    bulletins: m<BulletinDoc>('Bulletin', bulletinSchema),
    appeals: m<AppealDoc>('Appeal', appealSchema),
    groupMeetings: m<GroupMeetingDoc>('GroupMeeting', groupMeetingSchema),
    majorReports: m<MajorReportDoc>('MajorReport', majorReportSchema),
    highlights: m<{ _id: string }>('Highlight', highlightSchema),
    unitGrades: m<{ _id: string }>('UnitGrade', unitGradeSchema),
  };
}

/** Creates every declared index (FerretDB builds them as SQL indexes; unique ones are enforced). */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models) as Model<unknown>[]) {
    await model.createCollection().catch(() => undefined);
    await model.createIndexes();
  }
}

/**
 * The app's dependencies as main.ts builds them, with the models beside the ports: for the wiring, the
 * organisation import and the tests' seeding; use cases get `AppDeps`, which has no models.
 */
export type WiredDeps = import('../../../app/deps').AppDeps & { models: Models };
