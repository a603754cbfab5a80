import * as lark from '@larksuiteoapi/node-sdk';
import type { Bot } from '../../app/bot';
import type { Logger } from '../../log';
import { toInbound } from './envelope';
import { sdkDomain } from './messenger';

/**
 * FEISHU_EVENT_MODE=websocket: the SDK's long-connection client. It hands each event (and card
 * callback) to `dispatcher.invoke(envelope)` as the plain 2.0 envelope, already authenticated by the
 * connection, and sends our return value back as the callback's answer — so it ends in the same
 * `bot.receive` as the webhook.
 */
export function wsDispatcher(bot: Pick<Bot, 'receive'>): { invoke(data: Record<string, unknown>): Promise<unknown> } {
  return {
    invoke: (data) => {
      const header = (data.header ?? {}) as Record<string, unknown>;
      const id = String(header.event_id ?? data.uuid ?? '');
      return bot.receive(toInbound(data, `ws:${id}`));
    },
  };
}

/** The app ids the SDK's WSClient.start accepts; any other makes it log and return without connecting. */
const WS_APP_ID = /^cli_[0-9a-fA-F]{16}$/;

/** Why the long connection cannot start with this app id, in one line; null when it can. */
export function wsAppIdProblem(appId: string): string | null {
  return WS_APP_ID.test(appId) ? null : `FEISHU_APP_ID: the long connection (FEISHU_EVENT_MODE=websocket) needs the app id as the developer console shows it, "cli_" and 16 hex digits; got "${appId}", which the Feishu SDK refuses without connecting`;
}

export type LongConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** The long connection as the service sees it: its state (for /readyz) and a way to close it. */
export interface LongConnection {
  state(): LongConnectionState;
  close(): void;
}

export type LongConnectionFactory = (bot: Pick<Bot, 'receive'>, app: { appId: string; appSecret: string; domain: string }, log: Logger) => LongConnection;

/** The SDK's log lines in the service's structured format. */
function sdkLogger(log: Logger): lark.Logger {
  const line = (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') => (...msg: unknown[]) => log[level]({ sdk: 'ws' }, msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' '));
  return { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug'), trace: line('trace') };
}

export const startLongConnection: LongConnectionFactory = (bot, app, log) => {
  let state: LongConnectionState = 'connecting';
  const ws = new lark.WSClient({
    appId: app.appId,
    appSecret: app.appSecret,
    domain: sdkDomain(app.domain),
    logger: sdkLogger(log),
    loggerLevel: lark.LoggerLevel.info,
    onReady: () => ((state = 'connected'), log.info('long connection to Feishu is up')),
    onReconnecting: () => ((state = 'reconnecting'), log.warn('long connection to Feishu lost: reconnecting')),
    onReconnected: () => ((state = 'connected'), log.info('long connection to Feishu is up again')),
    onError: (e) => ((state = 'failed'), log.error({ err: e.message }, 'long connection to Feishu failed: no events arrive; check FEISHU_APP_ID/FEISHU_APP_SECRET and that the app subscribes by long connection')),
  });
  void ws.start({ eventDispatcher: wsDispatcher(bot) as unknown as lark.EventDispatcher });
  return {
    state: () => state,
    close: () => {
      state = 'closed';
      ws.close({ force: true });
    },
  };
};
