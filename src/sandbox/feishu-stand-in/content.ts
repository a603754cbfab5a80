/**
 * Message content rules (docs/feishu.md#cards-and-their-limits, docs/feishu.md#sending-messages): content is a JSON *string*; cards must be 1.0 or 2.0 cards
 * (or a template reference) and ≤30 KB. Strict where a product bug would otherwise pass unnoticed.
 */
import { errors, invalidParam } from './errors';

const KB = 1024;
const MSG_TYPES = new Set([
  'text', 'post', 'image', 'file', 'interactive', 'audio', 'media', 'sticker', 'share_chat', 'share_user',
]);
/** Card JSON 2.0 rejects unknown properties [J1]; at the top level these are the known ones. */
const CARD_V2_KEYS = new Set(['schema', 'config', 'card_link', 'header', 'body']);

export type CardKind = '1.0' | '2.0' | 'template';

export interface ParsedContent {
  content: unknown;
  cardKind?: CardKind;
}

export function parseMessageContent(msgType: unknown, content: unknown): ParsedContent {
  if (typeof msgType !== 'string' || !MSG_TYPES.has(msgType)) throw invalidParam('invalid msg_type');
  if (typeof content !== 'string') throw invalidParam('content must be a JSON string');
  const bytes = Buffer.byteLength(content);
  if (msgType === 'interactive') return parseCardString(content);
  if (msgType === 'text' ? bytes > 150 * KB : bytes > 30 * KB) throw errors.tooLong(`${bytes} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw invalidParam('invalid content, content is not a valid JSON string');
  }
  const obj = isObject(parsed) ? parsed : undefined;
  const need = (field: string) => {
    if (!obj || typeof obj[field] !== 'string' || !obj[field]) throw invalidParam(`content.${field} is required`);
  };
  if (msgType === 'text') need('text');
  if (msgType === 'image') need('image_key');
  if (msgType === 'file' || msgType === 'audio' || msgType === 'media') need('file_key');
  if (msgType === 'post' && !obj) throw invalidParam('invalid post content');
  return { content: parsed };
}

/** Content of an interactive message, a PATCH or a callback card: a string holding a card. */
export function parseCardString(content: string): ParsedContent {
  const bytes = Buffer.byteLength(content);
  if (bytes > 30 * KB) throw errors.tooLong(`card is ${bytes} bytes, limit 30 KB`);
  let card: unknown;
  try {
    card = JSON.parse(content);
  } catch {
    throw errors.card(200621, 'parse card json err, please check whether the card json is correct');
  }
  return { content: card, cardKind: cardKind(card) };
}

/** Delayed update sends `card` as an object, not a string; the same size and shape rules apply. */
export function parseCardObject(card: unknown): ParsedContent {
  return parseCardString(JSON.stringify(card ?? null));
}

export function cardKind(card: unknown): CardKind {
  if (!isObject(card)) throw errors.card(200621, 'card must be a JSON object');
  if (card.type === 'template') {
    const data = card.data;
    if (!isObject(data) || typeof data.template_id !== 'string') {
      throw errors.card(200380, 'template card needs data.template_id');
    }
    return 'template';
  }
  if (card.schema === '2.0') {
    for (const key of Object.keys(card)) {
      if (!CARD_V2_KEYS.has(key)) throw errors.card(200621, `unknown property "${key}" in card JSON 2.0`);
    }
    const config = card.config;
    if (isObject(config) && 'update_multi' in config && config.update_multi !== true) {
      throw errors.card(200621, 'card JSON 2.0 only supports config.update_multi = true');
    }
    if (card.body !== undefined && !isObject(card.body)) throw errors.card(200621, 'body must be an object');
    return '2.0';
  }
  if (card.schema !== undefined) throw errors.card(200621, `unsupported card schema ${String(card.schema)}`);
  if ('elements' in card || 'header' in card || 'i18n_elements' in card || 'config' in card) return '1.0';
  throw errors.card(200621, 'not a card: expected schema "2.0" or a 1.0 card with elements/header');
}

/**
 * Shared card = `config.update_multi: true` written out. The patch page asks for it explicitly
 * before and after the update, so an implicit 2.0 default does not count here. Template cards carry
 * their config in the card builder, where the fake cannot look, so they pass.
 */
export function isSharedCard(card: unknown): boolean {
  if (!isObject(card)) return false;
  if (card.type === 'template') return true;
  return isObject(card.config) && card.config.update_multi === true;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
