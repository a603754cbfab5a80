/** Ids from mobiles/emails, chat info and membership (docs/feishu.md#contacts-and-chats). */
import { errors, fieldValidation } from './errors';
import { ok, route, type Ctx, type Route, type RouteEnv } from './router';
import type { FakeChat, FakeUser } from './types';

const ID_TYPES = new Set(['open_id', 'union_id', 'user_id']);
const MAX_PER_LIST = 50; // ⚠ per docs/feishu.md#contacts-and-chats

/** Feishu stores mobiles with a country code; callers send either form. */
const normaliseMobile = (m: string) => m.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');

function idOf(user: FakeUser, type: string): string | undefined {
  if (type === 'union_id') return user.unionId;
  if (type === 'user_id') return user.userId;
  return user.openId;
}

function stringList(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string') || v.length > MAX_PER_LIST) {
    throw fieldValidation(`${field} (at most ${MAX_PER_LIST} strings)`);
  }
  return v as string[];
}

function batchGetId(ctx: Ctx, env: RouteEnv) {
  const idType = ctx.query.user_id_type ?? 'open_id';
  if (!ID_TYPES.has(idType)) throw fieldValidation('user_id_type');
  const emails = stringList(ctx.body.emails, 'emails');
  const mobiles = stringList(ctx.body.mobiles, 'mobiles');
  const includeResigned = ctx.body.include_resigned === true;
  const users = [...env.store.users.values()];
  // Unknown, out-of-scope (and, unless asked, resigned) people come back without `user_id` [U1].
  const visible = (u: FakeUser | undefined) => u && !u.outOfScope && (!u.resigned || includeResigned);
  const entry = (u: FakeUser | undefined, key: 'email' | 'mobile', value: string) => {
    if (!visible(u)) return { [key]: value };
    return {
      user_id: idOf(u!, idType),
      [key]: value,
      status: { is_frozen: false, is_resigned: !!u!.resigned, is_activated: !u!.resigned, is_exited: false, is_unjoin: false },
    };
  };
  const userList = [
    ...emails.map((e) => entry(users.find((u) => u.email?.toLowerCase() === e.toLowerCase()), 'email', e)),
    ...mobiles.map((m) => entry(
      users.find((u) => u.mobile && normaliseMobile(u.mobile) === normaliseMobile(m)), 'mobile', m)),
  ];
  return ok({ user_list: userList });
}

function chatOf(ctx: Ctx, env: RouteEnv): FakeChat {
  const chat = env.store.chats.get(ctx.params.chat_id);
  if (!chat) throw errors.chatNotFound();
  return chat;
}

/** A bot outside the chat sees only name, avatar, counts and status. */
function getChat(ctx: Ctx, env: RouteEnv) {
  const chat = chatOf(ctx, env);
  const status = chat.dissolved ? 'dissolved' : 'normal';
  const counts = { user_count: String(chat.members.size), bot_count: chat.botIsMember ? '1' : '0' };
  const basic = { avatar: '', name: chat.name, ...counts, chat_status: status };
  if (!chat.botIsMember) return ok(basic);
  return ok({
    ...basic,
    description: '',
    owner_id: chat.ownerId ?? '',
    owner_id_type: 'open_id',
    chat_mode: chat.type === 'p2p' ? 'p2p' : 'group',
    chat_type: 'private',
    external: false,
    tenant_key: env.config.tenantKey,
  });
}

function isInChat(ctx: Ctx, env: RouteEnv) {
  const chat = chatOf(ctx, env);
  return ok({ is_in_chat: chat.botIsMember && !chat.dissolved });
}

export const contactRoutes: Route[] = [
  route('POST', '/open-apis/contact/v3/users/batch_get_id', 'user.batch_get_id', batchGetId, { appLimited: true }),
  route('GET', '/open-apis/im/v1/chats/:chat_id', 'chat.get', getChat),
  route('GET', '/open-apis/im/v1/chats/:chat_id/members/is_in_chat', 'chat.members.is_in_chat', isInChat),
];
