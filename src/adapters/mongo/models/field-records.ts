import { Schema } from 'mongoose';

/**
 * The supervisors' own records (docs/rules.md#group-coordination-meetings, docs/rules.md#major-reports,
 * docs/rules.md#the-years-results): group 专题协调会, 重大事项报告 (numbered per year without a gap, like the
 * letters), 典型经验 (亮点) and the yearly 定性评价 of each unit. Documents are typed by the features that
 * own them (src/features/*\/ports.ts); the schemas here only keep what the queries need indexed.
 */
export const FIELD_RECORD_SCHEMA_VERSION = 1;

const loose = (collection: string) =>
  new Schema({ _id: { type: String, required: true }, schemaVersion: { type: Number, default: FIELD_RECORD_SCHEMA_VERSION } }, { collection, versionKey: false, minimize: false, strict: false });

export const groupMeetingSchema = loose('group_meetings');
groupMeetingSchema.index({ year: 1, date: -1 });
groupMeetingSchema.index({ group: 1, date: -1 });

export const majorReportSchema = loose('major_reports');
majorReportSchema.index({ year: 1, number: -1 });
majorReportSchema.index({ owedAt: 1 });

export const highlightSchema = loose('highlights');
highlightSchema.index({ year: 1, no: -1 });

export const unitGradeSchema = loose('unit_grades');
unitGradeSchema.index({ year: 1 });
