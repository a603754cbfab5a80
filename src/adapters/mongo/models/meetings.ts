import { Schema } from 'mongoose';
import type { Meeting } from '../../../app/ports/meetings';

/** meetings (会议纪要): a leader's meeting and the decisions recorded on the escalations it took up. */
export const MEETING_SCHEMA_VERSION = 1;

export type MeetingDoc = Meeting;
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

