/**
 * Events and card callbacks shaped as Feishu sends them (docs/feishu.md#envelopes). Builders leave the
 * Verification Token out; `signRequest` (signing.ts, re-exported here) fills it in, so a test can
 * also sign an envelope that carries a wrong one.
 */
import { randomBytes } from 'node:crypto';
import { machineNow } from '../../clock';

export * from './signing';

const DEFAULT_APP = 'cli_test';
const DEFAULT_TENANT = 'tenant_test';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const newEventId = () => hex(16);
export const newMessageId = () => `om_${hex(16)}`;

interface Common {
  appId?: string;
  tenantKey?: string;
  eventId?: string;
  /** Verification Token; normally left out and filled in by `signRequest`. */
  token?: string;
}

export interface Envelope2<E> {
  schema: '2.0';
  header: { event_id: string; event_type: string; create_time: string; token?: string; app_id: string; tenant_key: string };
  event: E;
}

function envelope<E>(eventType: string, createTime: string, c: Common, event: E): Envelope2<E> {
  return {
    schema: '2.0',
    header: {
      event_id: c.eventId ?? newEventId(),
      event_type: eventType,
      create_time: createTime,
      ...(c.token !== undefined && { token: c.token }),
      app_id: c.appId ?? DEFAULT_APP,
      tenant_key: c.tenantKey ?? DEFAULT_TENANT,
    },
    event,
  };
}

const unionOf = (openId: string) => `on_${openId.replace(/^ou_/, '')}`;
const userIds = (openId: string) => ({ open_id: openId, union_id: unionOf(openId), user_id: '' });

// --- im.message.receive_v1 -------------------------------------------------------------------------

export interface MentionSpec {
  openId: string;
  name?: string;
}

/** The @-mention Feishu adds when a person @s the bot (open_id from `GET /bot/v3/info`). */
export function botMention(openId = 'ou_bot', name = '督导助手'): MentionSpec {
  return { openId, name };
}

export interface Mention {
  key: string;
  id: { open_id: string; union_id: string; user_id: string };
  name: string;
  tenant_key: string;
}

export interface MessageEventOptions extends Common {
  senderOpenId: string;
  chatType: 'p2p' | 'group';
  /** Required for groups; a person's p2p chat defaults to `oc_p2p_<open_id>`, as FakeFeishu names it. */
  chatId?: string;
  /** Text of a text message; `@_user_N` keys are prepended for mentions it does not already hold. */
  text?: string;
  messageType?: string;
  /** Content of any other type (object or JSON string), e.g. `{image_key}` or a post. */
  content?: unknown;
  mentions?: MentionSpec[];
  messageId?: string;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  /** ms; default now. */
  createTime?: number;
}

export interface MessageEvent {
  sender: { sender_id: { open_id: string; union_id: string; user_id: string }; sender_type: 'user'; tenant_key: string };
  message: {
    message_id: string;
    root_id?: string;
    parent_id?: string;
    thread_id?: string;
    create_time: string;
    update_time: string;
    chat_id: string;
    chat_type: 'p2p' | 'group';
    message_type: string;
    content: string;
    mentions?: Mention[];
    user_agent?: string;
  };
}

export function messageEvent(o: MessageEventOptions): Envelope2<MessageEvent> {
  const tenantKey = o.tenantKey ?? DEFAULT_TENANT;
  const chatId = o.chatId ?? (o.chatType === 'p2p' ? `oc_p2p_${o.senderOpenId}` : undefined);
  if (!chatId) throw new Error('messageEvent: a group message needs chatId');
  const mentions: Mention[] = (o.mentions ?? []).map((m, i) => ({
    key: `@_user_${i + 1}`,
    id: userIds(m.openId),
    name: m.name ?? m.openId,
    tenant_key: tenantKey,
  }));
  const type = o.messageType ?? (o.content !== undefined && o.text === undefined ? inferType(o.content) : 'text');
  let content: string;
  if (type === 'text' && o.content === undefined) {
    const missing = mentions.filter((m) => !(o.text ?? '').includes(m.key)).map((m) => m.key);
    content = JSON.stringify({ text: [...missing, o.text ?? ''].join(' ').trim() });
  } else {
    content = typeof o.content === 'string' ? o.content : JSON.stringify(o.content ?? {});
  }
  const time = String(o.createTime ?? machineNow());
  return envelope('im.message.receive_v1', time, { ...o, tenantKey }, {
    sender: { sender_id: userIds(o.senderOpenId), sender_type: 'user', tenant_key: tenantKey },
    message: {
      message_id: o.messageId ?? newMessageId(),
      ...(o.rootId && { root_id: o.rootId }),
      ...(o.parentId && { parent_id: o.parentId }),
      ...(o.threadId && { thread_id: o.threadId }),
      create_time: time,
      update_time: time,
      chat_id: chatId,
      chat_type: o.chatType,
      message_type: type,
      content,
      ...(mentions.length > 0 && { mentions }),
    },
  });
}

