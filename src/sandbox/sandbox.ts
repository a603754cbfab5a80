import fs from 'node:fs';
import type Router from '@koa/router';
import { z } from 'zod';
import { mongoForScripts, SANDBOX_DB_DIR } from '../adapters/mongo/ferretdb';
// The stand-in is the same fake Feishu the tests trust: sandbox mode runs the product's real Messenger
// and ingress code against it, in process.
import { FakeFeishu, botMention, signRequest } from './feishu-stand-in';
import type { OutboxWorker } from '../adapters/feishu/outbox-worker';
import type { WiredDeps } from '../adapters/mongo/models';
import { findButton } from '../cards/inspect';
import type { AppClock, Clock } from '../clock';
import type { SandboxPersistence } from './persist';
import type { Config } from '../config';
import { localMoment, type JobRunner } from '../jobs/runner';
import type { Logger } from '../log';
import { importOrg, loadOrg, parseOrg, sandboxResolver, type ContactResolver } from '../org';
import { appRouter } from '../http/guard';
import { ApiError, jsonBody } from '../http/middleware';
import { PATHS } from '../paths';
import { machineNow } from '../clock';
import { SAMPLE_NOTICE_NAME, sampleNotice } from './sample-notice';

/**
 * Sandbox mode (no FEISHU_APP_ID): an in-process Feishu stand-in and the demo organisation, so every
 * flow can be tried without a tenant — from the browser console at /sandbox, `npm run sandbox`, or the
 * small API below (`/api/sandbox/...`, sandbox mode only). Messages and clicks go through the product's
 * real ingress: signed and encrypted exactly as Feishu sends them.
 */
export interface Sandbox {
  mongoUri: string;
  feishu: { appId: string; appSecret: string; verificationToken: string; encryptKey: string; domain: string };
  resolver: ContactResolver;
  fake: FakeFeishu;
  attach(port: number): void;
  routes(o: { deps: WiredDeps; runner: JobRunner; worker: OutboxWorker; clock: Clock; kept: SandboxPersistence }): Router;
  stop(): Promise<void>;
}

/** The stand-in bot's name, as its chats show it and as people type it to @-mention it. */
const BOT_NAME = '督导助手';

export const SANDBOX_APP = { appId: 'cli_sandbox', appSecret: 'sandbox-secret', verificationToken: 'sandbox-verification-token', encryptKey: 'sandbox-encrypt-key' };
const DEMO_ORG = PATHS.demoOrg;

export async function startSandbox(o: { config: Config; log: Logger; fakePort?: number; now?: () => number }): Promise<Sandbox> {
  const db = o.config.MONGODB_URI ? undefined : await mongoForScripts();
  // message ids stay unique across restarts: the database (and its dedupe records) outlives the stand-in
  const fake = await FakeFeishu.start({ appId: SANDBOX_APP.appId, appSecret: SANDBOX_APP.appSecret, port: o.fakePort ?? 0, botName: BOT_NAME, idPrefix: `${machineNow().toString(36)}_`, now: o.now }); // Feishu's clock: the business one, so its 14-day edit window follows the clock control
  o.log.warn({ fake: fake.url, db: db ? SANDBOX_DB_DIR : 'MONGODB_URI' }, 'sandbox mode: no FEISHU_APP_ID, using the in-process Feishu stand-in and the demo organisation');
  let port = 0;
  const resolver = sandboxResolver();
  return {
    mongoUri: db?.uri ?? o.config.MONGODB_URI!,
    feishu: { ...SANDBOX_APP, domain: fake.url },
    resolver,
    fake,
    attach(p) {
      port = p;
    },
    routes: (r) => sandboxRoutes({ ...r, fake, port: () => port, resolver }),
    async stop() {
      await fake.stop();
      await db?.stop();
    },
  };
}

