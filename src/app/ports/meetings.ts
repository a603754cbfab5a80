import type { Page } from './owed-docs';

/** 调度会 minutes (docs/rules.md#meetings-and-minutes) and the 会议纪要 forms they are entered on. */
export interface MeetingItem {
  escalationId: string;
  code: string; // the escalated task
  decision: string;
  units: string[];
  deadline: string;
  tasks: string[]; // codes of the tasks made from this decision
}

export interface Meeting {
  _id: string;
  leader: string;
  date: string; // LocalDate of the meeting
  month: string; // YYYY-MM of date (meeting reminder)
  attendees: string;
  items: MeetingItem[];
  /** The decisions planned from the items (domain/minutes.ts), kept so an interrupted recording resumes. */
  decisions: { escalationId: string; item: number; title: string; text: string; leadUnit: string; coUnits: string[]; deadline: string }[];
  by: string; // who recorded it
  via: 'card' | 'api';
  state: 'recording' | 'done';
  createdAt: Date;
  schemaVersion?: number;
}

/** A 会议纪要 form as sent: the agenda it showed, so its submission decides those items. */
export interface MinutesForm {
  _id: string;
  leader: string;
  agenda: string[]; // escalation ids
  createdAt: Date;
  schemaVersion?: number;
}

export interface MeetingFilter {
  leader?: string;
  month?: string;
}

export interface MeetingStore {
  get(id: string): Promise<Meeting | null>;
  /** Records a new meeting (its _id claims it). */
  add(m: Meeting): Promise<void>;
  /** The decisions' tasks are made: the items with their task codes, the meeting done. */
  finish(id: string, items: MeetingItem[]): Promise<void>;
  /** Whether the leader has a meeting recorded in the month (YYYY-MM). */
  heldIn(leader: string, month: string): Promise<boolean>;
  /** Latest meeting first. */
  list(filter: MeetingFilter, limit: number, offset: number): Promise<Page<Meeting>>;
  form(id: string): Promise<MinutesForm | null>;
  /** Keeps a form once by its _id (a second save of the same id changes nothing). */
  addForm(f: MinutesForm): Promise<void>;
}
