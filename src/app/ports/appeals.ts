import type { OwedDocStore, Page } from './owed-docs';

/** 申诉 (docs/rules.md#summaries-and-ranking): a unit contesting a task's deductions, created once and changed under its lock. */
export const APPEAL_STATES = ['pending', 'upheld', 'rejected'] as const;
export type AppealState = (typeof APPEAL_STATES)[number];

export interface Appeal {
  _id: string; // AP-DB-2026-0001-1
  code: string;
  unit: string;
  group: string;
  reason: string;
  /** What the appeal is about, as it stood when filed. */
  items: { overdueWorkdays: number; returns: number; letters: string[] };
  state: AppealState;
  by: string;
  at: Date;
  decidedBy?: string;
  decidedAt?: Date;
  opinion?: string;
  rev: number;
  schemaVersion?: number;
}

export interface AppealFilter {
  state?: AppealState;
  code?: string;
}

export interface AppealStore extends OwedDocStore<Appeal> {
  /** The states of a task's appeals (as many as it has). */
  statesOf(code: string): Promise<AppealState[]>;
  /** What upheld appeals took out of the ranking. */
  upheld(): Promise<Pick<Appeal, 'code' | 'items'>[]>;
  /** Newest first. */
  list(filter: AppealFilter, limit: number, offset: number): Promise<Page<Appeal>>;
}
