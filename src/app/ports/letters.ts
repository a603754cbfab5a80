/** 督导提示函 (docs/rules.md#reminders-and-letters): numbered per year without gaps, one per task and deadline. */
export interface Letter {
  _id: string; // YYYY-N
  year: number;
  number: number;
  code: string;
  title?: string; // the task's title when issued (older letters lack it)
  deadline: string;
  unit: string;
  group: string;
  issuedOn: string;
  overdueWorkdays: number;
  run?: string; // the reminders run that issued it
  /** @deprecated written by earlier versions; whether a letter went out is now its run's state. */
  sent?: boolean;
  appeal?: { state: 'pending' | 'upheld' | 'revoked'; reason: string; by: string; at: Date; decidedBy?: string; decidedAt?: Date; opinion?: string };
  createdAt: Date;
  schemaVersion?: number;
}

export interface LetterStore {
  /** A task's letters: their numbers. */
  numbersOf(code: string): Promise<Pick<Letter, '_id' | 'year' | 'number'>[]>;
  /** The letters of these tasks. */
  ofTasks(codes: string[]): Promise<Letter[]>;
  /** Which task and deadline already have a letter, among these tasks. */
  deadlinesOf(codes: string[]): Promise<Pick<Letter, 'code' | 'deadline'>[]>;
  /** The letters the named reminders runs issued. */
  ofRuns(runs: string[]): Promise<Letter[]>;
  /** The highest number issued in the year (0 when none). */
  lastNumber(year: number): Promise<number>;
  /** Stores letters in order, stopping at the first failure (so the numbers issued keep no gap). */
  addInOrder(letters: Letter[]): Promise<void>;
  /** Letters issued from `from` to `to` (local dates, both included), streamed. */
  issuedBetween(from: string, to: string): AsyncIterable<Pick<Letter, '_id' | 'unit' | 'group' | 'issuedOn'>>;
}
