import type { Records } from '../../app/records';
import type { OwedChanges } from '../major-reports/ports';
import type { YearFacts } from './facts';

export interface HighlightDoc {
  _id: string; // YYYY-N
  year: number;
  number: number;
  unit: string;
  title: string;
  content: string;
  by: string;
  date: string;
  source: string;
  rev: number;
}

export interface GradeDoc {
  _id: string; // YYYY-UNIT
  year: number;
  unit: string;
  grade: string;
  remarks: string;
  by: string;
  at: Date;
  rev: number;
}

export interface ResultsStores {
  highlights: { records: Records<HighlightDoc>; changes: OwedChanges<HighlightDoc> };
  grades: { records: Records<GradeDoc>; changes: OwedChanges<GradeDoc> };
  /** Everything but 亮点 and grades, for one year (src/adapters/mongo/year-facts.ts). */
  facts(year: number): Promise<Omit<YearFacts, 'highlights' | 'grades'>>;
}