function inferType(content: unknown): string {
  const c = (typeof content === 'string' ? JSON.parse(content) : content) as Record<string, unknown>;
  if (c && 'image_key' in c) return 'image';
  if (c && 'file_key' in c) return 'file';
  return 'post';
}

// --- card.action.trigger (new) and card.action.trigger_v1 (old) ------------------------------------

export interface CardActionOptions extends Common {
  operatorOpenId: string;
  value?: Record<string, unknown>;
  formValue?: Record<string, unknown>;
  name?: string;
  tag?: string;
  inputValue?: string;
  option?: string;
  /** The card's delayed-update token (`c-…`); FakeFeishu.cardAction issues one it accepts. */
  token?: string;
  openMessageId: string;
  openChatId: string;
  timezone?: string;
  /** ms; the header carries it in µs, as in Feishu's example (docs/feishu.md#envelopes ⚠). */
  createTime?: number;
  /** Verification Token for the header; normally filled in by `signRequest`. */
  verificationToken?: string;
}

export interface CardActionEvent {
  operator: { tenant_key: string; user_id: string; open_id: string; union_id: string };
  token: string;
  host: 'im_message';
  action: {
    tag: string;
    value?: Record<string, unknown>;
    name?: string;
    form_value?: Record<string, unknown>;
    input_value?: string;
    option?: string;
    timezone: string;
  };
  context: { open_message_id: string; open_chat_id: string };
}

function actionOf(o: CardActionOptions) {
  return {
    tag: o.tag ?? 'button',
    ...(o.value && { value: o.value }),
    ...(o.name && { name: o.name }),
    ...(o.formValue && { form_value: o.formValue }),
    ...(o.inputValue !== undefined && { input_value: o.inputValue }),
    ...(o.option !== undefined && { option: o.option }),
    timezone: o.timezone ?? 'Asia/Shanghai',
  };
}

export function cardAction(o: CardActionOptions): Envelope2<CardActionEvent> {
  const tenantKey = o.tenantKey ?? DEFAULT_TENANT;
  const time = String((o.createTime ?? machineNow()) * 1000);
  return envelope('card.action.trigger', time, { ...o, token: o.verificationToken, tenantKey }, {
    operator: { tenant_key: tenantKey, ...userIds(o.operatorOpenId) },
    token: o.token ?? `c-${hex(16)}`,
    host: 'im_message',
    action: actionOf(o),
    context: { open_message_id: o.openMessageId, open_chat_id: o.openChatId },
  });
}

/**
 * The old 消息卡片请求网址 body [C4]. Its `token` is the card's update token; the Verification Token
 * protects it only through the SHA-1 signature (docs/feishu.md#signatures ⚠: its envelope also carries a top-level token).
 */
export function oldCardAction(o: Omit<CardActionOptions, 'eventId' | 'verificationToken'>) {
  const tenantKey = o.tenantKey ?? DEFAULT_TENANT;
  return {
    open_id: o.operatorOpenId,
    user_id: '',
    union_id: unionOf(o.operatorOpenId),
    tenant_key: tenantKey,
    open_message_id: o.openMessageId,
    open_chat_id: o.openChatId,
    token: o.token ?? `c-${hex(16)}`,
    action: actionOf(o),
  };
}

// --- URL check and bot membership ------------------------------------------------------------------

export function urlVerification(challenge: string, token?: string) {
  return { challenge, ...(token !== undefined && { token }), type: 'url_verification' as const };
}

export function botAdded(chatId: string, o: Common & { operatorOpenId?: string; name?: string; createTime?: number } = {}) {
  const tenantKey = o.tenantKey ?? DEFAULT_TENANT;
  const name = o.name ?? chatId;
  return envelope('im.chat.member.bot.added_v1', String(o.createTime ?? machineNow()), { ...o, tenantKey }, {
    chat_id: chatId,
    operator_id: userIds(o.operatorOpenId ?? 'ou_admin'),
    external: false,
    operator_tenant_key: tenantKey,
    name,
    i18n_names: { zh_cn: name },
  });
}
