import { Schema } from 'mongoose';
import { ESCALATION_STATES, type Escalation } from '../../../app/ports/escalations';
import type { OwedFields } from '../owed-docs';

/**
 * escalations (docs/rules.md#escalation): a task a group has put on its city leader's agenda. Created by a unique insert
 * and changed only under its lock (FerretDB's updates are read-modify-write); every change is also
 * written to `audits`.
 */
export const ESCALATION_SCHEMA_VERSION = 1;

export type EscalationDoc = Escalation & OwedFields;
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

