/**
 * Talk to a running sandbox (`npm start` without FEISHU_APP_ID) from the command line:
 *   npm run sandbox -- people
 *   npm run sandbox -- as P-SUP-1 say "帮助"                     (direct chat with the bot)
 *   npm run sandbox -- as P-SUP-1 in oc_demo_g1 say "派单 …"      (a group chat; @督导助手 added)
 *   npm run sandbox -- as P-OFF-1 reply om_xxx "已完成3户签约 60%"  (a reply in a card's thread, in the card's chat)
 *   npm run sandbox -- as P-OFF-1 click om_xxx 签收 [field=value …] (a card button, with form values)
 *   npm run sandbox -- as P-OFF-1 in oc_demo_msz click last 签收    (`last`: the chat's newest bot card with that button)
 *   npm run sandbox -- as P-OFF-1 in oc_demo_msz reply last "…"   (`last`: the chat's newest bot card; `last-file`: its newest file)
 *   npm run sandbox -- as P-SUP-1 in oc_demo_g1 send-location last 茂盛路 梅山镇茂盛路18号 24.91 118.59  (in the last card's thread)
 *   npm run sandbox -- as P-SUP-1 in oc_demo_g1 send-image last photo.png
 *   npm run sandbox -- as P-SUP-1 in oc_demo_g1 send-file sample  (a file message: the demo's 督办通知 .docx, or a PATH)
 *   npm run sandbox -- chat oc_demo_msz                           (what is in a chat)
 *   npm run sandbox -- clock [2026-12-16T09:00:00+08:00]          (show or move the clock)
 *   npm run sandbox -- job reminders [--at ISO]                   (run a job now)
 * SANDBOX_URL (default http://127.0.0.1:$PORT, PORT default 3000) says where the service listens.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runInWords } from '../src/app/run-words';

const base = process.env.SANDBOX_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;

async function call(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).catch(() => {
    throw new Error(`no sandbox answers at ${base}: start it with "npm start" (without FEISHU_APP_ID)`);
  });
  const json: any = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${res.status} ${json?.error?.message ?? ''}`);
  return json;
}

function show(msg: { id: string; fromBot?: boolean; sender?: string; type: string; content: any }): void {
  const who = msg.fromBot === false ? msg.sender : '督导助手';
  if (msg.type === 'text') return console.log(`[${msg.id}] ${who}: ${msg.content?.text}`);
  const card = msg.content ?? {};
  const title = card.header?.title?.content ?? '';
  const sub = card.header?.subtitle?.content ?? '';
  const texts: string[] = [];
  const buttons: string[] = [];
  const walk = (v: any): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    if (v.tag === 'markdown' && typeof v.content === 'string') texts.push(v.content);
    if (v.tag === 'button' && v.text?.content) buttons.push(v.disabled ? `(${v.text.content})` : `[${v.text.content}]`);
    for (const k of ['elements', 'columns']) if (v[k]) walk(v[k]);
  };
  walk(card.body?.elements);
  console.log(`[${msg.id}] ${who} 卡片「${title}」${sub ? ` ${sub}` : ''}\n  ${texts.join('\n  ').replace(/<[^<>]+>/g, '')}${buttons.length ? `\n  ${buttons.join(' ')}` : ''}`);
}

/** What the scheduler will do within a minute with the slots the clock move left behind. */
function catchUpText(plan: { job: string; local: string; action: string; reason?: string; supersededBy?: string }[]): string {
  if (!plan.length) return '没有需要补跑的作业时段。';
  const what = (p: (typeof plan)[number]) => (p.action === 'run' ? '运行' : p.action === 'superseded' ? `不发送：已被 ${p.supersededBy} 的运行取代` : `不发送：${p.reason}`);
  return ['调度器一分钟内处理这些时段：', ...plan.map((p) => `  ${p.job} ${p.local} ${what(p)}`)].join('\n');
}

