/** The fake's data model: what Feishu would hold for one app in one tenant. */

export interface FakeUser {
  openId: string;
  unionId: string;
  userId?: string;
  name?: string;
  mobile?: string;
  email?: string;
  /** Outside the app's availability (or resigned): sends answer 230013, batch_get_id hides the id. */
  outOfScope?: boolean;
  resigned?: boolean;
}

export interface FakeChat {
  chatId: string;
  name: string;
  type: 'p2p' | 'group';
  members: Set<string>;
  botIsMember: boolean;
  dissolved: boolean;
  ownerId?: string;
}

/** One state of a message's content; `[0]` is as sent, later ones are patches or delayed updates. */
export interface ContentVersion {
  at: number;
  content: unknown;
  via: 'send' | 'patch' | 'card_update';
}

/** A message as the API shows it (`GET /im/v1/messages/:id` → `data.items[0]`). */
export interface ApiMessage {
  message_id: string;
  root_id?: string;
  parent_id?: string;
  thread_id?: string;
  msg_type: string;
  create_time: string;
  update_time: string;
  deleted: boolean;
  updated: boolean;
  chat_id: string;
  sender: { id: string; id_type: 'app_id' | 'open_id'; sender_type: 'app' | 'user'; tenant_key: string };
  body: { content: string };
  mentions?: unknown[];
}

/** The fake's record: the API view plus parsed content, history and who sent it. */
export interface FakeMessage extends ApiMessage {
  /** Current content, parsed (for cards: the card JSON). */
  content: unknown;
  fromBot: boolean;
  uuid?: string;
  versions: ContentVersion[];
}

export interface StoredResource {
  key: string;
  type: 'image' | 'file';
  bytes: Buffer;
  contentType: string;
  fileName?: string;
}

export interface CardToken {
  token: string;
  messageId: string;
  expiresAt: number;
  usesLeft: number;
}

export interface UrgentRecord {
  at: number;
  messageId: string;
  userIds: string[];
  invalid: string[];
}

export interface PatchEvent {
  message: FakeMessage;
  version: ContentVersion;
}

export interface CallRecord {
  seq: number;
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON (with a message's `content` string parsed too) or multipart fields; files as `{filename,size,type}`. */
  body: unknown;
  uuid?: string;
  /** 0 while the call is still open (hang) or when the socket was dropped. */
  status: number;
  code?: number;
  response?: unknown;
  fault?: string;
}

export interface Limits {
  perChatPerSec: number;
  perAppPerSec: number;
  perAppPerMin: number;
  perMessagePerSec: number;
}

export interface FakeConfig {
  appId: string;
  appSecret: string;
  botOpenId: string;
  botName: string;
  tenantKey: string;
  tokenTtlSec: number;
  limits: Limits;
  now: () => number;
  /** Put between a message id's prefix and its number (`om_<idPrefix>12`): unique ids across restarts. */
  idPrefix: string;
}

/** What `FakeFeishu` emits, for a live view (the sandbox console) or a test that waits for traffic. */
export type FakeFeishuEvents = {
  /** A message landed in a chat: sent or replied by the bot, or ingested from a person. */
  message: [FakeMessage];
  /** A card changed in place (PATCH or delayed update). */
  patch: [PatchEvent];
  urgent: [UrgentRecord];
  /** A call finished (or was dropped); the record is final. */
  call: [CallRecord];
};
