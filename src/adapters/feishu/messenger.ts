import * as lark from '@larksuiteoapi/node-sdk';
import axios, { type AxiosError } from 'axios';
import type { Readable } from 'node:stream';
import { FeishuError, type FetchedMessage, type FileType, type Messenger, type MsgType, type ReceiveIdType, type ResourceDownload } from '../../app/ports';
import { trimEndChars } from '../../domain/trim';

/**
 * The Messenger port on the official SDK's Client. Domain `feishu`, `lark` or a base URL (tests, the
 * sandbox). Every call has a timeout (the SDK's axios has none); errors become FeishuError with the
 * retry decision of docs/feishu.md#error-codes: 429/5xx/timeouts/230020 retry, 23000x-style refusals are permanent.
 */
export interface FeishuClientOptions {
  appId: string;
  appSecret: string;
  domain: string; // 'feishu' | 'lark' | base URL
  timeoutMs?: number;
  /** Told of every failed call, with its classified code (metrics). */
  onError?: (code: string) => void;
}

type Envelope = { code?: number; msg?: string };

const TOKEN_ERRORS = new Set([99991661, 99991663, 99991664, 99991668]);
const RETRY_CODES = new Set([230020, 230049, 99991400]);

export function sdkDomain(domain: string): lark.Domain | string {
  if (domain === 'feishu') return lark.Domain.Feishu;
  if (domain === 'lark') return lark.Domain.Lark;
  return trimEndChars(domain, '/');
}

export class FeishuMessenger implements Messenger {
  readonly client: lark.Client;
  private readonly cache = new lark.DefaultCache();

  constructor(private readonly opts: FeishuClientOptions) {
    const http = axios.create({ timeout: opts.timeoutMs ?? 10_000 });
    // as the SDK's own instance: calls that ask for headers (a resource download) get {data, headers}
    http.interceptors.response.use((r) => ((r.config as { $return_headers?: boolean }).$return_headers ? { data: r.data, headers: r.headers } : r.data));
    this.client = new lark.Client({
      appId: opts.appId,
      appSecret: opts.appSecret,
      domain: sdkDomain(opts.domain),
      cache: this.cache,
      httpInstance: http as unknown as lark.HttpInstance,
      loggerLevel: lark.LoggerLevel.error,
      // the SDK prints every refused call; the outbox records and logs them itself
      logger: { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined, trace: () => undefined },
    });
  }

  /**
   * Every call goes through `client.request` (token handling included): the SDK's generated methods
   * cannot take a domain with a port (they read `:PORT` as a path parameter, larksuite/node-sdk#220),
   * and tests and the sandbox use exactly such a domain.
   */
  private req<T = Envelope>(method: 'GET' | 'POST' | 'PATCH', url: string, data?: unknown, params?: Record<string, string>, headers?: Record<string, string>): Promise<T & Envelope> {
    return this.call(() => this.client.request<T & Envelope>({ method, url, data: data as Record<string, unknown>, params, headers }));
  }

  async send(to: { type: ReceiveIdType; id: string }, msgType: MsgType, content: unknown, uuid: string) {
    const res = await this.req<{ data: { message_id: string; chat_id?: string } }>('POST', '/open-apis/im/v1/messages', { receive_id: to.id, msg_type: msgType, content: JSON.stringify(content), uuid }, { receive_id_type: to.type });
    return { messageId: res.data.message_id, chatId: res.data.chat_id };
  }

  async reply(messageId: string, msgType: MsgType, content: unknown, uuid: string, inThread = false) {
    const res = await this.req<{ data: { message_id: string; chat_id?: string } }>('POST', `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/reply`, { msg_type: msgType, content: JSON.stringify(content), uuid, reply_in_thread: inThread });
    return { messageId: res.data.message_id, chatId: res.data.chat_id };
  }

  async patch(messageId: string, card: unknown): Promise<void> {
    await this.req('PATCH', `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}`, { content: JSON.stringify(card) });
  }

  async updateCard(token: string, card: unknown): Promise<void> {
    await this.req('POST', '/open-apis/interactive/v1/card/update', { token, card });
  }

  async urgent(messageId: string, openIds: string[]): Promise<void> {
    await this.req('PATCH', `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/urgent_app`, { user_id_list: openIds }, { user_id_type: 'open_id' });
  }

  /**
   * As the SDK's own `im.v1.image.create` sends it: a plain object that axios turns into multipart because
   * of the Content-Type. (`client.request` copies `data` into a new object, so a FormData would arrive as
   * an empty JSON body.)
   */
  async uploadImage(bytes: Buffer): Promise<string> {
    const res = await this.req<{ data: { image_key: string } }>('POST', '/open-apis/im/v1/images', { image_type: 'message', image: bytes }, undefined, { 'Content-Type': 'multipart/form-data' });
    if (!res.data?.image_key) throw new FeishuError('upload', 'image upload returned no image_key', false);
    return res.data.image_key;
  }

  /** As `im.v1.file.create` sends it (multipart, as uploadImage). The name is Feishu's file_name, shown in chat. */
  async uploadFile(name: string, bytes: Buffer, fileType: FileType): Promise<string> {
    if (!bytes.length) throw new FeishuError('upload', `file ${name} is empty`, true);
    const res = await this.req<{ data: { file_key: string } }>('POST', '/open-apis/im/v1/files', { file_type: fileType, file_name: name, file: bytes }, undefined, { 'Content-Type': 'multipart/form-data' });
    if (!res.data?.file_key) throw new FeishuError('upload', 'file upload returned no file_key', false);
    return res.data.file_key;
  }

