/**
 * POST /feishu/events on its own (a stub bot): a repeat of an event the bot knows is done is answered
 * by its id alone, once the request is verified, without the event being read further; everything
 * else reaches `receive` as the inbound the envelope says.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Inbound } from '../../src/app/inbound';
import { alwaysUp } from '../../src/http/db-gate';
import { createHttpApp } from '../../src/http/app';
import { feishuRoutes } from '../../src/http/feishu-routes';
import { createLogger } from '../../src/log';
import { post, signRequest } from '../../src/sandbox/feishu-stand-in/signing';

const APP = { verificationToken: 'tok-routes', encryptKey: 'key-routes' };
const log = createLogger('silent');
const received: Inbound[] = [];
const asked: string[] = [];
const done = new Set(['ev_done']);
let server: http.Server;
let url: string;

beforeAll(async () => {
  const bot = {
    knownDone: (id: string) => (asked.push(id), done.has(id)),
    receive: async (inb: Inbound) => (received.push(inb), { toast: { type: 'info' as const, content: `handled ${inb.eventId}` } }),
  };
  const deliveries = feishuRoutes({ verify: () => ({ ...APP, maxAgeMs: 3_600_000 }), bot, log });
  // as main.ts mounts it: answered ahead of the other middleware, and among the routers (405s, the API description)
  const app = createHttpApp({ log, db: alwaysUp, routers: [deliveries], ingress: deliveries, auth: { adminToken: 'x'.repeat(24) }, bodyLimit: 64 * 1024 });
  server = http.createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feishu/events`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => ((received.length = 0), (asked.length = 0)));

const readEvent = (id: string) => ({ schema: '2.0', header: { event_id: id, event_type: 'im.message.message_read_v1', create_time: String(Date.now()) }, event: { reader: { reader_id: { open_id: 'ou_1' } }, message_id_list: ['om_1'] } });

describe('POST /feishu/events: a known repeat', () => {
  test('answered {} by its id, without being read further or reaching receive', async () => {
    const res = await post(url, signRequest(readEvent('ev_done'), APP));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({});
    expect(asked).toEqual(['ev_done']);
    expect(received).toHaveLength(0);
  });

  test('an event not known done reaches receive, read in full', async () => {
    const res = await post(url, signRequest(readEvent('ev_new'), APP));
    expect(res.json).toEqual({ toast: { type: 'info', content: 'handled ev_new' } });
    expect(received.map((i) => [i.type, i.eventId])).toEqual([['other', 'ev_new']]);
  });

  test('mounted ahead of the rest, it keeps the body limit, and other methods still get the 405', async () => {
    const big = signRequest({ ...readEvent('ev_big'), pad: 'x'.repeat(70 * 1024) }, APP);
    expect((await post(url, big)).status).toBe(413);
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(((await get.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
    expect(received).toHaveLength(0);
  });

  test('a body sent in chunks without a length is cut off at the limit: 413, and a small one is read whole', async () => {
    const chunked = (parts: string[]) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
        req.on('error', reject);
        for (const p of parts) req.write(p);
        req.end();
      });
    expect(await chunked(['{"pad":"', 'x'.repeat(40 * 1024), 'x'.repeat(40 * 1024), '"}'])).toBe(413);
    expect(await chunked(['{"encrypt":', '"not base64"}'])).toBe(401); // read whole, then refused as unverifiable
    expect(received).toHaveLength(0);
  });

  test('a forged copy of a known event is refused before its id is looked at', async () => {
    const forged = signRequest(readEvent('ev_done'), { ...APP, encryptKey: 'not-the-key' });
    const res = await post(url, forged);
    expect(res.status).toBe(401);
    expect(asked).toHaveLength(0);
    expect(received).toHaveLength(0);
  });
});
