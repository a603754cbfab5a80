/** The sandbox API (src/sandbox/sandbox.ts) as the console uses it. */
import { json, query } from '../lib/http';

export interface Chat {
  chatId: string;
  name: string;
  type: 'p2p' | 'group';
}

export interface Person {
  code: string;
  name: string;
  openId?: string;
  roles: string[];
  chats: Chat[];
}

export interface Message {
  id: string;
  fromBot: boolean;
  sender: string;
  type: string;
  content: unknown;
  parentId?: string;
  rootId?: string;
  time: number;
  updated: boolean;
}

export interface ChatSummary {
  chatId: string;
  count: number;
  last: { id: string; fromBot: boolean; sender: string; preview: string } | null;
}

export interface ClickAnswer {
  status: number;
  toast?: { type: 'success' | 'info' | 'warning' | 'error'; content: string };
  card: unknown;
}

export interface JobRun {
  _id: string;
  name: string;
  slot: string;
  status: 'running' | 'ok' | 'skipped' | 'error';
  result?: unknown;
  error?: string;
}

const base = '/api/sandbox';

export const api = {
  people: () => json<{ items: Person[] }>(`${base}/people`).then((r) => r.items),
  messages: (chatId: string, signal?: AbortSignal) => json<{ items: Message[] }>(`${base}/chats/${encodeURIComponent(chatId)}/messages`, { signal }).then((r) => r.items),
  summaries: (ids: string[]) => json<{ items: ChatSummary[] }>(`${base}/chats${query({ ids: ids.join(',') })}`).then((r) => r.items),
  say: (body: { as: string; chatId: string; text?: string; replyTo?: string; mention?: boolean; imageBase64?: string; file?: { name: string; base64?: string; sample?: 'notice' } }) => json<{ status: number; messageId: string }>(`${base}/say`, { body }),
  click: (body: { as: string; messageId: string; value: Record<string, unknown>; form?: Record<string, unknown> }) => json<ClickAnswer>(`${base}/click`, { body }),
  clock: () => json<{ now: string; tz: string }>(`${base}/clock`),
  setClock: (at: string) => json<{ now: string }>(`${base}/clock`, { body: { at } }),
  jobs: () => json<{ jobs: string[] }>(`${base}/jobs`).then((r) => r.jobs),
  runJob: (name: string, at: string, force: boolean) => json<JobRun>(`${base}/jobs/${encodeURIComponent(name)}/run`, { body: { at, force } }),
  resourceUrl: (messageId: string, key: string) => `${base}/messages/${encodeURIComponent(messageId)}/resources/${encodeURIComponent(key)}`,
};
