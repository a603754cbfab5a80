import type { LocalDate } from './time';

/** The task (督办事项) (docs/rules.md#tasks-and-their-states): its data, states and audit entries. Behaviour lives in task-actions.ts. */

export const TASK_STATES = ['dispatched', 'in_progress', 'submitted', 'closed', 'cancelled'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const OPEN_STATES: readonly TaskState[] = ['dispatched', 'in_progress', 'submitted'];
export const STATE_LABEL: Record<TaskState, string> = {
  dispatched: '待签收',
  in_progress: '办理中',
  submitted: '待审核',
  closed: '已办结',
  cancelled: '已撤销',
};

export const PRIORITIES = ['一般', '重要', '紧急'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const SOURCES = ['日常督导', '明察暗访', '领导交办', '调度会', '现场督导', '专题协调会', '其他'] as const;
export type TaskSource = (typeof SOURCES)[number];
export const DEFAULT_CATEGORIES = ['重点项目', '问题整改', '征迁', '信访', '巡视整改', '其他'] as const;

export type EvidenceKind = 'image' | 'file' | 'link' | 'docno';
export interface Evidence {
  kind: EvidenceKind;
  key?: string; // image_key / file_key
  name?: string; // file name
  url?: string; // link
  text?: string; // 文号
  messageId?: string; // the message that carried it
}

export interface ProgressReport {
  at: Date;
  by: string; // person code
  unit: string; // the unit the reporter spoke for
  percent: number;
  content: string;
  evidence: Evidence[];
  via: 'card' | 'reply' | 'command';
  /** The chat message it came from (replies and commands): one report per message. */
  source?: string;
}

export type RequestKind = 'close' | 'extension' | 'escalation';
export type RequestState = 'pending' | 'approved' | 'rejected';
export interface TaskRequest {
  id: string;
  kind: RequestKind;
  state: RequestState;
  at: Date;
  by: string;
  content?: string; // close: what was done
  newDeadline?: LocalDate; // extension
  reason?: string; // extension, escalation
  units?: string[]; // escalation: units involved
  decidedAt?: Date;
  decidedBy?: string;
  opinion?: string; // reviewer's reason / analysis
}

export interface AuditEntry {
  seq: number;
  at: Date;
  by: string; // person code, or 'system'
  action: string;
  note?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  /** What the command came from (its chat message, or `card:<event id>`): run again, it is refused */
  source?: string;
}

export interface Milestone {
  date: LocalDate;
  label: string;
}

/**
 * The file an order was read from (docs/rules.md#dispatch-from-a-file): its evidence of origin. The bytes
 * stay in Feishu (the message and key fetch them again); the hash shows the file was not changed since.
 */
export interface SourceFile {
  messageId: string;
  fileKey: string;
  name: string;
  sha256: string;
  bytes: number;
}

export interface Task {
  code: string; // DB-2026-0001
  origin: string; // idempotency key of the step that created it
  order?: string; // the dispatch order it came with (its group roll-up card)
  sourceFile?: SourceFile; // the notice file the order was read from
  title: string;
  content: string;
  category: string;
  categoryLabel?: string; // the written label when it was outside the configured list
  source: TaskSource;
  sourceLabel?: string;
  priority: Priority;
  leadUnit: string;
  coUnits: string[];
  group: string;
  dispatcher: string;
  dispatchedAt: Date;
  deadline: LocalDate;
  originalDeadline: LocalDate;
  milestones: Milestone[];
  state: TaskState;
  acceptedAt?: Date;
  acceptedBy?: string;
  submittedAt?: Date;
  closedAt?: Date;
  cancelledAt?: Date;
  progress: number;
  reports: ProgressReport[];
  requests: TaskRequest[];
  returns: number; // completion requests returned at review
  strict: boolean; // 有所不为: strictly urged (reminders a workday earlier, copy to the 组长)
  escalationId?: string;
  meetingId?: string;
  project?: string; // XM-…: the project it belongs to (the project keeps the code too)
  rev: number;
  history: AuditEntry[];
}

/**
 * The seq of a task's next audit entry. Older entries may have moved out of the task (only the latest
 * ones stay embedded), so it follows the highest seq, not the count.
 */
export function nextSeq(t: Pick<Task, 'history'>): number {
  return t.history.reduce((m, e) => Math.max(m, e.seq), 0) + 1;
}

export function isOpen(t: Pick<Task, 'state'>): boolean {
  return OPEN_STATES.includes(t.state);
}

export function pendingRequest(t: Task, kind?: RequestKind): TaskRequest | undefined {
  return t.requests.find((r) => r.state === 'pending' && (!kind || r.kind === kind));
}

export function taskCode(year: number, seq: number): string {
  return `DB-${year}-${String(seq).padStart(4, '0')}`;
}

export const TASK_CODE = /^DB-(\d{4})-(\d{4,})$/i;
