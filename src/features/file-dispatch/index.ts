import type { ActionContext, CardAnswer } from '../../app/card-handler';
import { DISPATCH_REFUSAL, dispatchRefusalText, type DispatchService } from '../dispatch/service';
import type { AppDeps } from '../../app/deps';
import type { Feature, HelpLine, MessageContext } from '../../app/feature';
import type { InboundMessage as Message } from '../../app/inbound';
import { messageKey } from '../../app/keys';
import type { OutboxItem } from '../../app/outbox-item';
import { cardValue } from '../../cards/actions';
import { summaryText } from '../../cards/common';
import { renderCard } from '../../cards/template';
import type { Person } from '../../domain/org';
import { canDispatch, dispatchScope } from '../../domain/permissions';
import type { SourceFile } from '../../domain/task';
import { compose, locateProblems } from './compose';
import { downloadFile, type FileSource } from './download';
import { noTextLayer } from './read/messages';
import type { ReadResult } from './read/types';
import { readInWorker } from './read-in-worker';

/**
 * Dispatch from a file (docs/rules.md#dispatch-from-a-file). A `派单` reply (with the @-mention in a
 * group) to a file message, or the button 按此文件派单 on the small card the bot answers a file sent to it
 * directly by someone who may dispatch: the file is downloaded through Feishu's message-resource API
 * under the size limit, read in a worker thread, and its text goes to the same parser, preview and
 * 确认派发 step as pasted text; each problem names its place in the file. The preview, and every task
 * it creates, keeps the file (message, key, name, SHA-256, size) as the order's evidence of origin.
 */
export const FILE_DISPATCH_ACTION = 'file.dispatch';
/** A read that takes longer than this gets a holding reply first. */
const HOLD_AFTER_MS = 1500;

/** Where answers go: the message they reply to, in its chat. */
interface At {
  messageId: string;
  chatId: string;
}

export interface FileDispatchOptions {
  /** Feishu (the service's Messenger), once there is one. */
  source: () => FileSource | undefined;
  /** Reads a file; the worker thread by default. */
  read?: (bytes: Buffer, name: string) => Promise<ReadResult>;
  holdAfterMs?: number;
}

const text = (at: At, body: string, n = 0): OutboxItem => ({ key: messageKey('reply', at.messageId, n), kind: 'reply', messageId: at.messageId, msgType: 'text', content: { text: body }, lane: `chat:${at.chatId}` });
const previewCard = (at: At, id: string): OutboxItem => ({
  key: messageKey('reply', at.messageId, 0),
  kind: 'reply',
  messageId: at.messageId,
  msgType: 'interactive',
  render: { card: 'preview', ref: `preview:${id}`, view: 'preview' },
  record: { ref: `preview:${id}`, view: 'preview' },
  lane: `chat:${at.chatId}`,
});

const str = (v: unknown) => (typeof v === 'string' ? v : '');

type FileAt = { messageId: string; fileKey: string; name: string };
type Reader = (bytes: Buffer, name: string) => Promise<ReadResult>;

/** The whole way from a file message to a preview or the answer saying what is wrong, as outbox items. */
async function previewFromFile(
  { deps, dispatch, o, read, holdAfterMs }: { deps: AppDeps; dispatch: DispatchService; o: FileDispatchOptions; read: Reader; holdAfterMs: number },
  person: Person,
  file: FileAt,
  at: At,
): Promise<{ items: OutboxItem[]; ok: boolean }> {
  const org = await deps.orgs.get();
  if (!dispatchScope(person, org)) return { items: [text(at, DISPATCH_REFUSAL)], ok: false };
  const src = o.source();
  if (!src) return { items: [text(at, '暂时无法读取文件，请稍后重新发送“派单”。')], ok: false };
  // a slow read (a big workbook, a long PDF) is acknowledged first; the answer follows when it is ready
  const hold = setTimeout(() => void deps.outbox.put([text(at, `正在读取文件《${file.name}》…`, 1)]).catch(() => undefined), holdAfterMs);
  try {
    let got: Awaited<ReturnType<typeof downloadFile>>;
    try {
      got = await downloadFile(src, file.messageId, file.fileKey, file.name);
    } catch (e) {
      deps.log.warn({ err: (e as Error).message, message: file.messageId }, 'file download failed');
      return { items: [text(at, `暂时无法从飞书下载《${file.name}》，请稍后重新发送“派单”。`)], ok: false };
    }
    if (!got.ok) return { items: [text(at, got.message)], ok: false };
    const r = await read(got.bytes, file.name);
    if (!r.ok) return { items: [text(at, r.message)], ok: false };
    const composed = compose(r.parts);
    if (!composed.text.trim()) return { items: [text(at, `《${file.name}》中没有读到文字。请发送含督办事项的文件，或把事项文字粘贴在“派单”之后发送。`)], ok: false };
    const sourceFile: SourceFile = { messageId: file.messageId, fileKey: file.fileKey, name: file.name, sha256: got.sha256, bytes: got.bytes.length };
    const p = await dispatch.preview(person, composed.text, { chatId: at.chatId, messageId: at.messageId, sourceFile });
    if ('refusal' in p) return { items: [text(at, p.refusal)], ok: false };
    if (!p.ok) {
      const located = locateProblems(p.problems, composed, deps.settings.categories);
      const refusal = dispatchRefusalText(located).replace('派单未创建，请修改后重新发送', `已读取《${file.name}》，派单未创建，请修改文件后重新发送`);
      return { items: [text(at, r.note ? `${refusal}\n（${r.note}）` : refusal)], ok: false };
    }
    deps.log.info({ preview: p.preview._id, format: r.format, items: p.preview.drafts.length }, 'dispatch preview from a file');
    return { items: [previewCard(at, p.preview._id)], ok: true };
  } finally {
    clearTimeout(hold);
  }
}


