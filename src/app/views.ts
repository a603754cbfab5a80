import type { Person } from '../domain/org';
import type { Task } from '../domain/task';

/** The cards the handlers answer with, built from current data (see card-views.ts). */
export type Card = Record<string, unknown>;
/** Whose copy: the lead unit's, a co-unit's (反馈进度 only), or the supervision group's. */
export type TaskView = 'unit' | 'co' | 'group';
export type TaskCardMode = 'main' | 'progress' | 'submit' | 'extension' | 'escalation';

export interface CardViews {
  task(task: Task, view: TaskView, opts?: { mode?: TaskCardMode; note?: string }): Promise<Card>;
  myTasks(p: Person): Promise<Card>;
  stats(p: Person): Promise<Card>;
  notice(title: string, text: string, color?: string): Card;
}
