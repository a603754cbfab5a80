import type { Page } from './owed-docs';

/** 通报 (bulletins of praise or criticism), stored once per publication. */
export interface Bulletin {
  _id: string;
  kind: '表扬' | '批评';
  title: string;
  body: string;
  items: { code?: string; unit: string; text: string }[];
  publisher: string; // shown as the sender: a group name
  by: string;
  targets: { type: 'chat_id' | 'open_id'; id: string }[];
  date: string;
  createdAt: Date;
  schemaVersion?: number;
}

export interface BulletinStore {
  /** Stores the bulletin unless one with its _id exists; returns whether this call stored it. */
  addOnce(b: Bulletin): Promise<boolean>;
  get(id: string): Promise<Bulletin | null>;
  /** Newest first. */
  list(limit: number, offset: number): Promise<Page<Bulletin>>;
}
