import { Schema } from 'mongoose';

/**
 * reminder_claims: a reminder owed to a task is claimed by inserting its key (task:kind:day, or
 * task:kind:deadline for once-only kinds), so it goes out once however often and on however many
 * instances the job runs. `sent` turns true once its message is in the outbox; unsent claims are picked
 * up again by the next run (a crash in between loses nothing).
 */
export interface ReminderClaimDoc {
  _id: string;
  kind: string;
  code: string;
  unit: string;
  group: string;
  day: string;
  sent: boolean;
  createdAt: Date;
}
export const reminderClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    code: { type: String, required: true },
    unit: { type: String, required: true },
    group: { type: String, required: true },
    day: { type: String, required: true },
    sent: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
  },
  { collection: 'reminder_claims', versionKey: false },
);
reminderClaimSchema.index({ day: 1, sent: 1 });
reminderClaimSchema.index({ code: 1 });

/** letters: 督导提示函, numbered 〔YYYY〕第N号 without gaps per year; one per task per deadline in force. */
export interface LetterDoc {
  _id: string; // YYYY-N
  year: number;
  number: number;
  code: string;
  deadline: string;
  unit: string;
  group: string;
  issuedOn: string;
  overdueWorkdays: number;
  sent: boolean;
  appeal?: { state: 'pending' | 'upheld' | 'revoked'; reason: string; by: string; at: Date; decidedBy?: string; decidedAt?: Date; opinion?: string };
  createdAt: Date;
}
export const letterSchema = new Schema(
  {
    _id: { type: String, required: true },
    year: { type: Number, required: true },
    number: { type: Number, required: true },
    code: { type: String, required: true },
    deadline: { type: String, required: true },
    unit: { type: String, required: true },
    group: { type: String, required: true },
    issuedOn: { type: String, required: true },
    overdueWorkdays: { type: Number, required: true },
    sent: { type: Boolean, default: false },
    appeal: Schema.Types.Mixed,
    createdAt: { type: Date, required: true },
  },
  { collection: 'letters', versionKey: false },
);
letterSchema.index({ year: 1, number: 1 }, { unique: true });
letterSchema.index({ code: 1, deadline: 1 }, { unique: true });
letterSchema.index({ sent: 1 });
letterSchema.index({ unit: 1, issuedOn: 1 });
