import { messageKey } from './keys';
import type { OutboxItem } from './outbox-item';
import { documentNumbers, links } from '../domain/evidence-text';
import { limitMessage, overLimit } from '../limits';
import { normalize, parseCommand, progressWithoutCode, type Command } from '../domain/commands';
import { hasRole, officialUnits, supervisedGroups, type Person } from '../domain/org';
import { MY_TASKS_REFUSAL, refusal, supervisesGroup, leadsGroup, unknownPersonMessage } from '../domain/permissions';
import type { Evidence, Task } from '../domain/task';
import type { AppDeps } from './deps';
import { mentionsBot, type InboundMessage } from './inbound';
import { replyCard, replyLiveCard, replyText } from './notify';
import { progressReplyText } from '../cards/task-card';
import type { TaskService } from './task-service';
import type { CardViews, TaskView } from './views';
import { matchCommand, parsedCommands, type Feature } from './feature';

/**
 * Messages: commands (docs/rules.md#commands) in direct chats, or with an @-mention in groups; and replies to a task
 * card (quote or thread, with or without a mention) by an official of its units, which are progress
 * reports with their images, files, 文号 or links as evidence.
 */
export function evidenceIn(m: InboundMessage, text: string): Evidence[] {
  const out: Evidence[] = m.attachments.map((a) => ({ kind: a.kind, key: a.key, name: a.name, messageId: m.messageId }));
  for (const d of documentNumbers(text)) out.push({ kind: 'docno', text: d, messageId: m.messageId });
  for (const l of links(text)) out.push({ kind: 'link', url: l, messageId: m.messageId });
  return out;
}

/** 我的任务 (the command or the card's 刷新) for someone who is no unit's official. */
/** 统计 refused: what this person can use instead, by the roles they have. */
export function statsRefusal(p: Person): string {
  const base = '“统计”供督导组成员、挂钩市领导和管理员使用，您没有这些身份。';
  if (officialUnits(p).length) return `${base}您是单位联络员或负责人：请发送“我的任务”查看本单位事项。`;
  if (hasRole(p, 'observer')) return `${base}成果运用单位请发送“评价表”（或“评价表 2026”）获取年度督导评价表文件。`;
  return `${base}如需使用，请联系管理员登记身份。`;
}

const evidenceCount = (t: Task) => t.reports.reduce((n, r) => n + r.evidence.length, 0);

export class MessageHandler {
  private readonly parsed: ReturnType<typeof parsedCommands>;

  constructor(
    private readonly deps: AppDeps,
    private readonly views: CardViews,
    private readonly tasks: TaskService,
    private readonly features: readonly Feature[] = [],
  ) {
    this.parsed = parsedCommands(features);
  }

  private send(items: OutboxItem[]): Promise<void> {
    return this.deps.outbox.put(items);
  }

  /** Added to a chat: say who the bot is and how to start. */
  async greet(chatId: string, eventId: string): Promise<void> {
    const text = '大家好，我是督导助手。督导组可 @我 发送“派单”派发督办事项；单位可在督办卡片上签收、反馈进度，或直接回复卡片报送进展。@我 发送“帮助”查看全部用法。';
    await this.send([{ key: messageKey('hello', chatId, eventId), kind: 'send', to: { type: 'chat_id', id: chatId }, msgType: 'text', content: { text } }]);
  }

  async handle(m: InboundMessage): Promise<void> {
    if (m.senderType !== 'user' || !m.senderOpenId) return;
    const mentioned = mentionsBot(m, this.deps.botOpenId());
    const parents = [m.parentId, m.rootId].filter((x): x is string => Boolean(x));
    let card: { ref: string } | null = null;
    for (const id of parents) card ??= await this.deps.cards.sentAs(id);
    if (!mentioned && !card) return; // group talk not meant for the bot
    const org = await this.deps.orgs.get();
    const person = org.byOpenId(m.senderOpenId);
    const text = m.text;
    if (!person) {
      if (mentioned) await this.send([replyText(m, unknownPersonMessage(m.senderOpenId))]);
      return;
    }
    if (overLimit('messageChars', text.length)) {
      // refused before any command is parsed; nothing is stored, nothing cut
      if (mentioned || card) await this.send([replyText(m, `${limitMessage('messageChars', text.length)}，请精简后重新发送（派单可分批发送）。`)]);
      return;
    }
    const cmd = parseCommand(text);
    for (const f of this.features) {
      const taken = f.onMessage ? await f.onMessage(m, { person, text, command: cmd, mentioned, cardRef: card?.ref ?? null }) : null;
      if (taken) {
        this.deps.log.info({ feature: f.name, sender: m.senderOpenId, chat: m.chatId }, 'message');
        await this.send(taken);
        return;
      }
    }
    const cardCode = card?.ref.startsWith('task:') ? card.ref.slice(5) : null;
    if (cardCode) {
      // `进度 60% …` on a task card needs no code: the card names the task
      const said = cmd.cmd === 'unknown' || cmd.cmd === 'usage' ? progressWithoutCode(text) : null;
      if (said || cmd.cmd === 'unknown') {
        await this.progressByReply(m, person, cardCode, said ?? { text }, mentioned);
        return;
      }
    }
    // `进度 DB-… 60% …` written on a task card is meant for the bot, mention or not
    const progressCmd = cmd.cmd === 'progress' || (cmd.cmd === 'usage' && /^(进度|progress)/i.test(normalize(text)));
    if (!mentioned && !(cardCode && progressCmd)) return;
    this.deps.log.info({ cmd: cmd.cmd, sender: m.senderOpenId, chat: m.chatId }, 'command');
    await this.send(await this.command(m, person, cmd, text));
  }

