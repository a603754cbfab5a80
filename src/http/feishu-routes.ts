import type Router from '@koa/router';
import type { Logger } from 'pino';
import { toInbound } from '../adapters/feishu/envelope';
import { verifyRequest, type VerifyOptions } from '../adapters/feishu/verify';
import type { Bot } from '../app/bot';
import { appRouter } from './guard';
import { DatabaseUnavailable } from '../adapters/mongo/database';
import type { DbHealth } from './db-gate';
import { machineNow } from '../clock';

/**
 * POST /feishu/events and POST /feishu/card: both accept events and card callbacks in every format
 * (Feishu may send card.action.trigger to the event URL). Verified on the raw bytes first.
 */
export function feishuRoutes(opts: { verify: () => VerifyOptions; bot: Pick<Bot, 'receive'> & Partial<Pick<Bot, 'answersFromMemory' | 'knownDone'>>; log: Logger; now?: () => number; db?: Pick<DbHealth, 'ready' | 'reason'> }): Router {
  const router = appRouter();
  const handle = async (ctx: import('koa').Context) => {
    const raw: Buffer = ctx.state.raw ?? Buffer.alloc(0);
    const v = verifyRequest(raw.toString('utf8'), ctx.headers as Record<string, string>, opts.verify(), (opts.now ?? machineNow)());
    if (!v.ok) {
      opts.log.warn({ path: ctx.path, reason: v.reason, status: v.status }, 'feishu request refused');
      ctx.status = v.status;
      ctx.body = { error: { code: v.status === 401 ? 'unauthorized' : 'bad_request', message: v.reason } };
      return;
    }
    if (v.kind === 'challenge') {
      ctx.body = { challenge: v.challenge };
      return;
    }
    // a repeat of an event known done is answered by its id, before the event is read any further
    if (opts.bot.knownDone?.(v.eventId)) {
      ctx.body = {};
      return;
    }
    const inb = toInbound(v.body, v.dedupeKey);
    // an event that needs nothing, or a repeat this instance knows is done, is answered without the database
    if (opts.db && !opts.db.ready && !opts.bot.answersFromMemory?.(inb)) {
      // nothing can be claimed: an event is refused so Feishu delivers it again (15 s, 5 min, 1 h, 6 h);
      // a button press is not delivered again, so the person is told to press it later
      if (inb.type === 'card') ctx.body = { toast: { type: 'error', content: '系统暂时无法处理（数据库暂不可用），请稍后再点一次。' } };
      else throw new DatabaseUnavailable(opts.db.reason);
      return;
    }
    ctx.body = await opts.bot.receive(inb);
  };
  router.post('/feishu/events', handle);
  router.post('/feishu/card', handle);
  return router;
}
