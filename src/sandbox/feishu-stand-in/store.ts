/** The tenant's state as the fake holds it: people, chats, messages, uploads and issued tokens. */
import { randomBytes } from 'node:crypto';
import { errors, invalidParam } from './errors';
import type {
  ApiMessage, CardToken, ContentVersion, FakeChat, FakeConfig, FakeMessage, FakeUser, StoredResource, UrgentRecord,
} from './types';

const HOUR = 3600_000;
const CARD_TOKEN_TTL = 30 * 60_000;
const CARD_TOKEN_USES = 2;
/** With less than this left the token call hands out a new token (docs/feishu.md#the-tenant-token). */
const TOKEN_RENEW_BELOW = 30 * 60_000;

export interface NewMessage {
  chat: FakeChat;
  msgType: string;
  content: unknown;
  fromBot: boolean;
  senderOpenId?: string;
  parent?: FakeMessage;
  replyInThread?: boolean;
  uuid?: string;
  messageId?: string;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  createTime?: string;
  mentions?: unknown[];
}

export class FakeStore {
  readonly users = new Map<string, FakeUser>();
  readonly chats = new Map<string, FakeChat>();
  readonly messages = new Map<string, FakeMessage>();
  readonly resources = new Map<string, StoredResource>();
  readonly urgents: UrgentRecord[] = [];
  private readonly p2p = new Map<string, string>(); // open_id → chat_id
  private uuids = new Map<string, { messageId: string; at: number }>();
  private cardTokens = new Map<string, CardToken>();
  private readonly tenantTokens = new Map<string, number>(); // token → expiresAt
  private latestToken?: string;
  private seq = 0;
  /** Distinguishes ids of two fakes in one process, so a token cached for one never passes the other. */
  private readonly salt = randomBytes(3).toString('hex');

  constructor(private readonly config: FakeConfig) {}

  now(): number {
    return this.config.now();
  }

  next(prefix: string): string {
    return `${prefix}${prefix ? this.config.idPrefix : ''}${++this.seq}`;
  }

  // --- directory ---------------------------------------------------------------------------------

  addUser(u: Partial<FakeUser> & { openId: string }): FakeUser {
    const user: FakeUser = { unionId: `on_${u.openId.replace(/^ou_/, '')}`, ...this.users.get(u.openId), ...u };
    this.users.set(user.openId, user);
    return user;
  }

  addChat(c: { chatId: string; name: string; members: string[]; botIsMember?: boolean; dissolved?: boolean; ownerId?: string }): FakeChat {
    const chat: FakeChat = {
      chatId: c.chatId,
      name: c.name,
      type: 'group',
      members: new Set(c.members),
      botIsMember: c.botIsMember ?? true,
      dissolved: c.dissolved ?? false,
      ownerId: c.ownerId ?? c.members[0],
    };
    this.chats.set(chat.chatId, chat);
    return chat;
  }

  /** The person's direct chat with the bot, created on first use (or taken from an inbound event). */
  p2pChatOf(openId: string, chatId?: string): FakeChat {
    const known = this.p2p.get(openId);
    if (known && (!chatId || known === chatId)) return this.chats.get(known)!;
    const id = chatId ?? `oc_p2p_${openId}`;
    const chat: FakeChat = {
      chatId: id, name: '', type: 'p2p', members: new Set([openId]), botIsMember: true, dissolved: false,
    };
    this.chats.set(id, chat);
    this.p2p.set(openId, id);
    return chat;
  }

  userBy(idType: string, id: string): FakeUser | undefined {
    for (const u of this.users.values()) {
      if (idType === 'open_id' && u.openId === id) return u;
      if (idType === 'union_id' && u.unionId === id) return u;
      if (idType === 'user_id' && u.userId === id) return u;
      if (idType === 'email' && u.email?.toLowerCase() === id.toLowerCase()) return u;
    }
    return undefined;
  }

  /** Where a send lands, with Feishu's refusals for chats and people it cannot reach. */
  resolveReceiver(idType: string, id: string): { chat: FakeChat; user?: FakeUser } {
    if (idType === 'chat_id') {
      const chat = this.chats.get(id);
      if (!chat) throw invalidParam(`invalid receive_id (unknown chat ${id}; addChat it first)`);
      return { chat };
    }
    const user = this.userBy(idType, id);
    if (!user) throw invalidParam(`invalid receive_id (unknown ${idType} ${id}; addUser it first)`);
    if (user.outOfScope || user.resigned) throw errors.outOfScope();
    return { chat: this.p2pChatOf(user.openId), user };
  }

  assertReachable(chat: FakeChat): void {
    if (chat.dissolved) throw errors.dissolved();
    if (!chat.botIsMember) throw errors.botNotInChat();
  }

  // --- messages ----------------------------------------------------------------------------------