  private async progressByReply(m: InboundMessage, person: Person, code: string, said: { percent?: number; text: string } | { usage: string }, mentioned: boolean): Promise<void> {
    const task = await this.deps.tasks.get(code);
    if (!task) return;
    const org = await this.deps.orgs.get();
    if (refusal(person, 'progress', task, org)) {
      if (mentioned) await this.send([replyText(m, refusal(person, 'progress', task, org)!)]);
      return; // other people's talk in the thread is theirs
    }
    if ('usage' in said) {
      await this.send([replyText(m, said.usage)]);
      return;
    }
    const text = said.text;
    const pct = /(\d{1,3})\s*[%％]/.exec(text);
    const percent = said.percent ?? (pct ? Math.min(Number(pct[1]), 100) : task.progress);
    const evidence = evidenceIn(m, text);
    const r = await this.tasks.act(code, { type: 'progress', percent, content: text, evidence, via: 'reply' }, person);
    await this.send([replyText(m, r.ok ? progressReplyText(code, percent, evidence.length, evidenceCount(r.task)) : r.message)]);
  }

  private viewFor(person: Person, task: Task): TaskView {
    const units = officialUnits(person);
    if (units.includes(task.leadUnit)) return 'unit';
    return units.some((u) => task.coUnits.includes(u)) ? 'co' : 'group';
  }

  private async command(m: InboundMessage, person: Person, cmd: Command, text: string): Promise<OutboxItem[]> {
    const own = this.parsed.get(cmd.cmd);
    if (own) return own(m, person, cmd);
    const org = await this.deps.orgs.get();
    switch (cmd.cmd) {
      case 'usage':
        return [replyText(m, cmd.message)];
      case 'my': {
        if (!officialUnits(person).length) return [replyText(m, MY_TASKS_REFUSAL)];
        return [replyCard(m, await this.views.myTasks(person))];
      }
      case 'stats':
        if (!(supervisedGroups(person).length || hasRole(person, 'cityLeader') || hasRole(person, 'admin'))) {
          return [replyText(m, statsRefusal(person))];
        }
        return [replyCard(m, await this.views.stats(person))];
      case 'query': {
        const task = await this.deps.tasks.get(cmd.code);
        if (!task) return [replyText(m, `找不到督办单 ${cmd.code}，请核对编号。`)];
        const denied = refusal(person, 'view', task, org);
        if (denied) return [replyText(m, denied)];
        const view = supervisesGroup(person, task.group, org) || leadsGroup(person, task.group, org) ? 'group' : this.viewFor(person, task);
        return [replyLiveCard(m, 'task', `task:${task.code}`, view)];
      }
      case 'progress': {
        const evidence = evidenceIn(m, cmd.text);
        const r = await this.tasks.act(cmd.code, { type: 'progress', percent: cmd.percent, content: cmd.text, evidence, via: 'command' }, person);
        return [replyText(m, r.ok ? progressReplyText(cmd.code, cmd.percent, evidence.length, evidenceCount(r.task)) : r.message)];
      }
      case 'urge': {
        const r = await this.tasks.act(cmd.code, { type: 'urge', note: cmd.note || undefined }, person);
        return [replyText(m, r.ok ? r.toast : r.message)];
      }
      case 'escalate': {
        const r = await this.tasks.act(cmd.code, { type: 'request_escalation', reason: cmd.reason, units: [] }, person);
        return [replyText(m, r.ok ? r.toast : r.message)];
      }
      default: {
        const own = cmd.cmd === 'unknown' ? matchCommand(this.features, text) : null;
        if (own) return own.command.handle(m, person, own.body);
        return [replyText(m, '没有听懂这条消息。发送“帮助”查看您可以使用的命令，例如：我的任务、查询 DB-2026-0001。')];
      }
    }
  }
}
