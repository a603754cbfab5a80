/** The record beside the tasks (`audits`): what was done to escalations, appeals, meetings, bulletins, jobs. */
export interface AuditLogEntry {
  entity: string; // escalation:ID, appeal:ID, meeting:ID, bulletin:ID, job:NAME
  task?: string; // the task it concerns, so the task's history shows it
  at: Date;
  by: string;
  action: string;
  note?: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditLog {
  append(entry: AuditLogEntry): Promise<void>;
}
