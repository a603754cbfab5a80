import type { AppDeps } from '../../app/deps';
import type { MessageContext, ParsedCommands } from '../../app/feature';
import type { InboundMessage } from '../../app/inbound';
import { replyCard, replyLiveCard, replyText } from '../../app/notify';
import type { OutboxItem } from '../../app/outbox-item';
import type { TaskService } from '../../app/task-service';
import type { CardViews, TaskView } from '../../app/views';
import { progressReplyText } from '../../cards/task-card';
import { normalize, progressWithoutCode } from '../../domain/commands';
import { documentNumbers, links } from '../../domain/evidence-text';
import { officialUnits, type Person } from '../../domain/org';
import { leadsGroup, MY_TASKS_REFUSAL, refusal, supervisesGroup } from '../../domain/permissions';
import type { Evidence, Task } from '../../domain/task';

/**
 * The task loop in chat (docs/rules.md#commands): 我的任务, 查询, 进度, 催办, 提级, and replies to a task
 * card (quote or thread, with or without a mention) by an official of its units, which are progress
 * reports with their images, files, 文号 or links as evidence.
 */
export function evidenceIn(m: InboundMessage, text: string): Evidence[] {
  const out: Evidence[] = m.attachments.map((a) => ({ kind: a.kind, key: a.key, name: a.name, messageId: m.messageId }));
  for (const d of documentNumbers(text)) out.push({ kind: 'docno', text: d, messageId: m.messageId });
  for (const l of links(text)) out.push({ kind: 'link', url: l, messageId: m.messageId });
  return out;
}

const evidenceCount = (t: Task) => t.reports.reduce((n, r) => n + r.evidence.length, 0);

export class TaskMessages {
  constructor(
    private readonly deps: AppDeps,
    private readonly views: CardViews,
    private readonly tasks: TaskService,
  ) {}

  readonly parsed: ParsedCommands = {
    my: async (m, person) => [officialUnits(person).length ? replyCard(m, await this.views.myTasks(person)) : replyText(m, MY_TASKS_REFUSAL)],
    query: async (m, person, cmd) => {
      const task = await this.deps.tasks.get(cmd.code);
      if (!task) return [replyText(m, `找不到督办单 ${cmd.code}，请核对编号。`)];
      const org = await this.deps.orgs.get();
      const denied = refusal(person, 'view', task, org);
      if (denied) return [replyText(m, denied)];
      const view = supervisesGroup(person, task.group, org) || leadsGroup(person, task.group, org) ? 'group' : viewFor(person, task);
      return [replyLiveCard(m, 'task', `task:${task.code}`, view)];
    },
    progress: async (m, person, cmd) => {
      const evidence = evidenceIn(m, cmd.text);
      const r = await this.tasks.act(cmd.code, { type: 'progress', percent: cmd.percent, content: cmd.text, evidence, via: 'command', source: m.messageId }, person);
      return [replyText(m, r.ok ? progressReplyText(cmd.code, cmd.percent, evidence.length, evidenceCount(r.task)) : r.message)];
    },
    urge: async (m, person, cmd) => {
      const r = await this.tasks.act(cmd.code, { type: 'urge', note: cmd.note || undefined, source: m.messageId }, person);
      return [replyText(m, r.ok ? r.toast : r.message)];
    },
    escalate: async (m, person, cmd) => {
      const r = await this.tasks.act(cmd.code, { type: 'request_escalation', reason: cmd.reason, units: [], source: m.messageId }, person);
      return [replyText(m, r.ok ? r.toast : r.message)];
    },
  };

  /**
   * A message in a task card's thread: `进度 60% …` or plain words are a progress report on the card's
   * task (no code needed); `进度 DB-… 60% …` written there is meant for the bot, mention or not.
   */
  async onReply(m: InboundMessage, ctx: MessageContext): Promise<OutboxItem[] | null> {
    const code = ctx.cardRef?.startsWith('task:') ? ctx.cardRef.slice(5) : null;
    if (!code) return null;
    const cmd = ctx.command;
    const said = cmd.cmd === 'unknown' || cmd.cmd === 'usage' ? progressWithoutCode(ctx.text) : null;
    if (said || cmd.cmd === 'unknown') return this.progressByReply(m, ctx.person, code, said ?? { text: ctx.text }, ctx.mentioned);
    if (cmd.cmd === 'progress') return this.parsed.progress!(m, ctx.person, cmd);
    if (cmd.cmd === 'usage' && /^(进度|progress)/i.test(normalize(ctx.text))) return [replyText(m, cmd.message)];
    return null;
  }

  private async progressByReply(m: InboundMessage, person: Person, code: string, said: { percent?: number; text: string } | { usage: string }, mentioned: boolean): Promise<OutboxItem[]> {
    const task = await this.deps.tasks.get(code);
    if (!task) return [];
    const org = await this.deps.orgs.get();
    const denied = refusal(person, 'progress', task, org);
    if (denied) return mentioned ? [replyText(m, denied)] : []; // other people's talk in the thread is theirs
    if ('usage' in said) return [replyText(m, said.usage)];
    const text = said.text;
    const pct = /(\d{1,3})\s*[%％]/.exec(text);
    const percent = said.percent ?? (pct ? Math.min(Number(pct[1]), 100) : task.progress);
    const evidence = evidenceIn(m, text);
    // a message handled again (its first run failed after the report was written): the same answer, no second report
    const r = task.reports.some((x) => x.source === m.messageId) ? { ok: true as const, task } : await this.tasks.act(code, { type: 'progress', percent, content: text, evidence, via: 'reply', source: m.messageId }, person);
    return [replyText(m, r.ok ? progressReplyText(code, percent, evidence.length, evidenceCount(r.task)) : r.message)];
  }
}

function viewFor(person: Person, task: Task): TaskView {
  const units = officialUnits(person);
  if (units.includes(task.leadUnit)) return 'unit';
  return units.some((u) => task.coUnits.includes(u)) ? 'co' : 'group';
}