/** Loads the demo organisation when the database has none, and tells the stand-in about its people and chats. */
export async function seedSandbox(deps: WiredDeps, fake: FakeFeishu, resolver: ContactResolver): Promise<void> {
  if (!(await deps.models.units.estimatedDocumentCount())) {
    const src = await parseOrg(fs.readFileSync(DEMO_ORG), 'demo-org.yaml');
    await importOrg(deps.models, deps.locks, src, { resolver, by: 'sandbox', now: deps.clock.now() });
    deps.orgs.invalidate();
  }
  const org = await loadOrg(deps.models);
  for (const p of org.people) if (p.openId) fake.addUser({ openId: p.openId, name: p.name, mobile: p.mobile, email: p.email });
  const ids = (list: { openId?: string }[]) => list.flatMap((p) => (p.openId ? [p.openId] : []));
  for (const u of org.units) if (u.chatId) fake.addChat({ chatId: u.chatId, name: `${u.name}督办工作群`, members: ids(org.officialsOf(u.code)) });
  for (const g of org.groups) {
    const leader = org.person(g.cityLeader);
    if (g.chatId) fake.addChat({ chatId: g.chatId, name: `${g.name}工作群`, members: ids([...org.supervisorsOf(g.code), ...(leader ? [leader] : [])]) });
  }
}

interface RouteOptions {
  kept: SandboxPersistence;
  deps: WiredDeps;
  runner: JobRunner;
  worker: OutboxWorker;
  clock: Clock;
  fake: FakeFeishu;
  port: () => number;
  resolver: ContactResolver;
}

const sayBody = z.object({ as: z.string().min(1), chatId: z.string().optional(), text: z.string().optional(), replyTo: z.string().optional(), imageBase64: z.string().optional(), location: z.object({ name: z.string().max(200), address: z.string().max(300).default(''), latitude: z.coerce.number().min(-90).max(90), longitude: z.coerce.number().min(-180).max(180) }).optional(), file: z.object({ name: z.string().min(1).max(200), base64: z.string().optional(), sample: z.literal('notice').optional() }).optional(), mention: z.boolean().optional() }).strict();
const clickBody = z.object({ as: z.string().min(1), chatId: z.string().optional(), messageId: z.string().min(1), button: z.string().optional(), value: z.record(z.string(), z.unknown()).optional(), form: z.record(z.string(), z.unknown()).optional() }).strict();

function body<T extends z.ZodTypeAny>(schema: T, v: unknown): z.infer<T> {
  const r = schema.safeParse(v);
  if (!r.success) throw new ApiError(400, 'invalid_body', `${r.error.issues[0].path.join('.') || 'body'}: ${r.error.issues[0].message}`);
  return r.data;
}

