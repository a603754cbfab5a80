import { messageKey } from './keys';
import type { OutboxItem } from './outbox-item';
import { limitMessage, overLimit } from '../limits';
import { parseCommand, type Command } from '../domain/commands';
import type { Person } from '../domain/org';
import { unknownPersonMessage } from '../domain/permissions';
import type { AppDeps } from './deps';
import { mentionsBot, type InboundMessage } from './inbound';
import { replyText } from './notify';
import { matchCommand, parsedCommands, queryKinds, type Feature, type MessageContext } from './feature';

/**
 * Messages, routed to the features (docs/architecture.md#features): their claims (`onMessage`), their
 * readings of a reply in their card's thread (`onReply`), then commands (docs/rules.md#commands) in direct
 * chats or with an @-mention in groups, to the feature that answers the command.
 */
export class MessageHandler {
  private readonly parsed: ReturnType<typeof parsedCommands>;
  private readonly queries: ReturnType<typeof queryKinds>;

  constructor(
    private readonly deps: AppDeps,
    private readonly features: readonly Feature[] = [],
  ) {
    this.parsed = parsedCommands(features);
    this.queries = queryKinds(features);
  }

  /**
   * The answer to a query, decided with no write (docs/architecture.md#the-hot-path): a text
   * outside any thread (so no feature's claim or card-thread reading applies), addressed to the bot by a
   * known person, within the length limit, whose command a feature lists in `queries`, or a usage error,
   * or words no command knows. The same answer `handle` would queue. Null for every other message.
   */
  async query(m: InboundMessage): Promise<OutboxItem[] | null> {
    if (m.senderType !== 'user' || !m.senderOpenId || m.msgType !== 'text' || m.parentId || m.rootId) return null;
    if (!mentionsBot(m, this.deps.botOpenId()) || overLimit('messageChars', m.text.length)) return null;
    const person = (await this.deps.orgs.get()).byOpenId(m.senderOpenId);
    if (!person) return null;
    const cmd = parseCommand(m.text);
    const answersAlone = this.queries.has(cmd.cmd) || cmd.cmd === 'usage' || (cmd.cmd === 'unknown' && !matchCommand(this.features, m.text));
    if (!answersAlone) return null;
    this.deps.log.info({ cmd: cmd.cmd, sender: m.senderOpenId, chat: m.chatId }, 'query');
    return this.command(m, person, cmd, m.text);
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
    const ctx: MessageContext = { person, text, command: cmd, mentioned, cardRef: card?.ref ?? null };
    // first the features' claims (a file, a visit's thread …), then their readings of a reply to their card
    for (const ask of [(f: Feature) => f.onMessage?.(m, ctx), (f: Feature) => (ctx.cardRef ? f.onReply?.(m, ctx) : undefined)]) {
      for (const f of this.features) {
        const taken = await ask(f);
        if (taken) {
          this.deps.log.info({ feature: f.name, sender: m.senderOpenId, chat: m.chatId }, 'message');
          await this.send(taken);
          return;
        }
      }
    }
    if (!mentioned) return;
    this.deps.log.info({ cmd: cmd.cmd, sender: m.senderOpenId, chat: m.chatId }, 'command');
    await this.send(await this.command(m, person, cmd, text));
  }

  /** A command addressed to the bot: the feature that answers its kind or its word. */
  private async command(m: InboundMessage, person: Person, cmd: Command, text: string): Promise<OutboxItem[]> {
    const parsed = this.parsed.get(cmd.cmd);
    if (parsed) return parsed(m, person, cmd);
    if (cmd.cmd === 'usage') return [replyText(m, cmd.message)];
    const own = cmd.cmd === 'unknown' ? matchCommand(this.features, text) : null;
    if (own) return own.command.handle(m, person, own.body);
    return [replyText(m, '没有听懂这条消息。发送“帮助”查看您可以使用的命令，例如：我的任务、查询 DB-2026-0001。')];
  }
}
