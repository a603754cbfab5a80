import type { InboundCardAction } from './inbound';
import { CARD_ACTIONS } from '../cards/actions';
import { secondsSince, type Metrics } from '../metrics';
import type { Bot } from './bot';

/** The bot's entry and the card handler, timed for metrics (src/metrics.ts). */
export type Receiver = Pick<Bot, 'receive'> & Partial<Pick<Bot, 'answersFromMemory' | 'knownDone'>>;

const EVENT_KIND = { message: 'im.message.receive_v1', card: 'card.action.trigger' } as const;

export function meteredBot(bot: Receiver, m: Pick<Metrics, 'ingress'>): Receiver {
  return {
    answersFromMemory: bot.answersFromMemory?.bind(bot),
    knownDone: (eventId) => bot.knownDone?.(eventId) ?? false, // a repeat answered from memory: in dudao_http_responses_total only
    async receive(inb) {
      const started = performance.now();
      try {
        return await bot.receive(inb);
      } finally {
        m.ingress(inb.type === 'other' ? inb.eventType : EVENT_KIND[inb.type], secondsSince(started));
      }
    },
  };
}

/** The action named in a card's value (`a`), when it is one of ours. */
export function cardActionName(a: InboundCardAction, known: ReadonlySet<string> = CORE_ACTIONS): string {
  const name = (a.value as { a?: unknown } | null)?.a;
  return typeof name === 'string' && known.has(name) ? name : 'unknown';
}

const CORE_ACTIONS: ReadonlySet<string> = new Set(CARD_ACTIONS);

/** `known`: the action names a label may carry (the core's and the features'); anything else is 'unknown'. */
export function meteredCards<T>(handle: (a: InboundCardAction) => Promise<T>, m: Pick<Metrics, 'cardAction'>, known: ReadonlySet<string> = CORE_ACTIONS): (a: InboundCardAction) => Promise<T> {
  return async (a) => {
    const started = performance.now();
    try {
      return await handle(a);
    } finally {
      m.cardAction(cardActionName(a, known), secondsSince(started));
    }
  };
}