export function fileDispatchFeature(deps: AppDeps, dispatch: DispatchService, o: FileDispatchOptions): Feature {
  const read = o.read ?? ((bytes: Buffer, name: string) => readInWorker(bytes, name));
  const holdAfterMs = o.holdAfterMs ?? HOLD_AFTER_MS;

  const fromFile = (person: Person, file: FileAt, at: At) => previewFromFile({ deps, dispatch, o, read, holdAfterMs }, person, file, at);

  /** The file a `派单` reply points at, or null when its parent is not a file (then the core opens the form). */
  async function fromReply(m: Message, ctx: MessageContext): Promise<OutboxItem[] | null> {
    const src = o.source();
    const parent = src && m.parentId ? await src.getMessage(m.parentId) : null;
    if (!parent) return null;
    if (parent.msgType === 'image') return [text(m, noTextLayer('这张图片'))];
    if (parent.msgType !== 'file') return null;
    const fileKey = str(parent.content.file_key);
    if (!fileKey) return null;
    const name = str(parent.content.file_name) || '文件';
    return (await fromFile(ctx.person, { messageId: parent.messageId, fileKey, name }, m)).items;
  }

  /** A file sent to the bot directly by someone who may dispatch: the small card offering 按此文件派单. */
  function offer(m: Message): OutboxItem[] {
    const name = m.file?.name || '文件';
    const card = renderCard('file-dispatch', { summary: summaryText(`收到文件《${name}》，可按此文件派单`), name, value: cardValue(FILE_DISPATCH_ACTION, { x: m.messageId }) });
    return [{ key: messageKey('reply', m.messageId, 0), kind: 'reply', messageId: m.messageId, msgType: 'interactive', content: card, lane: `chat:${m.chatId}` }];
  }

  async function pressed(c: ActionContext): Promise<CardAnswer> {
    const fileMessageId = c.value.x;
    const src = o.source();
    const parent = fileMessageId && src ? await src.getMessage(fileMessageId) : null;
    const fileKey = str(parent?.content.file_key);
    // only the file's own sender, in the chat the card is in
    if (!parent || parent.msgType !== 'file' || !fileKey || (c.action.chatId && parent.chatId !== c.action.chatId) || (parent.senderId && parent.senderId !== c.action.operatorOpenId)) {
      return { toast: { type: 'warning', content: '找不到这份文件，请重新发送文件。' } };
    }
    const at = { messageId: parent.messageId, chatId: parent.chatId };
    const name = str(parent.content.file_name) || '文件';
    // the card's message id keys the preview: a second press answers with the same one
    const r = await fromFile(c.person, { messageId: parent.messageId, fileKey, name }, { ...at, messageId: c.action.messageId || at.messageId });
    await deps.outbox.put(r.items);
    return r.ok ? { toast: { type: 'success', content: '已读取文件，请核对预览后确认派发' } } : { toast: { type: 'warning', content: '文件未能派单，原因见回复' } };
  }

  return {
    name: 'file-dispatch',
    async onMessage(m, ctx) {
      if (m.msgType === 'file' && m.file && m.chatType === 'p2p') return canDispatch(ctx.person) ? offer(m) : null;
      const bareDispatch = ctx.command.cmd === 'dispatch' && !ctx.command.body;
      if (bareDispatch && m.parentId && ctx.mentioned && !ctx.cardRef) return fromReply(m, ctx);
      return null;
    },
    actions: { [FILE_DISPATCH_ACTION]: pressed },
    help(p: Person): HelpLine[] {
      if (!canDispatch(p)) return [];
      return [{ command: '派单（回复文件）', what: '回复督办通知文件（Word、Excel、带文字的 PDF）发送“派单”，按文件内容生成派单预览；直接发给我的文件可点「按此文件派单」', example: '（回复文件消息）@督导助手 派单' }];
    },
  };
}
