import * as lark from '@larksuiteoapi/node-sdk';
import type { Bot } from '../../app/bot';
import { toInbound } from './envelope';
import { sdkDomain } from './messenger';

/**
 * FEISHU_EVENT_MODE=websocket: the SDK's long-connection client. It hands each event (and card
 * callback) to `dispatcher.invoke(envelope)` as the plain 2.0 envelope, already authenticated by the
 * connection, and sends our return value back as the callback's answer — so it ends in the same
 * `bot.receive` as the webhook.
 */
export function wsDispatcher(bot: Bot): { invoke(data: Record<string, unknown>): Promise<unknown> } {
  return {
    invoke: (data) => {
      const header = (data.header ?? {}) as Record<string, unknown>;
      const id = String(header.event_id ?? data.uuid ?? '');
      return bot.receive(toInbound(data, `ws:${id}`));
    },
  };
}

export function startLongConnection(bot: Bot, app: { appId: string; appSecret: string; domain: string }): lark.WSClient {
  const ws = new lark.WSClient({ appId: app.appId, appSecret: app.appSecret, domain: sdkDomain(app.domain), loggerLevel: lark.LoggerLevel.warn });
  void ws.start({ eventDispatcher: wsDispatcher(bot) as unknown as lark.EventDispatcher });
  return ws;
}
