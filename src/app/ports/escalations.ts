import type { OwedDocStore, Page } from './owed-docs';

/**
 * Escalations (docs/rules.md#escalation): a task a group has put on its city leader's agenda, created
 * once and changed under its lock (OwedDocStore).
 */
export const ESCALATION_STATES = ['pending', 'scheduled', 'instructed', 'decided', 'closed'] as const;
export type EscalationRecordState = (typeof ESCALATION_STATES)[number];
/** On the leader's agenda: accepted by the group, no meeting decision yet. */
export const AGENDA_STATES: readonly EscalationRecordState[] = ['pending', 'scheduled', 'instructed'];

export interface Escalation {
  _id: string; // DB-2026-0001-E1
  code: string; // the escalated task
  requestId: string;
  leader: string; // person code of the linked city leader
  group: string;
  unit: string; // the task's lead unit
  title: string;
  deadline: string;
  units: string[]; // units involved
  reason: string;
  opinion: string; // the group's analysis and proposal
  urgent: boolean;
  state: EscalationRecordState;
  raisedBy: string;
  acceptedBy: string;
  acceptedAt: Date;
  scheduledAt?: Date;
  instruction?: string;
  instructedAt?: Date;
  meetingId?: string;
  meetingDate?: string;
  followUps: string[]; // task codes decided at the meeting
  doneFollowUps: string[]; // of those, closed or cancelled
  closedAt?: Date;
  rev: number;
  schemaVersion?: number;
}

export interface EscalationFilter {
  state?: EscalationRecordState;
  leader?: string;
  group?: string;
  code?: string;
}

export interface EscalationStore extends OwedDocStore<Escalation> {
  /** The leader's agenda (every leader's when none is named), oldest accepted first. */
  agenda(leader?: string): Promise<Escalation[]>;
  /** The escalations with these ids that exist, in no particular order. */
  byIds(ids: string[]): Promise<Escalation[]>;
  /** Newest accepted first. */
  list(filter: EscalationFilter, limit: number, offset: number): Promise<Page<Escalation>>;
}
