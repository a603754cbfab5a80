/**
 * What the application needs from the outside world. Adapters implement these; tests use the real
 * adapters against FerretDB and the fake Feishu.
 */

export type ReceiveIdType = 'chat_id' | 'open_id';
export type MsgType = 'text' | 'interactive' | 'post';

/** A failed Feishu call, classified so the outbox knows whether to retry. */
export class FeishuError extends Error {
  constructor(
    readonly code: string, // Feishu's numeric code as text, or 'http_503', 'timeout', 'network'
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

export interface Messenger {
  send(to: { type: ReceiveIdType; id: string }, msgType: MsgType, content: unknown, uuid: string): Promise<{ messageId: string; chatId?: string }>;
  reply(messageId: string, msgType: MsgType, content: unknown, uuid: string, inThread?: boolean): Promise<{ messageId: string; chatId?: string }>;
  patch(messageId: string, card: unknown): Promise<void>;
  updateCard(token: string, card: unknown): Promise<void>;
  urgent(messageId: string, openIds: string[]): Promise<void>;
  uploadImage(bytes: Buffer): Promise<string>;
  botInfo(): Promise<{ openId: string; name: string }>;
  /** mobile/email → open_id; unknown ones are absent. */
  resolveIds(q: { mobiles: string[]; emails: string[] }): Promise<Map<string, string>>;
}
