/**
 * Delayed card update (docs/feishu.md#card-callbacks): `{token:"c-…", card:{…}}` with a token from a card callback,
 * valid 30 minutes and twice. The fake cannot tell whether the callback was answered first.
 */
import { isObject, parseCardObject } from './content';
import { fieldValidation } from './errors';
import { ok, route, type Ctx, type Route, type RouteEnv } from './router';

function cardUpdate(ctx: Ctx, env: RouteEnv) {
  if (!isObject(ctx.body.card)) throw fieldValidation('card');
  const parsed = parseCardObject(ctx.body.card);
  const msg = env.store.useCardToken(ctx.body.token);
  env.store.assertReachable(env.store.chats.get(msg.chat_id)!);
  const version = env.store.updateContent(msg, parsed.content, 'card_update');
  env.emit('patch', { message: msg, version });
  return ok({});
}

export const cardUpdateRoutes: Route[] = [
  route('POST', '/open-apis/interactive/v1/card/update', 'card.update', cardUpdate, { appLimited: true }),
];
