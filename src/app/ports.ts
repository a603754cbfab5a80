/**
 * What the application needs from the outside world. Adapters implement these; tests use the real
 * adapters against FerretDB and the fake Feishu.
 */

export type ReceiveIdType = 'chat_id' | 'open_id';
export type MsgType = 'text' | 'interactive' | 'post' | 'file';

/** Feishu's upload types (docs/feishu.md#sending-messages): `.xlsx` goes as xls, `.docx` as doc, anything else as stream. */
export type FileType = 'opus' | 'mp4' | 'pdf' | 'doc' | 'xls' | 'ppt' | 'stream';

/** A file the bot sends: made when it is sent (docs/architecture.md#files-out). */
export interface OutFile {
  name: string;
  bytes: Buffer;
  fileType: FileType;
}

/**
 * What an outbox file row stores instead of the bytes: a maker's name and its arguments (plain JSON), e.g.
 * `{kind: 'ledger', args: {group: 'G1', month: '2026-10'}}`. The file is made when the row is sent.
 */
export interface FileRef {
  kind: string;
  args: Record<string, string | number | boolean | null>;
}

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

/** A message read back (`GET …/messages/:id`): what a `派单` reply to a file needs to know of its parent. */
export interface FetchedMessage {
  messageId: string;
  msgType: string; // text, file, image, interactive …
  chatId: string;
  senderId?: string; // open_id for people, app_id for bots
  content: Record<string, unknown>; // parsed: a file's {file_key, file_name}
}

/** A resource download under way: its declared size (Content-Length) when told, the bytes as they come, and a way to stop. */
export interface ResourceDownload {
  size?: number;
  stream: AsyncIterable<Buffer>;
  abort(): void;
}

export interface Messenger {
  send(to: { type: ReceiveIdType; id: string }, msgType: MsgType, content: unknown, uuid: string): Promise<{ messageId: string; chatId?: string }>;
  reply(messageId: string, msgType: MsgType, content: unknown, uuid: string, inThread?: boolean): Promise<{ messageId: string; chatId?: string }>;
  patch(messageId: string, card: unknown): Promise<void>;
  updateCard(token: string, card: unknown): Promise<void>;
  urgent(messageId: string, openIds: string[]): Promise<void>;
  uploadImage(bytes: Buffer): Promise<string>;
  /** Uploads a file for a file message (≤ 30 MB, not empty); returns its file_key. */
  uploadFile(name: string, bytes: Buffer, fileType: FileType): Promise<string>;
  botInfo(): Promise<{ openId: string; name: string }>;
  /** One message by id, or null when Feishu does not know it (or the bot may not see it). */
  getMessage(messageId: string): Promise<FetchedMessage | null>;
  /** A file or image a message carries, streamed: the caller checks `size` first and stops reading at its limit. */
  messageResource(messageId: string, fileKey: string, type: 'file' | 'image'): Promise<ResourceDownload>;
  /** mobile/email → open_id; unknown ones are absent. */
  resolveIds(q: { mobiles: string[]; emails: string[] }): Promise<Map<string, string>>;
}
