/**
 * What Feishu delivers, in the app's words: the Feishu adapter's envelope decoder turns events and card callbacks into these, webhook and WebSocket alike, and the app reads nothing else of
 * the payload. A new kind of message (a location, an image, a file) arrives with its fields already
 * filled in here (docs/architecture.md#ports-of-the-core).
 */

/** An image or a file a message carries (a post may hold several images). */
export interface InboundAttachment {
  kind: 'image' | 'file';
  key: string;
  name?: string;
}

/** A location message (Feishu sends the coordinates as text: they arrive here as numbers). */
export interface InboundLocation {
  name: string;
  address: string;
  latitude: number;
  longitude: number;
}

export interface InboundMention {
  key: string; // @_user_1, @_all
  openId?: string;
  name?: string;
}

export interface InboundMessage {
  type: 'message';
  eventId: string;
  /**
   * The ids this delivery is taken in once by, after its event id: Feishu may deliver one message
   * under two event ids, so the message's own id (`msg:<message id>`) is claimed as well.
   */
  dedupeKeys: string[];
  senderOpenId: string;
  senderType: string; // user | app
  messageId: string;
  chatId: string;
  chatType: string; // p2p | group
  /** Feishu's message type: text, post, image, file, location, sticker… */
  msgType: string;
  /** The words (a text, or a post's title and lines) with @-mentions removed, spaces collapsed; '' when none. */
  text: string;
  mentions: InboundMention[];
  /** Images and files, in the order they appear. */
  attachments: InboundAttachment[];
  /** Reply target: the message quoted, and the first message of the thread it is in. */
  parentId?: string;
  rootId?: string;
  threadId?: string;
  location?: InboundLocation;
  /** A file message's file (also among `attachments`). */
  file?: { key: string; name: string };
  createTime?: number;
}

export interface InboundCardAction {
  type: 'card';
  eventId: string;
  operatorOpenId: string;
  /** The button's value, as the card put it (an old card's JSON string is parsed). */
  value: unknown;
  formValue: Record<string, unknown>;
  name?: string;
  tag?: string;
  option?: string;
  inputValue?: string;
  /** The message the card is (which copy was pressed). */
  messageId: string;
  chatId?: string;
  token?: string; // update token (c-…), 30 min / 2 uses
  format: 'v2' | 'v1';
}

export interface InboundOther {
  type: 'other';
  eventId: string;
  eventType: string;
  chatId?: string;
}

export type Inbound = InboundMessage | InboundCardAction | InboundOther;

/**
 * Whether a message is addressed to the bot: every direct (p2p) message, or an @-mention of the bot in a
 * group (of anyone but @_all while the bot's own open_id is not yet known).
 */
export function mentionsBot(m: Pick<InboundMessage, 'chatType' | 'mentions'>, botOpenId: string | undefined): boolean {
  return m.chatType === 'p2p' || m.mentions.some((x) => (botOpenId ? x.openId === botOpenId : x.key !== '@_all'));
}
