import type { WorkCalendar } from '../calendar';
import type { Org } from '../org';
import type { Milestone, Priority, TaskSource } from '../task';
import type { LocalDate } from '../time';
import type { Steps } from './steps';

/** Everything the dispatch-text parser needs to know about the moment and the dispatcher. */
export interface ParseContext {
  now: Date; // the dispatch moment
  tz: string;
  calendar: WorkCalendar;
  org: Org; // all active units, for matching and close-match suggestions
  allowedUnits: string[]; // unit codes this dispatcher may dispatch to
  categories: string[]; // configured category list
  defaultSource: TaskSource; // '日常督导' for supervisors, '领导交办' for city leaders
  meetingSource: '调度会' | '领导交办'; // what "…会议议定事项" style 来源 texts map to
  steps?: Steps; // counts the parser's work, for the linearity tests
  projects?: { code: string; name: string; category?: string }[]; // projects a `项目：` line may name (the dispatcher's groups'); a task without a 类别 takes its project's
}

export interface DraftTask {
  ref: string; // '第1项' (block) or '第3行' (table row)
  title: string;
  content: string;
  leadUnit: string;
  coUnits: string[];
  deadline: LocalDate;
  milestones: Milestone[];
  priority: Priority;
  category: string;
  categoryLabel?: string;
  source: TaskSource;
  sourceLabel?: string;
  project?: string; // XM-… named by a `项目：` line
}

/** `example` is a corrected line the user can paste. */
export interface ParseProblem {
  where: string;
  message: string;
  example?: string;
}

export type ParseResult = { ok: true; tasks: DraftTask[] } | { ok: false; problems: ParseProblem[] };

export type FieldKind = 'title' | 'leadPrimary' | 'lead' | 'co' | 'deadline' | 'content' | 'priority' | 'category' | 'source' | 'project' | 'ignored';

export interface RawField {
  kind: FieldKind;
  key: string; // as written, for messages and examples
  value: string;
}

/** One block or table row before interpretation: what was written, under which key. */
export interface RawTask {
  ref: string;
  form: 'block' | 'table';
  line?: number; // block form: index of the block's first line in the text parsed
  title?: string; // the numbered line's text (block form)
  number?: number; // the item's written arabic number (block form), checked against the item limit
  description?: string; // plain lines between the numbered line and the first field
  fields: RawField[];
  headingCategory?: string; // a configured category named by an enclosing heading
}

export interface RawParse {
  tasks: RawTask[];
  problems: ParseProblem[];
}
