import type { DocChange } from '../../app/ports/owed-docs';
import type { OutboxItem } from '../../app/outbox-item';
import type { Records } from '../../app/records';

/** A 重大事项报告 on the record (docs/rules.md#major-reports). */
export interface MajorReportDoc {
  _id: string; // YYYY-N
  year: number;
  number: number;
  label: string; // 〔YYYY〕重报第N号
  group: string;
  by: string;
  leader: string;
  title: string;
  content: string;
  state: 'sent' | 'read' | 'instructed' | 'scheduled';
  at: Date;
  readAt?: Date;
  instruction?: string;
  instructedAt?: Date;
  escalationId?: string;
  scheduledAt?: Date;
  source: string; // the message it came from
  rev: number;
  owed?: OutboxItem[];
  owedAt?: Date | null;
}

/** Changes with the messages they owe, in one write, then relayed (src/adapters/mongo/owed-docs.ts implements it). */
export interface OwedChanges<T> {
  create(doc: T, owed: OutboxItem[], audit?: { action: string; by: string; note?: string; after?: Record<string, unknown> }): Promise<boolean>;
  change<R>(id: string, fn: (doc: T) => DocChange<T, R> | Promise<DocChange<T, R>>): Promise<R | null>;
  refresh(id: string, rev: number, card: string): OutboxItem;
  relayAll(): Promise<number>;
}

export interface MajorReportStore {
  records: Records<MajorReportDoc>;
  changes: OwedChanges<MajorReportDoc>;
}

/** The leader's 调度会 agenda (src/features/escalation/service.ts `raise`). */
export interface Agenda {
  raise(o: { id: string; code: string; leader: string; group: string; unit: string; title: string; deadline: string; units: string[]; reason: string; opinion: string; urgent: boolean; by: string; state: 'pending' | 'scheduled' }): Promise<{ id: string; created: boolean }>;
}
