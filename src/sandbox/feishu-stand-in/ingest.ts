/** A person's message, taken from the event Feishu would push, into the fake's chats (idempotent). */
import type { FakeStore } from './store';
import type { FakeMessage } from './types';

interface ReceiveEvent {
  sender?: { sender_id?: { open_id?: string } };
  message?: Record<string, unknown>;
}

export function ingestMessage(store: FakeStore, envelope: { event?: unknown }): { message: FakeMessage; created: boolean } {
  const event = (envelope.event ?? {}) as ReceiveEvent;
  const m = event.message;
  const openId = event.sender?.sender_id?.open_id;
  if (!m || !openId || typeof m.message_id !== 'string' || typeof m.chat_id !== 'string') {
    throw new Error('ingest expects an im.message.receive_v1 envelope');
  }
  const known = store.messages.get(m.message_id);
  if (known) return { message: known, created: false }; // Feishu re-pushes; the chat holds it once
  if (!store.users.has(openId)) store.addUser({ openId });
  // The bot only receives messages from chats it is in, so an unknown group is one it belongs to.
  const chat = m.chat_type === 'p2p'
    ? store.p2pChatOf(openId, m.chat_id)
    : store.chats.get(m.chat_id) ?? store.addChat({ chatId: m.chat_id, name: m.chat_id, members: [openId] });
  chat.members.add(openId);
  const opt = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const message = store.createMessage({
    chat,
    msgType: String(m.message_type ?? 'text'),
    content: typeof m.content === 'string' ? tryJson(m.content) : m.content,
    fromBot: false,
    senderOpenId: openId,
    messageId: m.message_id,
    rootId: opt(m.root_id),
    parentId: opt(m.parent_id),
    threadId: opt(m.thread_id),
    createTime: opt(m.create_time),
    mentions: Array.isArray(m.mentions) ? m.mentions : undefined,
  });
  return { message, created: true };
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
