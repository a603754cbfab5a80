import { Schema } from 'mongoose';
import type { OutboxItem } from '../../../app/outbox-item';

/**
 * escalations (docs/rules.md#escalation): a task a group has put on its city leader's agenda. Created by a unique insert
 * and changed only under its lock (FerretDB's updates are read-modify-write); every change is also
 * written to `audits`.
 */
export const ESCALATION_SCHEMA_VERSION = 1;

export const ESCALATION_STATES = ['pending', 'scheduled', 'instructed', 'decided', 'closed'] as const;
export type EscalationDocState = (typeof ESCALATION_STATES)[number];
/** On the leader's agenda: accepted by the group, no meeting decision yet. */
export const AGENDA_STATES: readonly EscalationDocState[] = ['pending', 'scheduled', 'instructed'];

export interface EscalationDoc {
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
  state: EscalationDocState;
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
  owed?: OutboxItem[]; // messages a change owes until relayed (see app/leaders/owed-docs.ts)
  owedAt?: Date | null;
  schemaVersion?: number;
}
export const escalationSchema = new Schema(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    requestId: { type: String, required: true },
    leader: { type: String, required: true },
    group: { type: String, required: true },
    unit: { type: String, required: true },
    title: { type: String, required: true },
    deadline: { type: String, required: true },
    units: { type: [String], default: [] },
    reason: { type: String, default: '' },
    opinion: { type: String, default: '' },
    urgent: { type: Boolean, default: false },
    state: { type: String, enum: ESCALATION_STATES, required: true },
    raisedBy: String,
    acceptedBy: String,
    acceptedAt: Date,
    scheduledAt: Date,
    instruction: String,
    instructedAt: Date,
    meetingId: String,
    meetingDate: String,
    followUps: { type: [String], default: [] },
    doneFollowUps: { type: [String], default: [] },
    closedAt: Date,
    rev: { type: Number, default: 1 },
    owed: { type: [Schema.Types.Mixed], default: [] },
    owedAt: { type: Date, default: null },
    schemaVersion: { type: Number, default: ESCALATION_SCHEMA_VERSION },
  },
  { collection: 'escalations', versionKey: false, minimize: false },
);
escalationSchema.index({ leader: 1, state: 1 }); // a leader's agenda
escalationSchema.index({ state: 1, acceptedAt: 1 }); // lists, the city-wide agenda
escalationSchema.index({ code: 1 });
escalationSchema.index({ owedAt: 1 });
escalationSchema.index({ group: 1, state: 1 }); // /api/escalations?group=

