import { FakeFeishu, botMention, signRequest } from '../fake-feishu';
import { cardButtons, findButton } from '../../src/cards/inspect';
import { FixedClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import type { OrgData } from '../../src/domain/org';
import { buildService, type Service } from '../../src/main';
import { createLogger } from '../../src/log';
import { randomBytes } from 'node:crypto';
import { orgData as defaultOrg } from './factories';

/**
 * The product as Feishu meets it: the real service (buildService from main.ts) listening on a port,
 * FerretDB, and the fake Feishu; events and callbacks are signed and encrypted as Feishu does.
 */
export const TEST_APP = { appId: 'cli_test', appSecret: 'secret-secret', verificationToken: 'verification-token', encryptKey: 'encrypt-key-123' };

export interface Harness {
  fake: FakeFeishu;
  service: Service;
  clock: FixedClock;
  base: string;
  /** The database's name: pass it to another startHarness to restart on the same data. */
  dbName: string;
  post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }>;
  /** A person writes; in a group the bot is @-mentioned unless it is a reply or mention is false. */
  say(openId: string, text: string, o?: { chatId?: string; replyTo?: string; mention?: boolean; messageType?: string; content?: unknown }): Promise<{ status: number; messageId: string; eventId: string; signed: { body: string; headers: Record<string, string> } }>;
  /** A person presses a button (found by its text) on a card message, with form values. */
  click(openId: string, messageId: string, button: string, form?: Record<string, unknown>): Promise<{ status: number; toast?: { type: string; content: string }; card?: unknown }>;
  drain(): Promise<void>;
  botMessages(chatId: string): ReturnType<FakeFeishu['messagesIn']>;
  close(): Promise<void>;
}

/**
 * `beforeDbReady` runs once the service listens and before the harness waits for its database (a fault
 * test's database may be unreachable then). `dbName` + `fake` restart the service on an earlier harness's data and Feishu (a restart: stop the old
 * one with `h.service.close()`, which keeps the database); the organisation is then not seeded again,
 * and `close()` leaves the fake running for its owner.
 */
export async function startHarness(opts: { org?: OrgData; now?: string; encrypt?: boolean; env?: Record<string, string>; dbName?: string; fake?: FakeFeishu; beforeDbReady?: (service: Service, base: string, fake: FakeFeishu) => Promise<void> } = {}): Promise<Harness> {
  const fake = opts.fake ?? (await FakeFeishu.start({ appId: TEST_APP.appId, appSecret: TEST_APP.appSecret }));
  const org = opts.org ?? defaultOrg;
  if (!opts.fake) for (const p of org.people) if (p.openId) fake.addUser({ openId: p.openId, name: p.name });
  if (!opts.fake) for (const u of org.units) if (u.chatId) fake.addChat({ chatId: u.chatId, name: u.name, members: org.people.filter((p) => p.roles.some((r) => r.kind === 'official' && r.unit === u.code)).map((p) => p.openId!) });
  if (!opts.fake) for (const g of org.groups) if (g.chatId) fake.addChat({ chatId: g.chatId, name: g.name, members: org.people.filter((p) => p.roles.some((r) => r.kind === 'supervisor' && r.group === g.code)).map((p) => p.openId!) });
  const config = loadConfig({
    FEISHU_APP_ID: TEST_APP.appId,
    FEISHU_APP_SECRET: TEST_APP.appSecret,
    FEISHU_VERIFICATION_TOKEN: TEST_APP.verificationToken,
    ...(opts.encrypt === false ? {} : { FEISHU_ENCRYPT_KEY: TEST_APP.encryptKey }),
    FEISHU_DOMAIN: fake.url,
    MONGODB_URI: process.env.MONGODB_URI,
    ADMIN_TOKEN: 'test-admin-token-123456',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const clock = new FixedClock(new Date(opts.now ?? '2026-12-01T10:00:00+08:00'));
  const dbName = opts.dbName ?? `e2e_${randomBytes(5).toString('hex')}`;
  const service = await buildService(config, { clock, dbName, log: createLogger(process.env.TEST_LOG ?? 'silent'), outbox: { lockTtlMs: 3000, pollMs: 20, timeoutMs: 1500 } });
  const port = await service.listen(0);
  await opts.beforeDbReady?.(service, `http://127.0.0.1:${port}`, fake); // fault tests: the service up, its database not (yet)
  await service.db.whenReady();
  await service.learnBot();
  const { models } = service.deps;
  if (!(await models.units.countDocuments())) {
    await models.units.insertMany(org.units);
    await models.groups.insertMany(org.groups);
    await models.people.insertMany(org.people);
    service.deps.orgs.invalidate();
  }
  const base = `http://127.0.0.1:${port}`;
  const signOpts = { verificationToken: TEST_APP.verificationToken, encryptKey: opts.encrypt === false ? undefined : TEST_APP.encryptKey };
  const post = async (path: string, body: string, headers: Record<string, string>) => {
    const res = await fetch(base + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
  const h: Harness = {
    fake,
    service,
    clock,
    base,
    dbName,
    post,
    async say(openId, text, o = {}) {
      const chatId = o.chatId ?? fake.p2pChatOf(openId);
      const group = !chatId.startsWith('oc_p2p_');
      const parent = o.replyTo ? fake.message(o.replyTo) : undefined;
      const mention = o.mention ?? (group && !parent);
      const env = fake.userMessage({
        senderOpenId: openId,
        chatType: group ? 'group' : 'p2p',
        chatId,
        text: o.messageType && o.messageType !== 'text' ? undefined : text,
        messageType: o.messageType,
        content: o.content,
        mentions: mention ? [botMention('ou_bot')] : [],
        parentId: parent?.message_id,
        rootId: parent ? (parent.root_id ?? parent.message_id) : undefined,
        createTime: clock.now().getTime(),
      });
      const signed = signRequest(env, signOpts);
      const r = await post('/feishu/events', signed.body, signed.headers);
      return { status: r.status, messageId: env.event.message.message_id, eventId: env.header.event_id, signed };
    },
    async click(openId, messageId, button, form) {
      const msg = fake.message(messageId);
      if (!msg) throw new Error(`no message ${messageId}`);
      const b = findButton(msg.content, button);
      if (!b?.value) throw new Error(`no button “${button}” on ${messageId}; it has: ${cardButtons(msg.content).map((x) => x.text).join(', ')}`);
      const env = fake.cardAction({ operatorOpenId: openId, value: b.value, formValue: form, openMessageId: messageId, openChatId: msg.chat_id, createTime: clock.now().getTime() });
      const signed = signRequest(env, signOpts);
      const r = await post('/feishu/card', signed.body, signed.headers);
      fake.applyCallbackAnswer(messageId, r.json);
      const card = (r.json.card as { data?: unknown } | undefined)?.data;
      return { status: r.status, toast: r.json.toast as { type: string; content: string } | undefined, card };
    },
    async drain() {
      await service.deps.tasks.settled(); // the relays card answers left running (they queue what the worker sends)
      await service.worker.drain(30_000);
    },
    botMessages: (chatId) => fake.messagesIn(chatId).filter((m) => m.fromBot),
    async close() {
      await service.conn.dropDatabase().catch(() => undefined);
      await service.close();
      if (!opts.fake) await fake.stop();
    },
  };
  return h;
}
