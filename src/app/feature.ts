import type { Writable } from 'node:stream';
import type { z } from 'zod';
import type { InboundMessage } from './inbound';
import type { OutboxItem } from './outbox-item';
import type { Command } from '../domain/commands';
import type { Org, Person } from '../domain/org';
import type { Task } from '../domain/task';
import type { Notice } from '../domain/task-actions';
import type { JobDef } from './job';
import type { ActionContext, CardAnswer } from './card-handler';
import type { Card } from './views';
import type { TaskEffects } from './task-service';

/**
 * What a feature contributes, in one object (docs/architecture.md#features): its chat commands, card
 * buttons, jobs, admin routes, help lines and live cards. A feature is a folder under `src/features/`
 * whose factory returns a `Feature`; `main.ts` lists the features and the core routes each part to the
 * feature that owns it. Adding a command or a button touches the feature's folder and its card template.
 */
export interface Feature {
  name: string;
  /** Chat commands: the word(s) a message starts with (after full-width → half-width). */
  commands?: FeatureCommand[];
  /**
   * Commands of the bot's own grammar (`parseCommand`, src/domain/commands.ts: 派单, 我的任务, 查询 …) that
   * this feature answers, by the kind the parser reads; a kind answered by two features stops the start.
   */
  parsed?: ParsedCommands;
  /**
   * The kinds among `parsed` whose answer only reads (帮助, 我的任务, 查询 …): the messages the handler
   * returns are all it does. Such a command, sent as a text outside any thread, is answered in one write
   * (docs/architecture.md#the-hot-path): decided first, then queued and recorded at once, and it
   * may be asked more than once for one message (a repeat queues nothing). A handler that writes must not be listed.
   */
  queries?: readonly Command['cmd'][];
  /** Card buttons by action name (`project.confirm`); the value is the shared card value (src/cards/actions.ts). */
  actions?: Record<string, (c: ActionContext) => Promise<CardAnswer>>;
  /**
   * A message from a known person before the core reads it as a command: a reply in the thread of one of
   * this feature's cards (`ctx.cardRef`), a file, a location. Answer `null` when it is not this feature's;
   * it must decide that from the message and the context alone (no I/O), since every message asks.
   * A text outside any thread whose command is a query (`queries`) is answered without asking it.
   */
  onMessage?(m: InboundMessage, ctx: MessageContext): Promise<OutboxItem[] | null>;
  /**
   * A message in the thread of one of this feature's cards that no feature's `onMessage` took, before it
   * is read as a command: a report on what the card shows (a progress report on a task card), or `null`.
   * Asked after every `onMessage`, so a claim by kind (a file, a location) goes first. Mention or not.
   */
  onReply?(m: InboundMessage, ctx: MessageContext): Promise<OutboxItem[] | null>;
  jobs?: JobDef[];
  /** Admin API routes under `/api`, behind the admin token, described in the OpenAPI document. */
  routes?: RouteDef[];
  /** Lines of the 帮助 card for this person (by their roles). */
  help?(p: Person): HelpLine[];
  /** Live cards by the kind before the colon of their ref (`project` for `project:XM-2026-001`). */
  renderers?: Record<string, (id: string, org: Org) => Promise<Card | null>>;
  /**
   * A task's change made a notice (`escalation_accepted`, a note to the unit …): what this feature owes
   * for it, written with the task in the same change (the escalation's card when the group accepts).
   */
  onTaskNotice?(task: Task, notice: Notice, actor: Person): Promise<OutboxItem[]>;
  /** Work a crash left owed, sent on at start and every few minutes (like the task relay). */
  relay?(): Promise<unknown>;
  /** History for the sandbox's demo city, made once after its organisation is loaded (sandbox mode only). */
  demo?(): Promise<unknown>;
  /** A section of the leaders' monthly summary and the weekly digest (the projects'): null when there is nothing to say. */
  reportSection?(q: ReportQuery): Promise<ReportSection | null>;
}

/** What a report covers: the groups in scope (null: city-wide) and the period, local days inclusive. */
export interface ReportQuery {
  groups: string[] | null;
  from: string;
  to: string;
  at: Date;
}

export interface ReportSection {
  title: string;
  lines: string[];
}

/** The features' report sections for a scope and period, in the features' order (the summaries and the digest ask through this). */
export type ReportSections = (q: ReportQuery) => Promise<ReportSection[]>;

export function reportSections(features: () => readonly Feature[]): ReportSections {
  return async (q) => {
    const out: ReportSection[] = [];
    for (const f of features()) {
      const s = await f.reportSection?.(q);
      if (s && s.lines.length) out.push(s);
    }
    return out;
  };
}

export interface FeatureCommand {
  /** e.g. ['立项']; a message matches when it is the word or the word followed by a space, colon or new line. */
  words: string[];
  /** `body`: the rest of the message after the word, its line breaks kept. */
  handle(m: InboundMessage, person: Person, body: string): Promise<OutboxItem[]>;
}

