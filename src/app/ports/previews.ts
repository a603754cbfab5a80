import type { DraftTask } from '../../domain/dispatch';
import type { SourceFile, TaskSource } from '../../domain/task';

/**
 * Dispatch previews (docs/rules.md#the-form-the-preview-and-the-order): a parsed order waiting for
 * 确认派发 / 取消; nothing becomes a task before it is confirmed.
 */
export interface Preview {
  _id: string;
  dispatcher: string; // person code
  group: string;
  chatId: string;
  sourceMessageId: string;
  sourceFile?: SourceFile; // read from a file: each task it creates keeps it
  drafts: (DraftTask & { group: string })[];
  source: TaskSource;
  state: 'pending' | 'confirmed' | 'cancelled';
  codes: string[];
  createdAt: Date;
  decidedAt?: Date;
  decidedBy?: string;
  schemaVersion?: number;
}

export interface PreviewStore {
  /** Keeps a new preview once by its _id (the same message delivered twice is the same preview); answers the one stored. */
  add(p: Preview): Promise<Preview>;
  get(id: string): Promise<Preview | null>;
  /** Records the decision (under the preview's lock, held by the caller). */
  decide(id: string, d: { state: 'confirmed' | 'cancelled'; codes?: string[]; decidedAt: Date; decidedBy: string }): Promise<void>;
}

/** The tasks an order keeps a list of: a confirmed preview's codes, a recorded meeting's tasks. */
export interface OrderLists {
  /** The order's task codes; undefined while it has no list yet (being created) or is not one. */
  codes(orderId: string): Promise<string[] | undefined>;
}