  createMessage(m: NewMessage): FakeMessage {
    const at = this.now();
    const id = m.messageId ?? this.next('om_');
    let threadId = m.threadId;
    let rootId = m.rootId;
    let parentId = m.parentId;
    if (m.parent) {
      parentId = m.parent.message_id;
      rootId = m.parent.root_id ?? m.parent.message_id;
      threadId = m.parent.thread_id;
      // Replying in a thread to a message outside one opens a thread rooted at that message.
      if (!threadId && m.replyInThread) {
        threadId = this.next('omt_');
        const root = this.messages.get(rootId);
        if (root) root.thread_id = threadId;
        m.parent.thread_id ??= threadId;
      }
    }
    const time = m.createTime ?? String(at);
    const msg: FakeMessage = {
      message_id: id,
      ...(rootId && { root_id: rootId }),
      ...(parentId && { parent_id: parentId }),
      ...(threadId && { thread_id: threadId }),
      msg_type: m.msgType,
      create_time: time,
      update_time: time,
      deleted: false,
      updated: false,
      chat_id: m.chat.chatId,
      sender: m.fromBot
        ? { id: this.config.appId, id_type: 'app_id', sender_type: 'app', tenant_key: this.config.tenantKey }
        : { id: m.senderOpenId ?? '', id_type: 'open_id', sender_type: 'user', tenant_key: this.config.tenantKey },
      body: { content: JSON.stringify(m.content) },
      ...(m.mentions && { mentions: m.mentions }),
      content: m.content,
      fromBot: m.fromBot,
      ...(m.uuid && { uuid: m.uuid }),
      versions: [{ at, content: m.content, via: 'send' }],
    };
    this.messages.set(id, msg);
    if (m.uuid) this.uuids.set(m.uuid, { messageId: id, at });
    return msg;
  }

  updateContent(msg: FakeMessage, content: unknown, via: ContentVersion['via']): ContentVersion {
    const at = this.now();
    const version: ContentVersion = { at, content, via };
    msg.versions.push(version);
    msg.content = content;
    msg.body = { content: JSON.stringify(content) };
    msg.updated = true;
    msg.update_time = String(at);
    return version;
  }

  /** The message an earlier call with this uuid created, if within the hour (docs/feishu.md#sending-messages ⚠). */
  byUuid(uuid: string | undefined): FakeMessage | undefined {
    if (!uuid) return undefined;
    const seen = this.uuids.get(uuid);
    if (!seen || seen.at <= this.now() - HOUR) return undefined;
    return this.messages.get(seen.messageId);
  }

  view(msg: FakeMessage): ApiMessage {
    const { content: _c, fromBot: _f, uuid: _u, versions: _v, ...api } = msg;
    return structuredClone(api);
  }

  messagesIn(chatId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.chat_id === chatId);
  }

  // --- tokens ------------------------------------------------------------------------------------

  issueTenantToken(): { token: string; expire: number } {
    const now = this.now();
    const latest = this.latestToken;
    const expiresAt = latest ? this.tenantTokens.get(latest) : undefined;
    if (latest && expiresAt !== undefined && expiresAt - now >= TOKEN_RENEW_BELOW) {
      return { token: latest, expire: Math.floor((expiresAt - now) / 1000) };
    }
    const token = `t-${this.salt}${this.next('')}`;
    this.tenantTokens.set(token, now + this.config.tokenTtlSec * 1000);
    this.latestToken = token;
    return { token, expire: this.config.tokenTtlSec };
  }

  tokenValid(token: string): boolean {
    const expiresAt = this.tenantTokens.get(token);
    return expiresAt !== undefined && expiresAt > this.now();
  }

  revokeToken(token: string): void {
    this.tenantTokens.delete(token);
    if (this.latestToken === token) this.latestToken = undefined;
  }

  issueCardToken(messageId: string): string {
    const token = `c-${this.salt}${this.next('')}${randomBytes(6).toString('hex')}`;
    this.cardTokens.set(token, {
      token, messageId, expiresAt: this.now() + CARD_TOKEN_TTL, usesLeft: CARD_TOKEN_USES,
    });
    return token;
  }

  /** Spends one use of a delayed-update token; 30 min and 2 uses (docs/feishu.md#card-callbacks). */
  useCardToken(token: unknown): FakeMessage {
    const entry = typeof token === 'string' ? this.cardTokens.get(token) : undefined;
    if (!entry) throw errors.badCardToken('unknown');
    if (entry.expiresAt <= this.now()) throw errors.badCardToken('expired after 30 minutes');
    if (entry.usesLeft <= 0) throw errors.badCardToken(`used ${CARD_TOKEN_USES} times already`);
    const msg = this.messages.get(entry.messageId);
    if (!msg) throw errors.badCardToken('its message is gone');
    entry.usesLeft -= 1;
    return msg;
  }

  // --- uploads -----------------------------------------------------------------------------------

  addResource(r: Omit<StoredResource, 'key'> & { key?: string }): StoredResource {
    const key = r.key ?? this.next(r.type === 'image' ? 'img_v3_' : 'file_v3_');
    const res: StoredResource = { ...r, key };
    this.resources.set(key, res);
    return res;
  }

  // --- resets ------------------------------------------------------------------------------------

  /** Forget traffic (messages, uploads, uuids, card tokens); keep people, chats and tenant tokens. */
  resetTraffic(): void {
    this.messages.clear();
    this.resources.clear();
    this.urgents.length = 0;
    this.uuids = new Map();
    this.cardTokens = new Map();
  }

  resetDirectory(): void {
    this.users.clear();
    this.chats.clear();
    this.p2p.clear();
  }
}