/** Handlers of parsed commands by kind, each given the command as the parser read it. */
export type ParsedCommands = { [K in Command['cmd']]?: (m: InboundMessage, person: Person, cmd: Extract<Command, { cmd: K }>) => Promise<OutboxItem[]> };
type ParsedHandler = (m: InboundMessage, person: Person, cmd: Command) => Promise<OutboxItem[]>;

export interface MessageContext {
  person: Person;
  /** The message's text (empty for an image, a file or a location). */
  text: string;
  command: Command;
  /** Addressed to the bot: a direct chat, or an @-mention in a group. */
  mentioned: boolean;
  /** The ref of the bot's card this message replies to or sits in the thread of (`task:DB-…`, `visit:…`). */
  cardRef: string | null;
}

export interface HelpLine {
  command: string;
  what: string;
  example: string;
}

/** An admin route described as data: the HTTP layer mounts it with its OpenAPI entry and checks. */
export interface RouteDef<Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Under `/api`, e.g. `/projects/:code`. */
  path: string;
  doc: RouteDoc;
  handle(req: RouteRequest<Q, B>): Promise<RouteReply>;
}

export interface RouteRequest<Q = unknown, B = unknown> {
  params: Record<string, string>;
  /** Validated by `doc.query` when given. */
  query: Q;
  /** Validated by `doc.body` when given (JSON). */
  body: B;
  /** The body as sent, for uploads (`doc.uploads`). */
  raw: Buffer | undefined;
  contentType: string;
}

export type RouteReply =
  | { status?: number; body: unknown }
  | { file: { name: string; contentType: string; data: Buffer } }
  | { stream: { name: string; contentType: string; write(out: Writable): Promise<void> } };

/** A refusal of an API call: `{error: {code, message, details}}` with this status. */
export class RouteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** How an admin route is described: the same zod schemas check the request and make its OpenAPI entry. */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** Validated against the query string; each property is one query parameter. */
  query?: z.ZodType;
  /** A JSON body, validated. */
  body?: z.ZodType;
  /** Bodies the route reads itself (an upload): documented, not validated here. */
  uploads?: Record<string, { schema?: z.ZodType; description: string }>;
  /** What a success answers (content type → words); JSON by default. */
  answers?: Record<string, string>;
  /** Success status, 200 unless said. */
  status?: number;
}

const WORD_END = /^($|[\s:：])/;

/** The feature command a message starts with, and the rest of it. */
export function matchCommand(features: readonly Feature[], text: string): { command: FeatureCommand; body: string } | null {
  const raw = text.replace(/\u3000/g, ' ').replace(/\r\n?/g, '\n').trim();
  for (const f of features) {
    for (const command of f.commands ?? []) {
      for (const w of command.words) {
        if (raw.startsWith(w) && WORD_END.test(raw.slice(w.length, w.length + 1))) {
          return { command, body: raw.slice(w.length).replace(/^[\s:：]+/, '') };
        }
      }
    }
  }
  return null;
}

/** Feature actions, refusing a name given twice (two features cannot own one button). */
export function featureActions(features: readonly Feature[]): Map<string, (c: ActionContext) => Promise<CardAnswer>> {
  const out = new Map<string, (c: ActionContext) => Promise<CardAnswer>>();
  for (const f of features) {
    for (const [name, h] of Object.entries(f.actions ?? {})) {
      if (out.has(name)) throw new Error(`card action ${name} is given by two features (the second: ${f.name})`);
      out.set(name, h);
    }
  }
  return out;
}

/** The features' handlers of parsed commands by kind, refusing a kind given twice. */
export function parsedCommands(features: readonly Feature[]): Map<Command['cmd'], ParsedHandler> {
  const out = new Map<Command['cmd'], ParsedHandler>();
  for (const f of features) {
    for (const [kind, h] of Object.entries(f.parsed ?? {}) as [Command['cmd'], ParsedHandler][]) {
      if (out.has(kind)) throw new Error(`the command ${kind} is answered by two features (the second: ${f.name})`);
      out.set(kind, h);
    }
  }
  return out;
}

/** The parsed kinds the features list as queries (answered by reading alone). */
export function queryKinds(features: readonly Feature[]): Set<Command['cmd']> {
  return new Set(features.flatMap((f) => f.queries ?? []));
}

/** The features' effects of a task change (`onTaskNotice`), in the features' order, for TaskService. */
export function taskEffects(features: readonly Feature[]): TaskEffects {
  const hooks = features.filter((f) => f.onTaskNotice);
  return {
    async onNotice(task, notice, actor) {
      const out: OutboxItem[] = [];
      for (const f of hooks) out.push(...(await f.onTaskNotice!(task, notice, actor)));
      return out;
    },
  };
}
