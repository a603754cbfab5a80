/** The 督导提示函 registry's reads (docs/architecture.md#ports-of-the-core): letters by number, and the appeals that removed some. */
export interface RegisteredLetter {
  _id: string; // YYYY-N
  year: number;
  number: number;
  code: string;
  title?: string;
  deadline: string;
  unit: string;
  group: string;
  issuedOn: string;
  overdueWorkdays: number;
  appeal?: { state: 'pending' | 'upheld' | 'revoked'; reason: string; by: string; at: Date; decidedBy?: string; decidedAt?: Date; opinion?: string };
  createdAt: Date;
}

export interface LetterFilter {
  year?: number;
  unit?: string;
  task?: string;
  limit: number;
  offset: number;
}

export interface LetterRegistry {
  /** Latest number first. */
  page(f: LetterFilter): Promise<{ items: RegisteredLetter[]; total: number }>;
  /** The upheld appeals of these tasks: the letters each removed. */
  upheldAppeals(codes: string[]): Promise<{ _id: string; letters: string[] }[]>;
  /** Every letter, for the backfill. */
  all(): AsyncIterable<RegisteredLetter>;
}
