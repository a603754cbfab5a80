import { Schema } from 'mongoose';
import type { OutboxItem } from './outbox';

/**
 * The leaders' side (SPEC §6–§7): escalations, meetings (会议纪要), the minutes forms sent, bulletins and
 * appeals. Each document is created by a unique insert and changed only under its lock (FerretDB's
 * updates are read-modify-write); every change is also written to `audits`.
 */
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
  },
  { collection: 'escalations', versionKey: false, minimize: false },
);
escalationSchema.index({ leader: 1, state: 1 }); // a leader's agenda
escalationSchema.index({ state: 1, acceptedAt: 1 }); // lists, the city-wide agenda
escalationSchema.index({ code: 1 });
escalationSchema.index({ owedAt: 1 });

export interface MeetingItem {
  escalationId: string;
  code: string; // the escalated task
  decision: string;
  units: string[];
  deadline: string;
  tasks: string[]; // codes of the tasks made from this decision
}
export interface MeetingDoc {
  _id: string;
  leader: string;
  date: string; // LocalDate of the meeting
  month: string; // YYYY-MM of date (meeting reminder)
  attendees: string;
  items: MeetingItem[];
  /** The decisions planned from the items (domain/minutes.ts), kept so an interrupted recording resumes. */
  decisions: { escalationId: string; item: number; title: string; text: string; leadUnit: string; coUnits: string[]; deadline: string }[];
  by: string; // who recorded it
  via: 'card' | 'api';
  state: 'recording' | 'done';
  createdAt: Date;
}
export const meetingSchema = new Schema(
  {
    _id: { type: String, required: true },
    leader: { type: String, required: true },
    date: { type: String, required: true },
    month: { type: String, required: true },
    attendees: { type: String, default: '' },
    items: { type: [Schema.Types.Mixed], default: [] },
    decisions: { type: [Schema.Types.Mixed], default: [] },
    by: { type: String, required: true },
    via: { type: String, required: true },
    state: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'meetings', versionKey: false, minimize: false },
);
meetingSchema.index({ leader: 1, month: 1 });
meetingSchema.index({ date: -1 });

/** The agenda a minutes form showed, by its id on the submit button: item i of the form is agenda[i]. */
export interface MinutesFormDoc {
  _id: string;
  leader: string;
  agenda: string[]; // escalation ids
  createdAt: Date;
}
export const minutesFormSchema = new Schema(
  { _id: { type: String, required: true }, leader: { type: String, required: true }, agenda: { type: [String], default: [] }, createdAt: { type: Date, required: true } },
  { collection: 'minutes_forms', versionKey: false },
);
minutesFormSchema.index({ createdAt: 1 });

export interface BulletinDoc {
  _id: string;
  kind: '表扬' | '批评';
  title: string;
  body: string;
  items: { code?: string; unit: string; text: string }[];
  publisher: string; // shown as the sender: a group name
  by: string;
  targets: { type: 'chat_id' | 'open_id'; id: string }[];
  date: string;
  createdAt: Date;
}
export const bulletinSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    items: { type: [Schema.Types.Mixed], default: [] },
    publisher: { type: String, required: true },
    by: { type: String, required: true },
    targets: { type: [Schema.Types.Mixed], default: [] },
    date: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'bulletins', versionKey: false, minimize: false },
);
bulletinSchema.index({ createdAt: -1 });

export const APPEAL_STATES = ['pending', 'upheld', 'rejected'] as const;
export type AppealState = (typeof APPEAL_STATES)[number];
export interface AppealDoc {
  _id: string; // AP-DB-2026-0001-1
  code: string;
  unit: string;
  group: string;
  reason: string;
  /** What the appeal is about, as it stood when filed. */
  items: { overdueWorkdays: number; returns: number; letters: string[] };
  state: AppealState;
  by: string;
  at: Date;
  decidedBy?: string;
  decidedAt?: Date;
  opinion?: string;
  rev: number;
  owed?: OutboxItem[];
  owedAt?: Date | null;
}
export const appealSchema = new Schema(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    unit: { type: String, required: true },
    group: { type: String, required: true },
    reason: { type: String, required: true },
    items: { type: Schema.Types.Mixed, required: true },
    state: { type: String, enum: APPEAL_STATES, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
    decidedBy: String,
    decidedAt: Date,
    opinion: String,
    rev: { type: Number, default: 1 },
    owed: { type: [Schema.Types.Mixed], default: [] },
    owedAt: { type: Date, default: null },
  },
  { collection: 'appeals', versionKey: false, minimize: false },
);
appealSchema.index({ state: 1, at: 1 });
appealSchema.index({ code: 1 });
appealSchema.index({ owedAt: 1 });