/** What the sandbox routes share: the options, the signed poster and the lookups. */
function sandboxKit(o: RouteOptions) {
  const { deps, fake } = o;
  const post = async (path: string, envelope: object) => {
    const signed = signRequest(envelope, { verificationToken: 'sandbox-verification-token', encryptKey: 'sandbox-encrypt-key' });
    const res = await fetch(`http://127.0.0.1:${o.port()}${path}`, { method: 'POST', headers: signed.headers, body: signed.body });
    return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
  const person = async (code: string) => {
    const org = await deps.orgs.get();
    const p = org.person(code) ?? org.byOpenId(code);
    if (!p?.openId) throw new ApiError(404, 'unknown_person', `no demo person ${code}; GET /api/sandbox/people lists them`);
    return p;
  };
  const settle = () => deps.tasks.settled().then(() => o.worker.drain(15_000)).catch(() => undefined);
  /** `last`: the newest card the bot put in the chat (with that button, enabled, when one is named). */
  const lastCard = (chatId: string, button?: string) =>
    fake
      .messagesIn(chatId)
      .filter((m) => m.fromBot && m.msg_type === 'interactive' && (!button || (findButton(m.content, button) && !findButton(m.content, button)!.disabled)))
      .at(-1);
  return { o, deps, fake, post, person, settle, lastCard };
}
type Kit = ReturnType<typeof sandboxKit>;

function sandboxRoutes(o: RouteOptions): Router {
  const router = appRouter('/api/sandbox');
  let seeded: Promise<void> | undefined;
  router.use(async (_ctx, next) => {
    seeded ??= seedSandbox(o.deps, o.fake, o.resolver);
    await seeded;
    await next();
  });
  const kit = sandboxKit(o);
  for (const add of [peopleRoutes, sayRoute, clickRoute, clockRoutes, consoleRoutes]) add(router, kit);
  return router;
}

/** The demo people and their chats, and a chat's messages. */
function peopleRoutes(router: Router, { deps, fake }: Kit): void {
  router.get('/people', async (ctx) => {
    const org = await deps.orgs.get();
    ctx.body = {
      items: org.people.map((p) => ({
        code: p.code,
        name: p.name,
        openId: p.openId,
        roles: p.roles.map((r) => (r.kind === 'supervisor' ? `${org.group(r.group)?.name} ${r.position}` : r.kind === 'official' ? `${org.unitName(r.unit)} ${r.position}` : { cityLeader: '挂钩市领导', admin: '管理员', observer: '成果运用' }[r.kind])),
        chats: [
          ...(p.openId ? [{ chatId: fake.p2pChatOf(p.openId), name: '督导助手（私聊）', type: 'p2p' }] : []),
          ...org.units.filter((u) => u.chatId && org.officialsOf(u.code).includes(p)).map((u) => ({ chatId: u.chatId!, name: `${u.name}督办工作群`, type: 'group' })),
          ...org.groups.filter((g) => g.chatId && (org.supervisorsOf(g.code).includes(p) || g.cityLeader === p.code)).map((g) => ({ chatId: g.chatId!, name: `${g.name}工作群`, type: 'group' })),
        ],
      })),
    };
  });

  router.get('/chats/:chatId/messages', async (ctx) => {
    const org = await deps.orgs.get();
    ctx.body = {
      items: fake.messagesIn(ctx.params.chatId).map((m) => ({
        id: m.message_id,
        fromBot: m.fromBot,
        sender: m.fromBot ? BOT_NAME : (org.byOpenId(m.sender.id)?.name ?? m.sender.id),
        type: m.msg_type,
        content: m.content,
        parentId: m.parent_id,
        rootId: m.root_id,
        time: Number(m.create_time),
        updated: m.updated,
      })),
    };
  });
}

/** A person says something (text, image, location, file), as Feishu would deliver it. */
function sayRoute(router: Router, { fake, post, person, settle, lastCard }: Kit): void {
  router.post('/say', async (ctx) => {
    const b = body(sayBody, jsonBody(ctx));
    const p = await person(b.as);
    const here = b.chatId ?? fake.p2pChatOf(p.openId!);
    // `last`: the chat's newest bot card; `last-file`: its newest file message (to reply 派单 to it)
    const parent =
      b.replyTo === 'last' ? lastCard(here)
      : b.replyTo === 'last-file' ? fake.messagesIn(here).filter((m) => m.msg_type === 'file').at(-1)
      : b.replyTo ? fake.message(b.replyTo) : undefined;
    if (b.replyTo && !parent) throw new ApiError(404, 'unknown_message', `no message ${b.replyTo}`);
    const chatId = b.chatId ?? parent?.chat_id ?? fake.p2pChatOf(p.openId!); // a reply lands in its card's chat
    const group = !chatId.startsWith('oc_p2p_');
    let content: unknown;
    let messageType = 'text';
    if (b.imageBase64) {
      messageType = 'image';
      content = { image_key: fake.addResource(Buffer.from(b.imageBase64, 'base64'), { type: 'image' }) };
    }
    if (b.location) {
      // a location message as Feishu mobile sends it (coordinates as text)
      messageType = 'location';
      content = { name: b.location.name, address: b.location.address, latitude: String(b.location.latitude), longitude: String(b.location.longitude) };
    }
    if (b.file) {
      // a file message: its bytes sent as base64, or the demo's sample 督办通知 (file.sample "notice")
      if (!b.file.base64 && b.file.sample !== 'notice') throw new ApiError(400, 'invalid_body', 'file: give base64, or sample "notice"');
      const bytes = b.file.base64 ? Buffer.from(b.file.base64, 'base64') : await sampleNotice();
      const name = b.file.base64 ? b.file.name : SAMPLE_NOTICE_NAME;
      messageType = 'file';
      content = { file_key: fake.addResource(bytes, { type: 'file', fileName: name }), file_name: name };
    }
    if (!b.text?.trim() && !b.imageBase64 && !b.file && !b.location) throw new ApiError(400, 'invalid_body', 'text: say something (or send imageBase64, location or file)');
    // "@督导助手 统计" typed by hand is what picking the bot in Feishu's @-list sends: a mention, then the text
    const typed = new RegExp(`^\\s*@${BOT_NAME}\\s*`).exec(b.text ?? '');
    const text = typed ? b.text!.slice(typed[0].length) : b.text;
    const mention = typed ? true : b.file || b.location || b.imageBase64 ? false : (b.mention ?? (group && !parent)); // a file message carries no mention
    const env = fake.userMessage({
      senderOpenId: p.openId!,
      chatType: group ? 'group' : 'p2p',
      chatId,
      text: messageType === 'text' ? text : undefined,
      messageType,
      content,
      mentions: mention ? [botMention('ou_bot')] : [],
      parentId: parent?.message_id,
      rootId: parent ? (parent.root_id ?? parent.message_id) : undefined,
    });
    const before = fake.messagesIn(chatId).length;
    const res = await post('/feishu/events', env);
    await settle();
    ctx.body = { status: res.status, messageId: env.event.message.message_id, replies: fake.messagesIn(chatId).slice(before).filter((m) => m.fromBot).map((m) => ({ id: m.message_id, type: m.msg_type, content: m.content })) };
  });
}

/** A person presses a card button (with its form), as Feishu would call back. */
function clickRoute(router: Router, { fake, post, person, settle, lastCard }: Kit): void {
  router.post('/click', async (ctx) => {
    const b = body(clickBody, jsonBody(ctx));
    const p = await person(b.as);
    const msg = b.messageId === 'last' ? lastCard(b.chatId ?? fake.p2pChatOf(p.openId!), b.button) : fake.message(b.messageId);
    if (!msg || msg.msg_type !== 'interactive') throw new ApiError(404, 'unknown_card', b.messageId === 'last' ? `no card${b.button ? ` with the button “${b.button}”` : ''} from the bot in chat ${b.chatId ?? '(direct chat)'}` : `no card message ${b.messageId}`);
    let value = b.value;
    if (!value && b.button) {
      const btn = findButton(msg.content, b.button);
      if (!btn?.value) throw new ApiError(404, 'unknown_button', `the card has no button “${b.button}”`);
      if (btn.disabled) throw new ApiError(409, 'button_disabled', `the button “${b.button}” is disabled`);
      value = btn.value;
    }
    if (!value) throw new ApiError(400, 'invalid_body', 'button: name the button text (or give its value)');
    const env = fake.cardAction({ operatorOpenId: p.openId!, value, formValue: b.form, openMessageId: msg.message_id, openChatId: msg.chat_id });
    const res = await post('/feishu/card', env);
    fake.applyCallbackAnswer(msg.message_id, res.json);
    await settle();
    ctx.body = { status: res.status, toast: res.json.toast, card: (res.json.card as { data?: unknown } | undefined)?.data ?? null };
  });
}

/** The business clock and the jobs. */
function clockRoutes(router: Router, { o, deps, settle }: Kit): void {
  const catchUp = async (now: Date) =>
    (await o.runner.plan(now)).map((p) => ({ job: p.job, slot: p.slot.toISOString(), local: localMoment(p.slot, deps.settings.tz), action: p.action, ...(p.reason ? { reason: p.reason } : {}), ...(p.supersededBy ? { supersededBy: localMoment(p.supersededBy, deps.settings.tz) } : {}) }));

  router.get('/clock', async (ctx) => {
    const now = o.clock.now();
    ctx.body = { now: now.toISOString(), tz: deps.settings.tz, catchUp: await catchUp(now) };
  });

  /** Moves the business clock; says which job slots the scheduler will catch up (within a minute), and warns when it went back. */
  router.post('/clock', async (ctx) => {
    const b = body(z.object({ at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO moment such as 2026-12-15T09:00:00+08:00') }).strict(), jsonBody(ctx));
    const before = o.clock.now();
    const now = new Date(b.at);
    (o.clock as AppClock).set(now);
    await o.kept.saveClock();
    const warning = now < before ? `时钟向后拨了（从 ${localMoment(before, deps.settings.tz)} 到 ${localMoment(now, deps.settings.tz)}）：已发出的消息和已运行的作业不会撤回，作业不会重跑已运行过的时段` : undefined;
    if (warning) deps.log.warn({ from: before.toISOString(), to: now.toISOString() }, 'sandbox clock set backwards');
    ctx.body = { now: now.toISOString(), catchUp: await catchUp(now), ...(warning ? { warning } : {}) };
  });

  router.post('/jobs/:name/run', async (ctx) => {
    const b = body(z.object({ at: z.string().optional(), force: z.boolean().optional() }).strict(), jsonBody(ctx));
    if (!o.runner.names().includes(ctx.params.name)) throw new ApiError(404, 'unknown_job', `unknown job ${ctx.params.name}; jobs: ${o.runner.names().join(', ')}`);
    const at = b.at ? new Date(b.at) : o.clock.now();
    if (Number.isNaN(at.getTime())) throw new ApiError(400, 'invalid_body', 'at: expected an ISO moment');
    const run = await o.runner.run(ctx.params.name, at, { trigger: 'manual', force: b.force, by: 'sandbox' });
    await settle();
    ctx.body = run;
  });
}

/** For the browser console (web/sandbox). */
function consoleRoutes(router: Router, { o, deps, fake }: Kit): void {
  router.get('/jobs', (ctx) => {
    ctx.body = { jobs: o.runner.names() };
  });

  /** Per chat: how many messages and the last one, for the console's chat list and unread marks. */
  router.get('/chats', async (ctx) => {
    const ids = String(ctx.query.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!ids.length || ids.length > 50 || ids.some((id) => !/^oc_[\w-]{1,80}$/.test(id))) throw new ApiError(400, 'invalid_query', 'ids: give 1 to 50 chat ids (oc_…) separated by commas');
    const org = await deps.orgs.get();
    ctx.body = {
      items: ids.map((chatId) => {
        const all = fake.messagesIn(chatId);
        const m = all.at(-1);
        return { chatId, count: all.length, last: m ? { id: m.message_id, fromBot: m.fromBot, sender: m.fromBot ? BOT_NAME : (org.byOpenId(m.sender.id)?.name ?? m.sender.id), preview: previewOf(m.msg_type, m.content) } : null };
      }),
    };
  });

  /** An image or file a person sent (evidence), fetched from the stand-in as the bot would. */
  router.get('/messages/:messageId/resources/:key', async (ctx) => {
    const msg = fake.message(ctx.params.messageId);
    if (!msg) throw new ApiError(404, 'unknown_message', `no message ${ctx.params.messageId}`);
    const auth = await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app_id: SANDBOX_APP.appId, app_secret: SANDBOX_APP.appSecret }) });
    const token = ((await auth.json()) as { tenant_access_token?: string }).tenant_access_token;
    const type = msg.msg_type === 'image' ? 'image' : 'file';
    const res = await fetch(`${fake.url}/open-apis/im/v1/messages/${encodeURIComponent(msg.message_id)}/resources/${encodeURIComponent(ctx.params.key)}?type=${type}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new ApiError(404, 'unknown_resource', `message ${msg.message_id} has no resource ${ctx.params.key}`);
    ctx.type = res.headers.get('content-type') ?? 'application/octet-stream';
    ctx.set('Cache-Control', 'private, max-age=3600');
    ctx.body = Buffer.from(await res.arrayBuffer());
  });
}


/** One line for a chat list: the text, or what kind of message it is. */
function previewOf(type: string, content: unknown): string {
  const c = (content ?? {}) as { text?: string; header?: { title?: { content?: string }; subtitle?: { content?: string } } };
  if (type === 'text') return String(c.text ?? '').replace(/@_user_\d+\s?/g, '@督导助手 ').replace(/\s+/g, ' ').trim().slice(0, 60);
  if (type === 'interactive') return `[卡片] ${[c.header?.title?.content, c.header?.subtitle?.content].filter(Boolean).join(' · ')}`.slice(0, 60);
  return ({ image: '[图片]', file: '[文件]', post: '[富文本]' } as Record<string, string>)[type] ?? `[${type}]`;
}
