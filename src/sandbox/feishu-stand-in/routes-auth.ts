/** Token and bot identity (docs/feishu.md#the-tenant-token, docs/feishu.md#envelopes): both answer at the top level, without `data`. */
import { errors } from './errors';
import { route, type Route } from './router';

export const authRoutes: Route[] = [
  route(
    'POST',
    '/open-apis/auth/v3/tenant_access_token/internal',
    'tenant_access_token',
    (ctx, { store, config }) => {
      if (ctx.body.app_id !== config.appId) throw errors.badAppId();
      if (ctx.body.app_secret !== config.appSecret) throw errors.badAppSecret();
      const { token, expire } = store.issueTenantToken();
      return { json: { code: 0, msg: 'ok', tenant_access_token: token, expire } };
    },
    { noAuth: true },
  ),
  route('GET', '/open-apis/bot/v3/info', 'bot_info', (_ctx, { config }) => ({
    json: {
      code: 0,
      msg: 'ok',
      bot: {
        activate_status: 2,
        app_name: config.botName,
        avatar_url: '',
        ip_white_list: [],
        open_id: config.botOpenId,
      },
    },
  })),
];
