/**
 * The official SDK's Client pointed at a FakeFeishu.
 *
 * SDK 1.73.0 cannot take `domain: 'http://127.0.0.1:PORT'` for methods with path parameters
 * (message.reply/patch/get, resources…): `fillApiPath` runs its `:param` regexp over the whole URL and
 * throws "request miss PORT path argument" (larksuite/node-sdk#220). So the client gets a port-less
 * domain and an axios instance that sends everything through the fake as an HTTP proxy; the fake reads
 * the absolute request-target like any other. Also: its own token cache (the SDK's default cache is
 * module-global) and a silent logger (the SDK logs every rejected call at error level).
 */
import * as lark from '@larksuiteoapi/node-sdk';

/** A domain that never resolves, so a misrouted request fails instead of reaching the internet. */
export const FAKE_FEISHU_DOMAIN = 'http://open.feishu.invalid';

const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

interface FakeLike {
  url: string;
  config: { appId: string; appSecret: string };
}

/** An axios instance like the SDK's default one (answers `response.data`), proxied to the fake. */
export function sdkHttpInstance(fake: { url: string }, opts: { timeout?: number } = {}): lark.HttpInstance {
  const { hostname, port } = new URL(fake.url);
  const http = lark.defaultHttpInstance.create({
    proxy: { protocol: 'http', host: hostname, port: Number(port) },
    timeout: opts.timeout ?? 0,
  });
  http.interceptors.response.use((resp) =>
    // Same contract as the SDK's own interceptor: `$return_headers` asks for headers too (resource downloads).
    (resp.config as { $return_headers?: boolean }).$return_headers ? { data: resp.data, headers: resp.headers } : resp.data);
  return http as unknown as lark.HttpInstance;
}

export function sdkClient(fake: FakeLike, opts: { appSecret?: string; timeout?: number } = {}): lark.Client {
  return new lark.Client({
    appId: fake.config.appId,
    appSecret: opts.appSecret ?? fake.config.appSecret,
    domain: FAKE_FEISHU_DOMAIN,
    httpInstance: sdkHttpInstance(fake, opts),
    cache: new lark.DefaultCache(),
    loggerLevel: lark.LoggerLevel.error,
    logger: silent,
  });
}

/** What an axios rejection carried: HTTP status, Feishu body and headers (or the network error code). */
export async function failure(p: Promise<unknown>): Promise<{ status?: number; data?: any; headers?: Record<string, string>; code?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { response?: { status: number; data: unknown; headers: Record<string, string> }; code?: string };
    return { status: err.response?.status, data: err.response?.data, headers: err.response?.headers, code: err.code };
  }
  throw new Error('expected the call to fail');
}
