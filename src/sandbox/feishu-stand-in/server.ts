/**
 * FakeFeishu: a real HTTP server on 127.0.0.1 that answers like Feishu's Open API (docs/feishu.md),
 * records every call, and can be told to fail. Used by tests and, in-process, by sandbox mode —
 * hence no jest imports and no console output.
 */
import { EventEmitter } from 'node:events';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults, pathPattern, type FaultSpec } from './faults';
import { cardAction, messageEvent, type CardActionOptions, type MessageEventOptions } from './inbound';
import { DEFAULT_LIMITS, RateLimiter, type LimitStats } from './limits';
import { createPipeline } from './pipeline';
import type { Route, RouteEnv } from './router';
import { authRoutes } from './routes-auth';
import { cardUpdateRoutes } from './routes-card-update';
import { contactRoutes } from './routes-contact';
import { mediaRoutes } from './routes-media';
import { messageRoutes } from './routes-messages';
import { ingestMessage } from './ingest';
import { FakeStore } from './store';
import type {
  CallRecord, ContentVersion, FakeChat, FakeConfig, FakeFeishuEvents, FakeMessage, FakeUser, Limits, UrgentRecord, StoredResource,
} from './types';
import { machineNow } from '../../clock';

export interface FakeFeishuOptions {
  appId?: string;
  appSecret?: string;
  botOpenId?: string;
  botName?: string;
  tenantKey?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  limits?: Partial<Limits>;
  /** Lifetime of issued tenant tokens (default 7200 s). */
  tokenTtlSec?: number;
  /** The fake's clock in ms; every expiry, window and timestamp reads it. */
  now?: () => number;
  /** Makes message ids unique across restarts (the sandbox keeps its database): `om_<idPrefix>N`. */
  idPrefix?: string;
}

export interface CallFilter {
  method?: string;
  /** Same syntax as `inject`: RegExp, or a path with `:param` and `*`. */
  path?: string | RegExp;
  code?: number;
  status?: number;
}

export type FakeStats = LimitStats & { calls: number; faults: number };

const ROUTES: Route[] = [...authRoutes, ...messageRoutes, ...mediaRoutes, ...cardUpdateRoutes, ...contactRoutes];

export class FakeFeishu extends EventEmitter<FakeFeishuEvents> {
  readonly config: FakeConfig;
  private readonly store: FakeStore;
  private readonly limiter: RateLimiter;
  private readonly faults = new Faults();
  private log: CallRecord[] = [];
  private readonly held = new Map<ServerResponse, NodeJS.Timeout>();
  private server?: http.Server;
  private baseUrl = '';

  private constructor(opts: FakeFeishuOptions) {
    super();
    this.config = {
      appId: opts.appId ?? 'cli_test',
      appSecret: opts.appSecret ?? 'secret',
      botOpenId: opts.botOpenId ?? 'ou_bot',
      botName: opts.botName ?? '督导助手',
      tenantKey: opts.tenantKey ?? 'tenant_test',
      tokenTtlSec: opts.tokenTtlSec ?? 7200,
      limits: { ...DEFAULT_LIMITS, ...opts.limits },
      now: opts.now ?? machineNow,
      idPrefix: opts.idPrefix ?? '',
    };
    this.store = new FakeStore(this.config);
    this.limiter = new RateLimiter(this.config.limits);
  }

  static async start(opts: FakeFeishuOptions = {}): Promise<FakeFeishu> {
    const fake = new FakeFeishu(opts);
    await fake.listen(opts.port ?? 0);
    return fake;
  }

  /** `http://127.0.0.1:PORT`, no trailing slash: pass it as the SDK's `domain`. */
  get url(): string {
    return this.baseUrl;
  }

  now(): number {
    return this.config.now();
  }

