import type { Inbound, InboundAttachment, InboundCardAction, InboundLocation, InboundMessage, InboundOther } from '../../app/inbound';

/**
 * Feishu's payloads (schema 2.0 events, card callbacks new and old) turned into the few shapes the bot
 * handles (app/inbound.ts). Webhook and WebSocket deliveries both end here, then in `bot.receive`.
 * `parseEvent` reads the payload as Feishu sends it; `toInbound` normalises a message (its text, its
 * attachments, location or file, the ids it is deduplicated by) so the app reads none of Feishu's
 * content formats.
 */
export interface FeishuMessage {
  type: 'message';
  eventId: string;
  senderOpenId: string;
  senderType: string;
  messageId: string;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  chatId: string;
  chatType: string; // p2p | group
  messageType: string;
  content: Record<string, unknown>;
  mentions: { key: string; openId?: string; name?: string }[];
  createTime?: number;
}

export type FeishuEvent = FeishuMessage | InboundCardAction | InboundOther;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function parseValue(v: unknown): unknown {
  // old cards may send the button value as a JSON string
  if (typeof v === 'string') {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

export function parseEvent(body: Obj, dedupeKey: string): FeishuEvent {
  if (body.schema === '2.0') {
    const header = obj(body.header);
    const event = obj(body.event);
    const eventType = str(header.event_type) ?? '';
    const eventId = str(header.event_id) ?? dedupeKey;
    if (eventType === 'im.message.receive_v1') {
      const sender = obj(event.sender);
      const message = obj(event.message);
      let content: Obj = {};
      try {
        content = obj(JSON.parse(String(message.content ?? '{}')));
      } catch {
        content = {};
      }
      return {
        type: 'message',
        eventId,
        senderOpenId: str(obj(sender.sender_id).open_id) ?? '',
        senderType: str(sender.sender_type) ?? 'user',
        messageId: str(message.message_id) ?? '',
        rootId: str(message.root_id),
        parentId: str(message.parent_id),
        threadId: str(message.thread_id),
        chatId: str(message.chat_id) ?? '',
        chatType: str(message.chat_type) ?? 'group',
        messageType: str(message.message_type) ?? 'text',
        content,
        mentions: (Array.isArray(message.mentions) ? message.mentions : []).map((m) => {
          const mm = obj(m);
          return { key: str(mm.key) ?? '', openId: str(obj(mm.id).open_id), name: str(mm.name) };
        }),
        createTime: Number(message.create_time) || undefined,
      };
    }
    if (eventType === 'card.action.trigger') {
      const action = obj(event.action);
      const context = obj(event.context);
      return {
        type: 'card',
        eventId,
        operatorOpenId: str(obj(event.operator).open_id) ?? '',
        value: parseValue(action.value),
        formValue: obj(action.form_value),
        name: str(action.name),
        tag: str(action.tag),
        option: str(action.option),
        inputValue: str(action.input_value),
        messageId: str(context.open_message_id) ?? '',
        chatId: str(context.open_chat_id),
        token: str(event.token),
        format: 'v2',
      };
    }
    return { type: 'other', eventId, eventType, chatId: str(event.chat_id) };
  }
  if (typeof body.open_message_id === 'string') {
    const action = obj(body.action);
    return {
      type: 'card',
      eventId: dedupeKey,
      operatorOpenId: str(body.open_id) ?? '',
      value: parseValue(action.value),
      formValue: obj(action.form_value),
      name: str(action.name),
      tag: str(action.tag),
      option: str(action.option),
      inputValue: str(action.input_value),
      messageId: body.open_message_id,
      chatId: str(body.open_chat_id),
      token: str(body.token),
      format: 'v1',
    };
  }
  const event = obj(body.event);
  return { type: 'other', eventId: str(body.uuid) ?? dedupeKey, eventType: str(event.type) ?? 'unknown' };
}

/**
 * Message text with @-mentions removed (each key plus one adjacent space), spaces collapsed, trimmed.
 * Tabs are kept (a table pasted from Excel/WPS/Word separates its cells by tabs, an empty cell by two),
 * only the spaces around them are dropped.
 */
export function messageText(m: Pick<FeishuMessage, 'messageType' | 'content' | 'mentions'>): string {
  let text = '';
  if (m.messageType === 'text') text = String(m.content.text ?? '');
  else if (m.messageType === 'post') text = postText(m.content);
  // longest keys first: removing @_user_1 must not eat the start of @_user_10
  for (const key of m.mentions.map((x) => x.key).sort((a, b) => b.length - a.length)) {
    if (!key) continue;
    text = text.split(`${key} `).join('').split(` ${key}`).join('').split(key).join('');
  }
  return text.replace(/[ \u3000]+/g, ' ').replace(/ ?\t ?/g, '\t').replace(/ ?\n ?/g, '\n').trim();
}

function postText(content: Obj): string {
  // post content may be wrapped in a locale key (zh_cn …)
  const body = Array.isArray(content.content) ? content : obj(Object.values(content).find((v) => Array.isArray(obj(v).content)));
  const title = str(body.title);
  const lines = (Array.isArray(body.content) ? body.content : []).map((para) =>
    (Array.isArray(para) ? para : [])
      .map((el) => {
        const e = obj(el);
        if (e.tag === 'text' || e.tag === 'a') return String(e.text ?? '');
        if (e.tag === 'at') return String(e.user_id ?? '') === '' ? '' : '';
        return '';
      })
      .join(''),
  );
  return [title, ...lines].filter((s) => s !== undefined && s !== '').join('\n');
}

/** Images and files a message carries (post messages may hold several images). */
export function messageAttachments(m: Pick<FeishuMessage, 'messageType' | 'content'>): InboundAttachment[] {
  if (m.messageType === 'image' && typeof m.content.image_key === 'string') return [{ kind: 'image', key: m.content.image_key }];
  if (m.messageType === 'file' && typeof m.content.file_key === 'string') return [{ kind: 'file', key: m.content.file_key, name: str(m.content.file_name) }];
  if (m.messageType === 'post') {
    const out: { kind: 'image'; key: string }[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Obj;
        if (o.tag === 'img' && typeof o.image_key === 'string') out.push({ kind: 'image', key: o.image_key });
        else Object.values(o).forEach(walk);
      }
    };
    walk(m.content);
    return out;
  }
  return [];
}

/** A location message's place; absent unless both coordinates are numbers. */
export function messageLocation(m: Pick<FeishuMessage, 'messageType' | 'content'>): InboundLocation | undefined {
  if (m.messageType !== 'location') return undefined;
  const coord = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN);
  const [latitude, longitude] = [coord(m.content.latitude), coord(m.content.longitude)];
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return undefined;
  return { name: str(m.content.name) ?? '', address: str(m.content.address) ?? '', latitude, longitude };
}

/** The app's message: the text, attachments, location or file read out of Feishu's content. */
export function normalizeMessage(m: FeishuMessage): InboundMessage {
  const { messageType, content, ...rest } = m;
  void content;
  const attachments = messageAttachments(m);
  const file = messageType === 'file' ? attachments.find((a) => a.kind === 'file') : undefined;
  const location = messageLocation(m);
  return {
    ...rest,
    dedupeKeys: m.messageId ? [`msg:${m.messageId}`] : [],
    msgType: messageType,
    text: messageText(m),
    attachments,
    ...(location ? { location } : {}),
    ...(file ? { file: { key: file.key, name: file.name ?? '' } } : {}),
  };
}

export function toInbound(body: Obj, dedupeKey: string): Inbound {
  const e = parseEvent(body, dedupeKey);
  return e.type === 'message' ? normalizeMessage(e) : e;
}
