/**
 * Reads of many tasks at once for jobs and figures (reminders, digests, summaries): one query streamed
 * with only the fields asked for, a batch at a time. The filter is the task repository's (field →
 * value or condition on the stored task).
 */
export type ScanPlan = 'one' | 'split';

export interface TaskScan {
  /**
   * `background`: a job's scan, which gives way to the answers being written (in small slices, each
   * asked for once they have been quiet a moment); an answer's own scan (统计, an API call) does not wait.
   */
  scan<T>(filter: Record<string, unknown>, fields: Readonly<Record<string, 0 | 1>>, batchSize: number, background?: boolean): AsyncIterable<T>;
  /**
   * How the database filters tasks: `one` when it reads every document whatever the filter (FerretDB on
   * SQLite), `split` when it filters equalities itself (FerretDB on PostgreSQL, MongoDB).
   */
  plan(): Promise<ScanPlan>;
}
