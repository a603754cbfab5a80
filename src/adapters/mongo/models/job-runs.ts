import { Schema } from 'mongoose';
import type { JobRun } from '../../../app/ports/job-runs';

/** job_runs: one row per job slot; its _id (name@slot) makes each slot run once across instances. */
export const JOB_RUN_SCHEMA_VERSION = 1;

export type JobRunDoc = JobRun;
export const jobRunSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    slot: { type: Date, required: true },
    trigger: { type: String, required: true },
    owner: String,
    startedAt: { type: Date, required: true },
    endedAt: Date,
    status: { type: String, required: true },
    result: Schema.Types.Mixed,
    error: String,
    schemaVersion: { type: Number, default: JOB_RUN_SCHEMA_VERSION },
  },
  { collection: 'job_runs', versionKey: false, minimize: false },
);
jobRunSchema.index({ name: 1, slot: -1 });
jobRunSchema.index({ startedAt: -1 });
jobRunSchema.index({ name: 1, startedAt: -1 }); // /api/jobs?name=, the dashboard's last run