  async getMessage(messageId: string): Promise<FetchedMessage | null> {
    type Item = { message_id: string; msg_type: string; chat_id: string; sender?: { id?: string }; body?: { content?: string } };
    let res: { data?: { items?: Item[] } };
    try {
      res = await this.req<{ data?: { items?: Item[] } }>('GET', `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}`);
    } catch (e) {
      if (e instanceof FeishuError && e.permanent) return null; // unknown, recalled, or in a chat the bot is not in
      throw e;
    }
    const item = res.data?.items?.[0];
    if (!item) return null;
    let content: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(item.body?.content ?? '{}');
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) content = parsed as Record<string, unknown>;
    } catch {
      content = {};
    }
    return { messageId: item.message_id, msgType: item.msg_type, chatId: item.chat_id, senderId: item.sender?.id, content };
  }

  /**
   * `im.v1.messageResource.get` of the official SDK: the body as a stream and the response headers, so
   * the caller can refuse a file by its Content-Length before reading it and stop reading at its limit.
   * A refusal arrives as a JSON body on that stream; it is read (a few KB at most) to classify it.
   */
  async messageResource(messageId: string, fileKey: string, type: 'file' | 'image'): Promise<ResourceDownload> {
    const { res } = await this.call(async () => {
      try {
        return { code: 0, res: await this.client.im.v1.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type } }) };
      } catch (e) {
        throw await withJsonBody(e);
      }
    });
    const stream = res.getReadableStream();
    const length = Number((res.headers as Record<string, unknown> | undefined)?.['content-length']);
    return { size: Number.isFinite(length) && length >= 0 ? length : undefined, stream, abort: () => stream.destroy() };
  }

  async botInfo(): Promise<{ openId: string; name: string }> {
    const res = await this.req<{ bot: { open_id: string; app_name: string } }>('GET', '/open-apis/bot/v3/info');
    return { openId: res.bot.open_id, name: res.bot.app_name };
  }

  async resolveIds(q: { mobiles: string[]; emails: string[] }): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < Math.max(q.mobiles.length, q.emails.length); i += 50) {
      const mobiles = q.mobiles.slice(i, i + 50);
      const emails = q.emails.slice(i, i + 50);
      if (!mobiles.length && !emails.length) break;
      const res = await this.req<{ data?: { user_list?: { user_id?: string; mobile?: string; email?: string }[] } }>('POST', '/open-apis/contact/v3/users/batch_get_id', { mobiles, emails, include_resigned: false }, { user_id_type: 'open_id' });
      for (const u of res.data?.user_list ?? []) {
        const key = u.mobile ?? u.email;
        if (key && u.user_id) out.set(key, u.user_id);
      }
    }
    return out;
  }

  /** Runs a call; a rejected token is dropped and the call tried once more (docs/feishu.md#the-tenant-token). */
  private async call<T extends { code?: number; msg?: string }>(fn: () => Promise<T>): Promise<T> {
    try {
      return check(await fn());
    } catch (e) {
      const err = classify(e);
      this.opts.onError?.(err.code);
      if (!TOKEN_ERRORS.has(Number(err.code))) throw err;
      this.cache.set(lark.CTenantAccessToken, '', 0, { namespace: this.opts.appId });
      try {
        return check(await fn());
      } catch (e2) {
        const again = classify(e2);
        this.opts.onError?.(again.code);
        throw TOKEN_ERRORS.has(Number(again.code)) ? new FeishuError(again.code, again.message, true, undefined, again.httpStatus) : again;
      }
    }
  }
}

/** An error whose response body is still a stream (a download refused): the body read as JSON, so `classify` sees Feishu's code. */
async function withJsonBody(e: unknown): Promise<unknown> {
  const res = (e as AxiosError)?.response;
  const body = res?.data as Readable | undefined;
  if (!res || !body || typeof body.on !== 'function') return e;
  let text = '';
  for await (const chunk of body) {
    text += String(chunk);
    if (text.length > 64 * 1024) {
      body.destroy();
      break;
    }
  }
  try {
    res.data = JSON.parse(text);
  } catch {
    res.data = { msg: text.slice(0, 200) };
  }
  return e;
}

function check<T extends { code?: number; msg?: string }>(res: T): T {
  if (res && typeof res.code === 'number' && res.code !== 0) throw fromBody(200, res.code, res.msg ?? '', {});
  return res;
}

function fromBody(status: number, code: number, msg: string, headers: Record<string, unknown>): FeishuError {
  const reset = Number(headers['x-ogw-ratelimit-reset']);
  const retryAfterMs = Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
  if (status === 429 || RETRY_CODES.has(code)) return new FeishuError(String(code || 'http_429'), msg || 'rate limited', false, retryAfterMs ?? 1000, status);
  if (TOKEN_ERRORS.has(code)) return new FeishuError(String(code), msg, false, undefined, status);
  if (status >= 500) return new FeishuError(`http_${status}`, msg || `HTTP ${status}`, false, undefined, status);
  return new FeishuError(String(code || `http_${status}`), msg || `HTTP ${status}`, true, undefined, status);
}

export function classify(e: unknown): FeishuError {
  if (e instanceof FeishuError) return e;
  const ax = e as AxiosError<{ code?: number; msg?: string }>;
  if (ax?.isAxiosError) {
    if (ax.response) {
      const body = ax.response.data ?? {};
      return fromBody(ax.response.status, Number(body.code ?? 0), String(body.msg ?? ax.message), ax.response.headers as Record<string, unknown>);
    }
    const timeout = ax.code === 'ECONNABORTED' || ax.code === 'ETIMEDOUT' || /timeout/i.test(ax.message);
    return new FeishuError(timeout ? 'timeout' : 'network', ax.message, false);
  }
  return new FeishuError('unknown', e instanceof Error ? e.message : String(e), false);
}
