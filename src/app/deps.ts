import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { WorkCalendar } from '../domain/calendar';
import type { LightSettings } from '../domain/lights';
import type { Org } from '../domain/org';
import type { RankingWeights } from '../domain/ranking';
import type { Metrics } from '../metrics';
import type { FileMakers } from './files-out';
import type { AuditRecord } from './ports/audit-record';
import type { CardCopies } from './ports/card-copies';
import type { EventClaims } from './ports/event-claims';
import type { LetterRegistry } from './ports/letter-registry';
import type { Locks } from './ports/locks';
import type { Outbox } from './ports/outbox';
import type { OrderLists, PreviewStore } from './ports/previews';
import type { TaskRepository } from './ports/tasks';
import type { AppealStore } from './ports/appeals';
import type { AuditLog } from './ports/audit-log';
import type { BulletinStore } from './ports/bulletins';
import type { EscalationStore } from './ports/escalations';
import type { Housekeeping } from './ports/housekeeping';
import type { JobRunStore } from './ports/job-runs';
import type { LetterStore } from './ports/letters';
import type { MeetingStore } from './ports/meetings';
import type { OutboxFigures } from './ports/outbox-figures';
import type { ReminderLedger } from './ports/reminder-ledger';
import type { TaskScan } from './ports/task-scan';

/** What use cases are given. Built once in main.ts (or by a test harness). */
export interface Settings {
  tz: string;
  lights: LightSettings;
  categories: string[];
  meetingSource: '调度会' | '领导交办';
  /** 晾晒比拼 weights (config RANKING_WEIGHTS); the defaults of domain/ranking.ts when absent. */
  ranking?: RankingWeights;
}

export interface OrgSource {
  get(): Promise<Org>;
  invalidate(): void;
}

export interface AppDeps {
  settings: Settings;
  locks: Locks;
  outbox: Outbox;
  tasks: TaskRepository;
  /** Which card a message is, and the copies of each card. */
  cards: CardCopies;
  previews: PreviewStore;
  orders: OrderLists;
  /** Deliveries taken in once (the bot's dedupe). */
  claims: EventClaims;
  /** The record read as one log, and the reminders' steps put on it. */
  record: AuditRecord;
  /** The 督导提示函 registry's reads. */
  letterRegistry: LetterRegistry;
  orgs: OrgSource;
  clock: Clock;
  cal: WorkCalendar;
  log: Logger;
  /** Makers of the files the bot sends in chat (docs/architecture.md#files-out); features add theirs. */
  files: FileMakers;
  /** Where job runs are counted (src/metrics.ts); absent in command-line scripts. */
  metrics?: Pick<Metrics, 'jobRun'>;
  /** The bot's own open_id (to tell whether a group message @-mentions it), once known. */
  botOpenId(): string | undefined;
  // the leaders' side, the jobs and the admin API (src/app/ports/*)
  escalations: EscalationStore;
  appeals: AppealStore;
  meetings: MeetingStore;
  bulletins: BulletinStore;
  letters: LetterStore;
  audit: AuditLog;
  jobRuns: JobRunStore;
  reminderLedger: ReminderLedger;
  taskScan: TaskScan;
  housekeeping: Housekeeping;
  outboxFigures: OutboxFigures;
}
