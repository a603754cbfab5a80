/** Inbound events and callbacks: shapes, encryption and signatures, checked against the SDK's own code. */
import * as lark from '@larksuiteoapi/node-sdk';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  botAdded, botMention, cardAction, flipByte, messageEvent, oldCardAction, post, signRequest, signStale,
  signUndecryptable, signWithWrongKey, signWithWrongToken, urlVerification, type SignedRequest,
} from '../../src/sandbox/feishu-stand-in/inbound';
import { decrypt } from '../../src/sandbox/feishu-stand-in/crypto';

const KEYS = { verificationToken: 'vt-123', encryptKey: 'ek-456' };
const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

/** What the SDK's adapters hand to `invoke`: the parsed body, with headers on the prototype. */
function asSdkData(signed: SignedRequest): Record<string, unknown> {
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.assign(Object.create({ headers }), JSON.parse(signed.body));
}

function dispatcher(seen: unknown[]) {
  return new lark.EventDispatcher({ ...KEYS, logger: silent }).register({
    'im.message.receive_v1': async (data) => {
      seen.push(data);
      return 'handled';
    },
  });
}

describe('envelopes', () => {
  it('messageEvent: schema 2.0 im.message.receive_v1 with mention keys and a JSON-string content', () => {
    const env = messageEvent({ senderOpenId: 'ou_alice', chatType: 'group', chatId: 'oc_g', text: '查询 DB-2026-0001', mentions: [botMention()], createTime: 1_700_000_000_000 });
    expect(env).toMatchObject({
      schema: '2.0',
      header: { event_type: 'im.message.receive_v1', create_time: '1700000000000', app_id: 'cli_test', tenant_key: 'tenant_test' },
      event: {
        sender: { sender_id: { open_id: 'ou_alice' }, sender_type: 'user' },
        message: {
          chat_id: 'oc_g', chat_type: 'group', message_type: 'text', create_time: '1700000000000',
          content: JSON.stringify({ text: '@_user_1 查询 DB-2026-0001' }),
          mentions: [{ key: '@_user_1', id: { open_id: 'ou_bot' }, name: '督导助手', tenant_key: 'tenant_test' }],
        },
      },
    });
    expect(env.header.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(env.header.token).toBeUndefined();
    expect(env.event.message.message_id).toMatch(/^om_/);
    // keys already placed in the text stay where they are; p2p chats default to the fake's naming
    const placed = messageEvent({ senderOpenId: 'ou_a', chatType: 'p2p', text: '请 @_user_1 看', mentions: [{ openId: 'ou_b', name: 'B' }] });
    expect(JSON.parse(placed.event.message.content)).toEqual({ text: '请 @_user_1 看' });
    expect(placed.event.message.chat_id).toBe('oc_p2p_ou_a');
    const image = messageEvent({ senderOpenId: 'ou_a', chatType: 'p2p', content: { image_key: 'img_1' }, parentId: 'om_card', rootId: 'om_card' });
    expect(image.event.message).toMatchObject({ message_type: 'image', parent_id: 'om_card', root_id: 'om_card' });
  });

  it('cardAction, oldCardAction, urlVerification and botAdded have Feishu’s shapes', () => {
    const env = cardAction({ operatorOpenId: 'ou_a', value: { action: 'sign', v: 1 }, formValue: { reason: 'x' }, name: 'btn_sign', openMessageId: 'om_1', openChatId: 'oc_1', token: 'c-abc', createTime: 1_700_000_000_000 });
    expect(env).toMatchObject({
      schema: '2.0',
      header: { event_type: 'card.action.trigger', create_time: '1700000000000000' },
      event: {
        operator: { open_id: 'ou_a', tenant_key: 'tenant_test' },
        token: 'c-abc',
        host: 'im_message',
        action: { tag: 'button', name: 'btn_sign', value: { action: 'sign', v: 1 }, form_value: { reason: 'x' }, timezone: 'Asia/Shanghai' },
        context: { open_message_id: 'om_1', open_chat_id: 'oc_1' },
      },
    });
    expect(oldCardAction({ operatorOpenId: 'ou_a', value: { a: 1 }, openMessageId: 'om_1', openChatId: 'oc_1', token: 'c-x' })).toMatchObject({
      open_id: 'ou_a', open_message_id: 'om_1', tenant_key: 'tenant_test', token: 'c-x', action: { tag: 'button', value: { a: 1 } },
    });
    expect(urlVerification('c1')).toEqual({ challenge: 'c1', type: 'url_verification' });
    expect(botAdded('oc_new', { name: '督导一组' })).toMatchObject({
      header: { event_type: 'im.chat.member.bot.added_v1' }, event: { chat_id: 'oc_new', name: '督导一组', external: false },
    });
  });
});

describe('signRequest', () => {
  const env = messageEvent({ senderOpenId: 'ou_alice', chatType: 'p2p', text: '帮助' });

  it('encrypts so that the SDK’s AESCipher gives back the JSON, with the Verification Token filled in', () => {
    const signed = signRequest(env, { ...KEYS, timestamp: '1700000000', nonce: 'n1' });
    const body = JSON.parse(signed.body);
    expect(Object.keys(body)).toEqual(['encrypt']);
    expect(signed.body).toBe(JSON.stringify(body)); // compact, so the SDK's re-serialised hash matches
    const plain = JSON.parse(new lark.AESCipher(KEYS.encryptKey).decrypt(body.encrypt));
    expect(plain).toEqual({ ...env, header: { ...env.header, token: 'vt-123' } });
    expect(decrypt(body.encrypt, KEYS.encryptKey)).toBe(JSON.stringify(plain));
  });

  it('signs hex sha256(ts + nonce + EncryptKey + raw), accepted by the SDK’s EventDispatcher', async () => {
    const signed = signRequest(env, { ...KEYS, timestamp: '1700000000', nonce: 'n1' });
    expect(signed.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Lark-Request-Timestamp': '1700000000', 'X-Lark-Request-Nonce': 'n1' });
    const expected = createHash('sha256').update(`1700000000n1${KEYS.encryptKey}${signed.body}`).digest('hex');
    expect(signed.headers['X-Lark-Signature']).toBe(expected);
    const seen: any[] = [];
    expect(await dispatcher(seen).invoke(asSdkData(signed))).toBe('handled');
    expect(seen[0]).toMatchObject({ event_type: 'im.message.receive_v1', token: 'vt-123', message: { chat_type: 'p2p' } });
  });

  it('without an Encrypt Key sends the plain envelope, signed with an empty key', () => {
    const signed = signRequest(env, { verificationToken: 'vt', timestamp: '1', nonce: 'n' });
    expect(JSON.parse(signed.body).header.token).toBe('vt');
    expect(signed.headers['X-Lark-Signature']).toBe(createHash('sha256').update(`1n${signed.body}`).digest('hex'));
  });

  it('encrypts the URL check too; the SDK finds the challenge in it', () => {
    const signed = signRequest(urlVerification('c-123'), KEYS);
    const { isChallenge, challenge } = lark.generateChallenge(JSON.parse(signed.body), { encryptKey: KEYS.encryptKey });
    expect(isChallenge).toBe(true);
    expect(challenge).toEqual({ challenge: 'c-123' });
    expect(JSON.parse(decrypt(JSON.parse(signed.body).encrypt, KEYS.encryptKey)).token).toBe('vt-123');
  });

  it('new card callbacks go through the SDK’s CardActionHandler; old ones are signed sha1 with the token', async () => {
    const calls: any[] = [];
    const handler = new lark.CardActionHandler({ ...KEYS, logger: silent }, async (data: any) => {
      calls.push(data);
      return {};
    });
    const fresh = signRequest(cardAction({ operatorOpenId: 'ou_a', value: { action: 'sign' }, openMessageId: 'om_1', openChatId: 'oc_1', token: 'c-1' }), KEYS);
    expect(await handler.invoke(asSdkData(fresh))).toEqual({});
    expect(calls[0]).toMatchObject({ event_type: 'card.action.trigger', token: 'c-1', action: { value: { action: 'sign' } } });

    const old = signRequest(oldCardAction({ operatorOpenId: 'ou_a', value: { action: 'sign' }, openMessageId: 'om_1', openChatId: 'oc_1' }), { ...KEYS, timestamp: '1700000000', nonce: 'n2' });
    expect(JSON.parse(old.body).encrypt).toBeUndefined();
    expect(old.headers['X-Lark-Signature']).toBe(createHash('sha1').update(`1700000000n2vt-123${old.body}`).digest('hex'));
    const oldHandler = new lark.CardActionHandler({ verificationToken: 'vt-123', logger: silent }, async (data: any) => {
      calls.push(data);
      return { ok: true };
    });
    expect(await oldHandler.invoke(asSdkData(old))).toEqual({ ok: true });
    expect(await oldHandler.invoke(asSdkData(signWithWrongToken(oldCardAction({ operatorOpenId: 'ou_a', openMessageId: 'om_1', openChatId: 'oc_1' }), KEYS)))).toBeUndefined();
  });
});

describe('negatives', () => {
  const env = messageEvent({ senderOpenId: 'ou_alice', chatType: 'p2p', text: '帮助' });

  it('a flipped byte or a wrong key fails the SDK’s signature check', async () => {
    const seen: unknown[] = [];
    const signed = signRequest(env, KEYS);
    const flipped = flipByte(signed);
    expect(flipped.body).not.toBe(signed.body);
    expect(flipped.body.length).toBe(signed.body.length);
    expect(await dispatcher(seen).invoke(asSdkData(flipped))).toBeUndefined();
    expect(await dispatcher(seen).invoke(asSdkData(signWithWrongKey(env, KEYS)))).toBeUndefined();
    expect(seen).toHaveLength(0);
    // plain bodies flip inside the JSON and stay parseable
    expect(() => JSON.parse(flipByte(signRequest(env, { verificationToken: 'vt' })).body)).not.toThrow();
  });

  it('stale timestamp, wrong token and undecryptable body are each otherwise well-formed', () => {
    const now = 1_700_000_000_000;
    const stale = signStale(env, KEYS, 13 * 3600, now);
    expect(Number(stale.headers['X-Lark-Request-Timestamp'])).toBe(now / 1000 - 13 * 3600);
    const wrong = signWithWrongToken(env, KEYS);
    expect(JSON.parse(decrypt(JSON.parse(wrong.body).encrypt, KEYS.encryptKey)).header.token).toBe('wrong-verification-token');
    const broken = signUndecryptable(KEYS);
    const sig = createHash('sha256')
      .update(broken.headers['X-Lark-Request-Timestamp'] + broken.headers['X-Lark-Request-Nonce'] + KEYS.encryptKey + broken.body)
      .digest('hex');
    expect(broken.headers['X-Lark-Signature']).toBe(sig);
    expect(() => new lark.AESCipher(KEYS.encryptKey).decrypt(JSON.parse(broken.body).encrypt)).toThrow();
  });
});

describe('post', () => {
  it('sends the signed bytes and headers unchanged and parses the answer', async () => {
    let got: { body: string; headers: http.IncomingHttpHeaders } | undefined;
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      got = { body: Buffer.concat(chunks).toString('utf8'), headers: req.headers };
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"challenge":"c1"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const signed = signRequest(urlVerification('c1'), KEYS);
      const res = await post(`http://127.0.0.1:${(server.address() as AddressInfo).port}/feishu/events`, signed);
      expect(res).toMatchObject({ status: 200, json: { challenge: 'c1' } });
      expect(got?.body).toBe(signed.body);
      expect(got?.headers['x-lark-signature']).toBe(signed.headers['X-Lark-Signature']);
      expect(got?.headers['content-type']).toBe('application/json');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