async function main(args: string[]): Promise<void> {
  const [cmd, ...rest] = args;
  if (cmd === 'people') {
    const { items } = await call('GET', '/api/sandbox/people');
    for (const p of items) console.log(`${p.code.padEnd(12)} ${p.name}\t${p.roles.join('、')}\t${p.chats.map((c: any) => c.chatId).join(' ')}`);
    return;
  }
  if (cmd === 'chat') {
    const { items } = await call('GET', `/api/sandbox/chats/${rest[0]}/messages`);
    items.forEach(show);
    return;
  }
  if (cmd === 'clock') {
    const r = await call(rest[0] ? 'POST' : 'GET', '/api/sandbox/clock', rest[0] ? { at: rest[0] } : undefined);
    console.log(r.now);
    if (r.warning) console.log(`注意：${r.warning}`);
    console.log(catchUpText(r.catchUp ?? []));
    return;
  }
  if (cmd === 'job') {
    const at = rest.indexOf('--at') >= 0 ? rest[rest.indexOf('--at') + 1] : undefined;
    const run = await call('POST', `/api/sandbox/jobs/${rest[0]}/run`, { at, force: rest.includes('--force') });
    console.log(runInWords(run, new Date(run.slot).toLocaleString('zh-CN', { timeZone: process.env.TIMEZONE ?? 'Asia/Shanghai', hour12: false })));
    return;
  }
  if (cmd === 'as') {
    const [who, verb, ...more] = rest;
    let chatId: string | undefined;
    let v = verb;
    let m = more;
    if (verb === 'in') [chatId, v, ...m] = more;
    if (v === 'say') {
      const r = await call('POST', '/api/sandbox/say', { as: who, chatId, text: m.join(' ') });
      r.replies.forEach((x: any) => show({ ...x, fromBot: true }));
      return;
    }
    if (v === 'send-file') {
      // a file message: a path on this machine, or `sample` for the demo's 督办通知 (.docx)
      const [file] = m;
      const body = file === 'sample' ? { sample: 'notice', name: 'sample' } : { name: path.basename(file), base64: fs.readFileSync(file).toString('base64') };
      const r = await call('POST', '/api/sandbox/say', { as: who, chatId, file: body });
      console.log(`sent ${r.messageId} (reply to it: as ${who}${chatId ? ` in ${chatId}` : ''} reply ${r.messageId} 派单)`);
      r.replies.forEach((x: any) => show({ ...x, fromBot: true }));
      return;
    }
    if (v === 'send-image' || v === 'send-location') {
      // in a card's thread with `reply MESSAGE_ID|last` semantics: the last card of the chat
      const [target, ...args] = m;
      const extra = v === 'send-image' ? { imageBase64: fs.readFileSync(args[0]).toString('base64') } : { location: { name: args[0] ?? '', address: args[1] ?? '', latitude: Number(args[2]), longitude: Number(args[3]) } };
      const r = await call('POST', '/api/sandbox/say', { as: who, chatId, replyTo: target, ...extra });
      r.replies.forEach((x: any) => show({ ...x, fromBot: true }));
      return;
    }
    if (v === 'reply') {
      const [messageId, ...text] = m;
      const r = await call('POST', '/api/sandbox/say', { as: who, chatId, replyTo: messageId, text: text.join(' ') });
      r.replies.forEach((x: any) => show({ ...x, fromBot: true }));
      return;
    }
    if (v === 'click') {
      const [messageId, button, ...fields] = m;
      const form = Object.fromEntries(fields.map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]));
      const r = await call('POST', '/api/sandbox/click', { as: who, chatId, messageId, button, form: fields.length ? form : undefined });
      console.log(`${r.toast?.type ?? ''}: ${r.toast?.content ?? ''}`);
      if (r.card) show({ id: messageId, type: 'interactive', content: r.card });
      return;
    }
  }
  console.error('usage: npm run sandbox -- people | chat CHAT_ID | clock [ISO] | job NAME [--at ISO] | as PERSON [in CHAT_ID] say TEXT | as PERSON [in CHAT_ID] send-file PATH|sample | as PERSON [in CHAT_ID] reply MESSAGE_ID|last|last-file TEXT | as PERSON [in CHAT_ID] send-image MESSAGE_ID|last PATH | as PERSON [in CHAT_ID] send-location MESSAGE_ID|last NAME ADDRESS LAT LNG | as PERSON [in CHAT_ID] click MESSAGE_ID|last BUTTON [field=value …]');
  process.exit(2);
}

main(process.argv.slice(2)).catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
