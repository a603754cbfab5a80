import type { Records } from '../../app/records';
import type { Org, Person } from '../../domain/org';
import type { DraftTask } from '../../domain/dispatch';
import type { Task, TaskSource } from '../../domain/task';
import type { Agenda, OwedChanges } from '../major-reports/ports';
import type { GroupDecision, SentUpItem } from './plan';

export type { Agenda, OwedChanges };

/** A group's 专题协调会 on the record (docs/rules.md#group-coordination-meetings). */
export interface GroupMeetingDoc {
  _id: string; // the form's id (one meeting per form)
  code: string; // ZT-YYYY-NNN
  year: number;
  number: number;
  group: string;
  by: string;
  date: string;
  topic: string;
  attendees: string;
  units: string[];
  decisions: GroupDecision[];
  sentUp: SentUpItem[];
  tasks: string[];
  escalations: string[];
  state: 'recording' | 'done';
  via: 'card' | 'api';
  at: Date;
  rev: number;
}

export interface GroupMeetingStore {
  records: Records<GroupMeetingDoc>;
  changes: OwedChanges<GroupMeetingDoc>;
}

/** Task creation as the dispatch service does it (idempotent by origin; cards owed with each task). */
export interface TaskMaker {
  create(items: { draft: DraftTask; origin: string; group: string }[], p: Person, source: TaskSource, order: string | undefined, org: Org): Promise<Task[]>;
}
