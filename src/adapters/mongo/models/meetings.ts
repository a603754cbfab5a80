import { Schema } from 'mongoose';

/** meetings (会议纪要): a leader's meeting and the decisions recorded on the escalations it took up. */
export const MEETING_SCHEMA_VERSION = 1;

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
  schemaVersion?: number;
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
    schemaVersion: { type: Number, default: MEETING_SCHEMA_VERSION },
  },
  { collection: 'meetings', versionKey: false, minimize: false },
);
meetingSchema.index({ leader: 1, month: 1 });
meetingSchema.index({ date: -1 });

