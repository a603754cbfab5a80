/** The outbox at a glance, for the dashboard. */
export interface OutboxFigures {
  counts(): Promise<{ failed: number; pending: number }>;
  /** When the newest message sent went out (null when none has). */
  lastSentAt(): Promise<Date | null>;
}
