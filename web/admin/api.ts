/**
 * The admin API (docs/rules.md#configuration-and-http-interface) with the token the person typed in, kept in sessionStorage (gone when the tab
 * closes) and sent as `Authorization: Bearer …`. A 401 anywhere sends the page back to the token form.
 */
import { HttpError, json, query, request } from '../lib/http';

const KEY = 'dudao.admin.token';

export const token = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (t: string) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

async function call<T>(path: string, o: { method?: string; body?: unknown } = {}, tokenOverride?: string): Promise<T> {
  try {
    return await json<T>(path, { ...o, headers: { authorization: `Bearer ${tokenOverride ?? token.get() ?? ''}` } });
  } catch (e) {
    if (e instanceof HttpError && e.status === 401 && !tokenOverride) onUnauthorized();
    throw e;
  }
}

export interface LightInfo {
  color: 'red' | 'yellow' | 'green' | 'none';
  reason: string;
}

export interface TaskItem {
  code: string;
  title: string;
  content: string;
  category: string;
  categoryLabel?: string;
  source: string;
  priority: string;
  leadUnit: string;
  coUnits: string[];
  group: string;
  dispatcher: string;
  dispatchedAt: string;
  deadline: string;
  originalDeadline: string;
  milestones: { date: string; label: string }[];
  state: 'dispatched' | 'in_progress' | 'submitted' | 'closed' | 'cancelled';
  progress: number;
  acceptedAt?: string;
  closedAt?: string;
  returns: number;
  light: LightInfo;
  overdue: boolean;
  reports: { at: string; by: string; unit: string; percent: number; content: string; evidence: { kind: string; key?: string; name?: string; url?: string; text?: string }[]; via: string }[];
  requests: { id: string; kind: string; state: string; at: string; by: string; content?: string; newDeadline?: string; reason?: string; opinion?: string; decidedAt?: string; decidedBy?: string }[];
  history?: { seq: number; at: string; by: string; action: string; note?: string; before?: Record<string, unknown>; after?: Record<string, unknown> }[];
}

export interface OrgFile {
  units: { code: string; name: string; kind?: string; chatId?: string }[];
  groups: { code: string; name: string; kind?: string; units?: string[]; cityLeader?: string; chatId?: string }[];
  people: { code: string; name: string; openId?: string; roles: unknown[] }[];
}

export interface Stats {
  at: string;
  today: string;
  tz: string;
  states: Record<string, number>;
  open: number;
  overdue: number;
  lights: { red: number; yellow: number; green: number };
  units: { unit: string; name: string; open: number; overdue: number; red: number; yellow: number; green: number }[];
  groups: { group: string; name: string; open: number; overdue: number; red: number; yellow: number; green: number }[];
  outbox: { failed: number; pending: number };
  /** `continuous`: what a job that runs all the time (the outbox worker) is doing now. */
  jobs: { name: string; last: JobRun | null; continuous?: string }[];
  /** Years computed from the law because the State Council notice is not in the data yet. */
  calendar?: { statutoryYears: number[]; note: string | null };
}

export interface JobRun {
  _id: string;
  name: string;
  slot: string;
  trigger: string;
  status: 'running' | 'ok' | 'skipped' | 'error';
  startedAt: string;
  endedAt?: string;
  result?: unknown;
  error?: string;
}

export interface OutboxRow {
  _id: string;
  kind: string;
  lane: string;
  status: string;
  attempts: number;
  createdAt: string;
  nextAttemptAt?: string;
  to?: { type: string; id: string };
  messageId?: string;
  render?: { card: string; ref: string; view: string };
  lastError?: { code: string; message: string; permanent: boolean };
}

export type Page<T> = { items: T[]; total: number };

/** The parts of GET /api/openapi.json the API page shows. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}
export interface OpenApiOperation {
  summary: string;
  description?: string;
  parameters?: { name: string; in: string; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema?: JsonSchema; description?: string }> };
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
}
export interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export const api = {
  /** Any cheap call that needs the token. */
  check: (t: string) => call<Page<TaskItem>>('/api/tasks?limit=1', {}, t),
  stats: (group?: string) => call<Stats>(`/api/stats${query({ group })}`),
  org: () => call<OrgFile>('/api/org'),
  importOrg: (body: { filename: string; content?: string; contentBase64?: string; dryRun: boolean }) => call<Record<string, unknown>>('/api/org/import', { body }),
  tasks: (q: Record<string, string | number | undefined>) => call<Page<TaskItem>>(`/api/tasks${query(q)}`),
  task: (code: string) => call<TaskItem>(`/api/tasks/${encodeURIComponent(code)}`),
  outbox: (status: string, limit: number, offset: number) => call<Page<OutboxRow>>(`/api/outbox${query({ status, limit, offset })}`),
  retry: (id: string) => call<{ ok: true }>(`/api/outbox/${encodeURIComponent(id)}/retry`, { method: 'POST', body: {} }),
  jobs: (limit: number, offset: number) => call<Page<JobRun> & { jobs: string[] }>(`/api/jobs${query({ limit, offset })}`),
  runJob: (name: string, body: { at?: string; force?: boolean }) => call<JobRun>(`/api/jobs/${encodeURIComponent(name)}/run`, { body }),
  ranking: (period: string) => call<unknown>(`/api/ranking${query({ period })}`),
  openapi: () => call<OpenApiDoc>('/api/openapi.json'),
  /** A file answer (exports) as a blob, fetched with the token. */
  async download(path: string): Promise<Blob> {
    const res = await request(path, { headers: { authorization: `Bearer ${token.get() ?? ''}` } }).catch((e) => {
      if (e instanceof HttpError && e.status === 401) onUnauthorized();
      throw e;
    });
    return res.blob();
  },
};
