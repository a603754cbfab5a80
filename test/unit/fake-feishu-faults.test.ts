/** FakeFeishu's injected faults and rate limits, as the official SDK experiences them. */
import * as lark from '@larksuiteoapi/node-sdk';
import { FakeFeishu } from '../../src/sandbox/feishu-stand-in/server';
import { manualClock } from '../fake-feishu/clock';
import { failure, sdkClient } from '../fake-feishu/sdk-client';

const clock = manualClock();
let fake: FakeFeishu;
let client: lark.Client;

const send = (c: lark.Client, chatId: string, text = 'hi') =>
  c.im.v1.message.create({
    params: { receive_id_type: 'chat_id' },
    data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text }) },
  });
const codeOf = (p: Promise<unknown>) => p.then(() => 0, (e) => e.response?.data?.code ?? e.code);

beforeAll(async () => {
  fake = await FakeFeishu.start({ now: clock.now });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset({ directory: true });
  clock.advance(120_000); // fresh per-second and per-minute windows
  fake.addChat({ chatId: 'oc_a', name: 'A', members: ['ou_alice'] });
  client = sdkClient(fake);
});

describe('injected faults', () => {
  it('ratelimit: HTTP 429 with x-ogw-ratelimit-* headers and 99991400, once', async () => {
    fake.inject({ path: '/open-apis/im/v1/messages', fault: { type: 'ratelimit', resetSec: 3 } });
    const err = await failure(send(client, 'oc_a'));
    expect(err.status).toBe(429);
    expect(err.headers).toMatchObject({ 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '3' });
    expect(err.data).toEqual({ code: 99991400, msg: 'request trigger frequency limit' });
    expect((await send(client, 'oc_a')).code).toBe(0);
    expect(fake.calls({ path: '/open-apis/im/v1/messages' }).map((c) => [c.status, c.fault])).toEqual([
      [429, 'ratelimit'], [200, undefined],
    ]);
  });

  it('error: any code and status, for N calls matching method and a :param path', async () => {
    const sent = await send(client, 'oc_a');
    const id = sent.data!.message_id!;
    fake.inject({ method: 'post', path: '/open-apis/im/v1/messages/:id/reply', times: 2, fault: { type: 'error', httpStatus: 400, code: 230020, msg: 'frequency' } });
    const reply = () => client.im.v1.message.reply({ path: { message_id: id }, data: { msg_type: 'text', content: '{"text":"r"}' } });
    expect(await codeOf(send(client, 'oc_a'))).toBe(0); // other paths unaffected
    expect(await codeOf(reply())).toBe(230020);
    expect(await codeOf(reply())).toBe(230020);
    expect(await codeOf(reply())).toBe(0);
  });

  it('status: 500 and 503 reject with that status', async () => {
    fake.inject({ path: /messages$/, fault: { type: 'status', status: 500 } });
    fake.inject({ path: /messages$/, fault: { type: 'status', status: 503 } });
    expect((await failure(send(client, 'oc_a'))).status).toBe(500);
    expect((await failure(send(client, 'oc_a'))).status).toBe(503);
    expect(fake.messagesIn('oc_a')).toHaveLength(0);
    expect(fake.stats().faults).toBe(2);
  });

  it('hang: the client times out and nothing is sent', async () => {
    const impatient = sdkClient(fake, { timeout: 150 });
    fake.inject({ path: '/open-apis/im/v1/messages', fault: { type: 'hang', ms: 60_000 } });
    const started = Date.now();
    const err = await failure(send(impatient, 'oc_a'));
    expect(err.code).toBe('ECONNABORTED');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(fake.calls({ path: '/open-apis/im/v1/messages' })[0]).toMatchObject({ fault: 'hang', status: 0 });
    expect(fake.messagesIn('oc_a')).toHaveLength(0);
    expect((await send(impatient, 'oc_a')).code).toBe(0);
  });

  it('hang with the SDK default instance: lark.defaultHttpInstance.defaults.timeout applies', async () => {
    const before = lark.defaultHttpInstance.defaults.timeout;
    lark.defaultHttpInstance.defaults.timeout = 150;
    try {
      fake.inject({ path: '/open-apis/im/v1/chats/*', fault: { type: 'hang', ms: 60_000 } });
      const plain = new lark.Client({ appId: 'cli_test', appSecret: 'secret', domain: fake.url, cache: new lark.DefaultCache(), logger: { error() {}, warn() {}, info() {}, debug() {}, trace() {} } });
      const err = await failure(plain.request({ method: 'GET', url: '/open-apis/im/v1/chats/oc_a' }));
      expect(err.code).toBe('ECONNABORTED');
    } finally {
      lark.defaultHttpInstance.defaults.timeout = before;
    }
  });

  it('drop: the socket is destroyed', async () => {
    fake.inject({ path: '/open-apis/im/v1/messages', fault: { type: 'drop' } });
    const err = await failure(send(client, 'oc_a'));
    expect(err.status).toBeUndefined();
    expect(err.code).toBe('ECONNRESET');
    expect(fake.messagesIn('oc_a')).toHaveLength(0);
  });

  it('invalidToken: 99991663 and the token is revoked until the client refetches', async () => {
    expect((await send(client, 'oc_a')).code).toBe(0);
    fake.inject({ path: '/open-apis/im/v1/messages', fault: { type: 'invalidToken' } });
    expect((await failure(send(client, 'oc_a'))).data).toMatchObject({ code: 99991663 });
    // The SDK never drops its cached token on its own; the old one stays refused.
    expect((await failure(send(client, 'oc_a'))).data).toMatchObject({ code: 99991663 });
    // docs/feishu.md#the-tenant-token: drop the cached token, refetch, retry once.
    const cache = (client as unknown as { cache: lark.Cache }).cache;
    await cache.set(lark.CTenantAccessToken, '', 0, { namespace: 'cli_test' });
    expect((await send(client, 'oc_a')).code).toBe(0);
    const tokens = fake.calls({ path: '/open-apis/im/v1/messages' }).map((c) => c.headers.authorization);
    expect(tokens[3]).not.toBe(tokens[0]);
  });
});

