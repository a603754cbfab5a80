import { Schema } from 'mongoose';
import { PRIORITIES, SOURCES, TASK_STATES, type Task } from '../../../domain/task';
import type { OutboxItem } from '../../../app/outbox-item';

/**
 * tasks: one document per 督办事项, its audit history embedded (appended, never edited) so that a change
 * and its record are one write. `owed` holds the messages a change owes until the relay has put them in
 * the outbox (no multi-document transactions).
 *
 * Version 2: a task keeps only its latest LIMITS.historyEmbedded entries embedded; the relay moves older
 * ones to task_history (task-store.ts). Version-1 documents are moved over by the relay's sweep at start.
 */
export const TASK_SCHEMA_VERSION = 2;

export type TaskDoc = Task & { schemaVersion: number; year: number; seq: number; owed: OutboxItem[]; owedAt: Date | null };

export const taskSchema = new Schema(
  {
    _id: { type: String, required: true }, // = code: single-task reads and writes go by _id
    code: { type: String, required: true },
    year: { type: Number, required: true },
    seq: { type: Number, required: true },
    order: String, // the dispatch order (preview) it came from: its group roll-up card
    sourceFile: Schema.Types.Mixed, // the notice file the order was read from (key, name, sha256, size)
    origin: { type: String, required: true },
    title: { type: String, required: true },
    content: { type: String, default: '' },
    category: { type: String, required: true },
    categoryLabel: String,
    source: { type: String, enum: SOURCES, required: true },
    sourceLabel: String,
    priority: { type: String, enum: PRIORITIES, required: true },
    leadUnit: { type: String, required: true },
    coUnits: { type: [String], default: [] },
    group: { type: String, required: true },
    dispatcher: { type: String, required: true },
    dispatchedAt: { type: Date, required: true },
    deadline: { type: String, required: true },
    originalDeadline: { type: String, required: true },
    milestones: { type: [Schema.Types.Mixed], default: [] },
    state: { type: String, enum: TASK_STATES, required: true },
    acceptedAt: Date,
    acceptedBy: String,
    submittedAt: Date,
    closedAt: Date,
    cancelledAt: Date,
    progress: { type: Number, default: 0 },
    reports: { type: [Schema.Types.Mixed], default: [] },
    requests: { type: [Schema.Types.Mixed], default: [] },
    returns: { type: Number, default: 0 },
    strict: { type: Boolean, default: false },
    escalationId: String,
    meetingId: String,
    project: String,
    rev: { type: Number, required: true },
    history: { type: [Schema.Types.Mixed], default: [] },
    owed: { type: [Schema.Types.Mixed], default: [] },
    owedAt: { type: Date, default: null },
    schemaVersion: { type: Number, default: TASK_SCHEMA_VERSION },
  },
  { collection: 'tasks', versionKey: false, minimize: false },
);
// documents written through the model take their _id from the code
taskSchema.pre('validate', function () {
  if (!this._id && this.code) this._id = this.code;
});
taskSchema.index({ code: 1 }, { unique: true });
taskSchema.index({ origin: 1 }, { unique: true });
taskSchema.index({ year: 1, seq: 1 }); // next code of a year; /api/tasks' order (year -1, seq -1) read backwards
taskSchema.index({ coUnits: 1 }); // the unit filter's $or (its leadUnit branch uses leadUnit_1_state_1)
taskSchema.index({ order: 1 });
taskSchema.index({ state: 1, deadline: 1 }); // reminders, lists by state
taskSchema.index({ leadUnit: 1, state: 1 }); // 我的任务
taskSchema.index({ group: 1, state: 1 }); // a group's tasks
taskSchema.index({ project: 1 }); // a project's tasks on MongoDB (its card reads the codes the project keeps)
taskSchema.index({ dispatchedAt: 1 }); // monthly summary
taskSchema.index({ closedAt: 1 }); // monthly summary
taskSchema.index({ owedAt: 1 }); // outbox relay
taskSchema.index({ escalationId: 1 });
taskSchema.index({ state: 1, dispatchedAt: 1 }); // 催签
taskSchema.index({ strict: 1, state: 1 });
