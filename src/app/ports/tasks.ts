import type { AuditEntry, Task, TaskState } from '../../domain/task';
import type { OutboxItem } from '../outbox-item';

/**
 * The task repository (docs/architecture.md#ports-of-the-core): tasks by code, changed one at a time under the
 * task's lock together with the messages the change owes, listed by filter, with their history.
 */
export type NewTask = Omit<Task, 'code' | 'rev' | 'history'> & { history?: Task['history'] };

/** What a change decided: the new version (absent: nothing to write), the messages it owes, the answer. */
export interface Change<R> {
  task?: Task;
  owed?: OutboxItem[];
  result: R;
}

export interface ChangeNowOptions<R> {
  /** How long to wait for the task's lock (5 s). */
  waitMs?: number;
  /**
   * While the lock is taken: the answer when the command would change nothing on the task as last
   * written (a stale button, no permission), or undefined. Pure: it runs without the lock, maybe often.
   */
  unchanged?: (task: Task) => R | undefined;
}

/** Field of the stored task → value or condition (`$in`, `$lt`, `$or`…, the MongoDB query words). */
export type TaskFilter = Record<string, unknown>;

export interface TaskFindOptions {
  sort?: Record<string, 1 | -1>;
  limit?: number;
  skip?: number;
  /** Only these fields (1), or all but these (0). */
  projection?: Record<string, 0 | 1>;
}

export interface TaskRepository {
  get(code: string): Promise<Task | null>;
  find(filter: TaskFilter, opts?: TaskFindOptions): Promise<Task[]>;
  /** Like `find`, a batch at a time (exports of any length). */
  stream(filter: TaskFilter, opts?: TaskFindOptions): AsyncIterable<Task>;
  count(filter: TaskFilter): Promise<number>;
  /** How many tasks matching the filter are in each state (states without any are absent). */
  countByState(filter: TaskFilter): Promise<Partial<Record<TaskState, number>>>;
  /** Reads, decides and writes one task under its lock; `fn` gets the current task. Null when there is none. */
  change<R>(code: string, fn: (task: Task) => Change<R> | Promise<Change<R>>, waitMs?: number): Promise<R | null>;
  /**
   * `change` that answers as soon as the change and what it owes are written (a card click's answer
   * waits for nothing else): the relay to the outbox and the unlock follow, still under the lock; a
   * crash before the relay leaves the messages owed in the task, for `relayAll`.
   */
  changeNow<R>(code: string, fn: (task: Task) => Change<R> | Promise<Change<R>>, opts?: ChangeNowOptions<R>): Promise<R | null>;
  /** Waits for the relays `changeNow` left running (shutdown, tests, the sandbox's settle). */
  settled(): Promise<void>;
  /** Creates tasks with the next codes of their year, each with what it owes; idempotent by `origin`. */
  create(items: { task: NewTask; owed: (code: string) => OutboxItem[] }[], year: number): Promise<Task[]>;
  /** Moves what a task owes into the outbox. */
  relay(code: string): Promise<void>;
  /** Relays everything left owed (after a crash); answers how many tasks it relayed. */
  relayAll(): Promise<number>;
  /** Moves a task's older history entries out of the task; safe to repeat. */
  archive(code: string): Promise<number>;
  /** A 'refresh' item becomes one patch per live copy of what it names. */
  expand(items: OutboxItem[]): Promise<OutboxItem[]>;
  /** A task with its whole history, moved entries included, oldest first. */
  getWithHistory(code: string): Promise<Task | null>;
  /** Moved history entries of one action (e.g. every 'return'). */
  archivedEntries(code: string, action: string): Promise<AuditEntry[]>;
}