describe('rate limits', () => {
  it('per chat: 6 quick sends to one chat → one 230020; the next second is free again', async () => {
    const codes = await Promise.all(Array.from({ length: 6 }, (_, i) => codeOf(send(client, 'oc_a', `m${i}`))));
    expect(codes.filter((c) => c === 230020)).toHaveLength(1);
    expect(codes.filter((c) => c === 0)).toHaveLength(5);
    expect(fake.stats()).toMatchObject({ maxPerChatPerSec: 6, rejected: { perChat: 1, perApp: 0 } });
    clock.advance(1000);
    expect(await codeOf(send(client, 'oc_a'))).toBe(0);
    expect(fake.messagesIn('oc_a')).toHaveLength(6);
  });

  it('per user: sends to one person share their p2p chat window', async () => {
    fake.addUser({ openId: 'ou_carol' });
    const toCarol = () => codeOf(client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: 'ou_carol', msg_type: 'text', content: '{"text":"x"}' },
    }));
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push(await toCarol());
    expect(codes).toEqual([0, 0, 0, 0, 0, 230020]);
    expect(fake.stats().perChatMaxPerSec['oc_p2p_ou_carol']).toBe(6);
  });

  it('per app: the 51st send in a second → 429 with the quota and reset headers', async () => {
    for (let i = 0; i < 11; i++) fake.addChat({ chatId: `oc_${i}`, name: `c${i}`, members: ['ou_alice'] });
    for (let i = 0; i < 50; i++) await send(client, `oc_${i % 11}`);
    const err = await failure(send(client, 'oc_10'));
    expect(err.status).toBe(429);
    expect(err.headers).toMatchObject({ 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1' });
    expect(err.data).toEqual({ code: 99991400, msg: 'request trigger frequency limit' });
    expect(fake.stats()).toMatchObject({ perAppMaxPerSec: { 'message.create': 51 }, rejected: { perApp: 1, perChat: 0 } });
    expect(fake.stats().maxPerChatPerSec).toBeLessThanOrEqual(5);
  });

  it('per app per minute, with configurable limits', async () => {
    const small = await FakeFeishu.start({ now: clock.now, limits: { perAppPerSec: 3, perAppPerMin: 5 } });
    try {
      small.addChat({ chatId: 'oc_a', name: 'A', members: [] });
      const c = sdkClient(small);
      for (let i = 0; i < 3; i++) await send(c, 'oc_a');
      expect((await failure(send(c, 'oc_a'))).headers).toMatchObject({ 'x-ogw-ratelimit-limit': '3' });
      clock.advance(1000);
      for (let i = 0; i < 2; i++) await send(c, 'oc_a');
      const err = await failure(send(c, 'oc_a'));
      expect(err.headers).toMatchObject({ 'x-ogw-ratelimit-limit': '5', 'x-ogw-ratelimit-reset': '59' });
    } finally {
      await small.stop();
    }
  });
});