  async stop(): Promise<void> {
    for (const [res, timer] of this.held) {
      clearTimeout(timer);
      res.socket?.destroy();
    }
    this.held.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // --- directory ---------------------------------------------------------------------------------

  addUser(u: { openId: string; name?: string; mobile?: string; email?: string; unionId?: string; userId?: string; outOfScope?: boolean; resigned?: boolean }): FakeUser {
    return this.store.addUser(u);
  }

  addChat(c: { chatId: string; name: string; members: string[]; botIsMember?: boolean; dissolved?: boolean; ownerId?: string }): FakeChat {
    for (const openId of c.members) if (!this.store.users.has(openId)) this.store.addUser({ openId });
    return this.store.addChat(c);
  }

  setBotInChat(chatId: string, inChat: boolean): void {
    this.chat(chatId).botIsMember = inChat;
  }

  setChatDissolved(chatId: string, dissolved = true): void {
    this.chat(chatId).dissolved = dissolved;
  }

  /** The chat id a person's direct messages land in (`oc_p2p_<open_id>` unless an event named another). */
  p2pChatOf(openId: string): string {
    return this.store.p2pChatOf(openId).chatId;
  }

  // --- the people's side -------------------------------------------------------------------------

  /**
   * Records a person's message from an `im.message.receive_v1` envelope (see inbound.ts) so the bot
   * can reply to it, fetch it, download its resources, and so it shows in `messagesIn`. Idempotent.
   */
  ingest(envelope: { event?: unknown }): FakeMessage {
    const { message, created } = ingestMessage(this.store, envelope);
    if (created) this.emit('message', message);
    return message;
  }

  /**
   * A person writes to the bot: builds the `im.message.receive_v1` envelope on the fake's clock and app,
   * records it (as `ingest`), and returns it for the test to deliver, signed, to the product.
   */
  userMessage(opts: MessageEventOptions): ReturnType<typeof messageEvent> {
    const env = messageEvent({
      appId: this.config.appId,
      tenantKey: this.config.tenantKey,
      createTime: this.now(),
      ...opts,
      messageId: opts.messageId ?? this.store.next('om_in_'),
    });
    this.ingest(env);
    return env;
  }

  /**
   * A person sends a file: its bytes become a resource the bot may download through the message, and
   * the file message (`{"file_key","file_name"}`) is recorded and returned like `userMessage`.
   */
  userFile(opts: Omit<MessageEventOptions, 'content' | 'text' | 'messageType'>, file: { name: string; bytes: Buffer; contentType?: string }): ReturnType<typeof messageEvent> {
    const key = this.addResource(file.bytes, { type: 'file', fileName: file.name, contentType: file.contentType });
    return this.userMessage({ ...opts, messageType: 'file', content: { file_key: key, file_name: file.name } });
  }

  /** Bytes a person "sent", for messages built with inbound.ts that carry its key. */
  addResource(bytes: Buffer, opts: { type: 'image' | 'file'; fileName?: string; contentType?: string; key?: string }): string {
    return this.store.addResource({
      type: opts.type,
      bytes,
      contentType: opts.contentType ?? (opts.type === 'image' ? 'image/png' : 'application/octet-stream'),
      fileName: opts.fileName,
      key: opts.key,
    }).key;
  }

  /** A delayed-update token (`c-…`, 30 min, 2 uses) for a card message, as a callback would carry. */
  issueCardToken(messageId: string): string {
    return this.store.issueCardToken(messageId);
  }

  /** A `card.action.trigger` envelope whose update token this fake will accept. */
  cardAction(opts: Omit<CardActionOptions, 'token'>): ReturnType<typeof cardAction> {
    return cardAction({
      appId: this.config.appId,
      tenantKey: this.config.tenantKey,
      createTime: this.now(),
      ...opts,
      token: this.issueCardToken(opts.openMessageId),
    });
  }

  /**
   * What Feishu does with a card callback's answer: the card in the answer (`{card:{type:'raw',data}}`)
   * replaces the message's card. Tests and the sandbox call this with the product's answer.
   */
  applyCallbackAnswer(messageId: string, answer: unknown): void {
    const card = (answer as { card?: { type?: string; data?: unknown } } | undefined)?.card;
    const msg = this.store.messages.get(messageId);
    if (!msg || card?.type !== 'raw' || !card.data) return;
    const version = this.store.updateContent(msg, card.data, 'card_update');
    this.emit('patch', { message: msg, version });
  }

  // --- inspection --------------------------------------------------------------------------------

  calls(filter?: CallFilter | ((c: CallRecord) => boolean)): CallRecord[] {
    if (!filter) return [...this.log];
    if (typeof filter === 'function') return this.log.filter(filter);
    const path = filter.path === undefined ? undefined : pathPattern(filter.path);
    return this.log.filter((c) =>
      (!filter.method || c.method === filter.method.toUpperCase()) &&
      (!path || path.test(c.path)) &&
      (filter.code === undefined || c.code === filter.code) &&
      (filter.status === undefined || c.status === filter.status));
  }

  /**
   * Puts back messages kept from an earlier run (the sandbox keeps its chats in its database), in the
   * order given, as they were: no events, no calls recorded.
   */
  restore(messages: FakeMessage[]): void {
    for (const m of messages) {
      if (m.chat_id.startsWith('oc_p2p_') && m.sender.id_type === 'open_id') this.store.p2pChatOf(m.sender.id, m.chat_id);
      this.store.messages.set(m.message_id, m);
    }
  }

  /** The chat's transcript in order, each message with its current content. */
  messagesIn(chatId: string): FakeMessage[] {
    return this.store.messagesIn(chatId);
  }

  message(id: string): FakeMessage | undefined {
    return this.store.messages.get(id);
  }

  /** The file a file message carries, as the bot uploaded it (name, type, bytes); undefined for other messages. */
  fileOf(messageId: string): StoredResource | undefined {
    const msg = this.store.messages.get(messageId);
    const key = msg?.msg_type === 'file' ? (msg.content as { file_key?: unknown }).file_key : undefined;
    return typeof key === 'string' ? this.store.resources.get(key) : undefined;
  }

  /** The card a message shows now (after patches and delayed updates). */
  cardOf(messageId: string): unknown {
    const msg = this.store.messages.get(messageId);
    return msg?.msg_type === 'interactive' ? msg.content : undefined;
  }

  /** Every change after the first send, oldest first. */
  patchesOf(messageId: string): ContentVersion[] {
    return this.store.messages.get(messageId)?.versions.slice(1) ?? [];
  }

  urgents(messageId?: string): UrgentRecord[] {
    return this.store.urgents.filter((u) => !messageId || u.messageId === messageId);
  }

  /** Rate-limit high-water marks and rejections, for "never above the limit" assertions. */
  stats(): FakeStats {
    return { ...this.limiter.snapshot(), calls: this.log.length, faults: this.log.filter((c) => c.fault).length };
  }

  // --- control -----------------------------------------------------------------------------------

  inject(spec: FaultSpec): void {
    this.faults.inject(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * Forgets calls, messages, uploads, uuids, card tokens, faults and rate-limit windows. Issued tenant
   * tokens stay valid (clients cache them); people and chats stay unless `directory: true`.
   */
  reset(opts: { directory?: boolean } = {}): void {
    this.log = [];
    this.store.resetTraffic();
    this.limiter.reset();
    this.faults.clear();
    if (opts.directory) this.store.resetDirectory();
  }

  // --- plumbing ----------------------------------------------------------------------------------

  private chat(chatId: string): FakeChat {
    const chat = this.store.chats.get(chatId);
    if (!chat) throw new Error(`FakeFeishu: unknown chat ${chatId}`);
    return chat;
  }

  private async listen(port: number): Promise<void> {
    const env: RouteEnv = {
      store: this.store,
      limits: this.limiter,
      config: this.config,
      // The generic EventEmitter cannot relate a generic K to its own conditional args type.
      emit: (event, ...args) => (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args),
    };
    const pipeline = createPipeline({
      env,
      faults: this.faults,
      routes: ROUTES,
      opened: (call) => this.log.push(call),
      closed: (call) => this.emit('call', call),
      hold: (res, ms) => {
        const timer = setTimeout(() => {
          this.held.delete(res);
          res.socket?.destroy();
        }, ms);
        timer.unref(); // a forgotten hang must never keep a test run or the sandbox process alive
        this.held.set(res, timer);
        res.on('close', () => {
          clearTimeout(timer);
          this.held.delete(res);
        });
      },
    });
    const server = http.createServer((req, res) => {
      pipeline(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
}
