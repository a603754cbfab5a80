/** Send, reply, patch, get and buzz (docs/feishu.md#sending-messages), with Feishu's refusals in Feishu's order of concern. */
import { isSharedCard, parseCardString, parseMessageContent } from './content';
import { errors, fieldValidation, invalidParam } from './errors';
import { ok, route, str, type Ctx, type Route, type RouteEnv } from './router';
import type { FakeMessage } from './types';

const RECEIVE_ID_TYPES = new Set(['chat_id', 'open_id', 'union_id', 'user_id', 'email']);
const DAY = 86_400_000;
const EDIT_WINDOW = 14 * DAY;

function uuidOf(ctx: Ctx): string | undefined {
  const uuid = ctx.body.uuid;
  if (uuid === undefined || uuid === '') return undefined;
  if (typeof uuid !== 'string' || uuid.length > 50) throw fieldValidation('uuid (string, at most 50 characters)');
  return uuid;
}

function target(env: RouteEnv, ctx: Ctx): FakeMessage {
  const msg = env.store.messages.get(ctx.params.message_id);
  if (!msg || msg.deleted) throw invalidParam('invalid message_id');
  return msg;
}

function send(ctx: Ctx, env: RouteEnv) {
  const type = ctx.query.receive_id_type;
  if (!type || !RECEIVE_ID_TYPES.has(type)) throw fieldValidation('receive_id_type');
  const receiveId = str(ctx.body.receive_id);
  if (!receiveId) throw fieldValidation('receive_id');
  const uuid = uuidOf(ctx);
  const first = env.store.byUuid(uuid);
  if (first) return ok(env.store.view(first));
  const { chat } = env.store.resolveReceiver(type, receiveId);
  const parsed = parseMessageContent(ctx.body.msg_type, ctx.body.content);
  env.store.assertReachable(chat);
  env.limits.checkChat(chat.chatId, env.store.now());
  const msg = env.store.createMessage({
    chat, msgType: String(ctx.body.msg_type), content: withFileName(env, parsed.content), fromBot: true, uuid,
  });
  env.emit('message', msg);
  return ok(env.store.view(msg));
}

/** A file message as Feishu shows it to readers: `{file_key, file_name}`, the name that of the upload. */
function withFileName(env: RouteEnv, content: unknown): unknown {
  const c = content as { file_key?: unknown; file_name?: unknown } | null;
  if (!c || typeof c.file_key !== 'string' || c.file_name !== undefined) return content;
  const res = env.store.resources.get(c.file_key);
  return res?.type === 'file' && res.fileName ? { ...c, file_name: res.fileName } : content;
}

function reply(ctx: Ctx, env: RouteEnv) {
  const parent = target(env, ctx);
  const uuid = uuidOf(ctx);
  const first = env.store.byUuid(uuid);
  if (first) return ok(env.store.view(first));
  const chat = env.store.chats.get(parent.chat_id)!;
  const parsed = parseMessageContent(ctx.body.msg_type, ctx.body.content);
  env.store.assertReachable(chat);
  env.limits.checkChat(chat.chatId, env.store.now());
  const msg = env.store.createMessage({
    chat,
    msgType: String(ctx.body.msg_type),
    content: withFileName(env, parsed.content),
    fromBot: true,
    uuid,
    parent,
    replyInThread: ctx.body.reply_in_thread === true,
  });
  env.emit('message', msg);
  return ok(env.store.view(msg));
}

/**
 * PATCH: shared cards the bot sent, within 14 days, 5/s per message. A card JSON 2.0 stays 2.0
 * (200830, as for callback answers [C1]).
 */
function patch(ctx: Ctx, env: RouteEnv) {
  const msg = target(env, ctx);
  if (msg.msg_type !== 'interactive') throw invalidParam('only interactive (card) messages can be updated');
  if (!msg.fromBot) throw errors.notSender();
  const chat = env.store.chats.get(msg.chat_id)!;
  env.store.assertReachable(chat);
  if (env.store.now() - Number(msg.create_time) > EDIT_WINDOW) throw errors.tooOld();
  if (typeof ctx.body.content !== 'string') throw fieldValidation('content');
  const parsed = parseCardString(ctx.body.content);
  if (!isSharedCard(msg.content) || !isSharedCard(parsed.content)) {
    // ⚠ Feishu's code for a non-shared card is undocumented in our sources; 230001 with the reason.
    throw invalidParam('card is not shared: config.update_multi must be true before and after the update');
  }
  if (schemaOf(msg.content) === '2.0' && parsed.cardKind === '1.0') {
    throw errors.card(200830, 'a card JSON 2.0 cannot be updated to a 1.0 card');
  }
  env.limits.checkMessage(msg.message_id, env.store.now());
  const version = env.store.updateContent(msg, parsed.content, 'patch');
  env.emit('patch', { message: msg, version });
  return ok({});
}

function get(ctx: Ctx, env: RouteEnv) {
  const msg = target(env, ctx);
  const chat = env.store.chats.get(msg.chat_id)!;
  if (!chat.botIsMember) throw errors.botNotInChat();
  return ok({ items: [env.store.view(msg)] });
}

/** Buzz: ids that cannot be buzzed come back in `invalid_user_id_list`, the rest succeed. */
function urgent(ctx: Ctx, env: RouteEnv) {
  if (ctx.query.user_id_type !== 'open_id') throw fieldValidation('user_id_type (the fake supports open_id)');
  const ids = ctx.body.user_id_list;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((i) => typeof i === 'string')) {
    throw fieldValidation('user_id_list');
  }
  const msg = target(env, ctx);
  if (!msg.fromBot) throw errors.notSender();
  const chat = env.store.chats.get(msg.chat_id)!;
  env.store.assertReachable(chat);
  const invalid = (ids as string[]).filter((id) => !chat.members.has(id) || env.store.users.get(id)?.outOfScope);
  const record = { at: env.store.now(), messageId: msg.message_id, userIds: ids as string[], invalid };
  env.store.urgents.push(record);
  env.emit('urgent', record);
  return ok({ invalid_user_id_list: invalid });
}

function schemaOf(card: unknown): string | undefined {
  return typeof card === 'object' && card !== null ? (card as { schema?: string }).schema : undefined;
}

export const messageRoutes: Route[] = [
  route('POST', '/open-apis/im/v1/messages', 'message.create', send, { appLimited: true }),
  route('POST', '/open-apis/im/v1/messages/:message_id/reply', 'message.reply', reply, { appLimited: true }),
  route('PATCH', '/open-apis/im/v1/messages/:message_id/urgent_app', 'message.urgent_app', urgent),
  route('PATCH', '/open-apis/im/v1/messages/:message_id', 'message.patch', patch, { appLimited: true }),
  route('GET', '/open-apis/im/v1/messages/:message_id', 'message.get', get),
];
