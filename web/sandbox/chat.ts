/**
 * One chat as a messenger shows it: the transcript (cards rendered, updated in place when the bot patches
 * them), replies quoting their parent, and the composer. Messages re-render only when their content
 * changed, so a half-filled card form survives the polling.
 */
import { renderCard } from '../cards/render';
import { clear, h, toast } from '../lib/dom';
import { HttpError } from '../lib/http';
import { api, type Chat, type Message, type Person } from './api';
import { Composer } from './composer';
import { mentionText, previewOf } from './preview';

const POLL_MS = 1500;

export class ChatView {
  readonly el: HTMLElement;
  private readonly list = h('div.messages', { 'data-testid': 'messages', 'aria-live': 'polite' });
  private readonly title = h('div.chat-title');
  private readonly composer: Composer;
  private chat?: Chat;
  private messages: Message[] = [];
  private rendered = new Map<string, { sig: string; el: HTMLElement }>();
  private timer?: number;
  private inflight?: AbortController;

  constructor(private readonly o: { person: () => Person | undefined; back: () => void; nameOf: (openId: string) => string | undefined; loaded: (chatId: string, items: Message[]) => void }) {
    this.composer = new Composer({ person: o.person, chat: () => this.chat, sent: () => this.refresh(true), messageOf: (id) => this.messages.find((m) => m.id === id) });
    this.el = h('section.chat', { 'aria-label': '聊天' },
      h('header.chat-head', null, h('button.back', { type: 'button', 'aria-label': '返回会话列表', onclick: () => o.back() }, '‹'), this.title),
      this.list,
      this.composer.el);
    document.addEventListener('visibilitychange', () => !document.hidden && this.chat && void this.refresh(false));
  }

  open(chat: Chat): void {
    this.chat = chat;
    this.messages = [];
    this.rendered.clear();
    this.composer.reset(chat);
    clear(this.title, h('span.chat-name', null, chat.name), h('span.chat-kind', null, chat.type === 'p2p' ? '私聊' : '群聊'));
    clear(this.list, h('div.empty', null, '加载中…'));
    this.el.dataset.chatId = chat.chatId;
    void this.refresh(true);
    this.schedule();
  }

  private schedule(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(async () => {
      if (!document.hidden) await this.refresh(false).catch(() => undefined);
      this.schedule();
    }, POLL_MS);
  }

  /** Loads the transcript and patches the view; `toEnd` scrolls down (after opening or sending). */
  async refresh(toEnd: boolean): Promise<void> {
    const chat = this.chat;
    if (!chat) return;
    this.inflight?.abort();
    const ctrl = (this.inflight = new AbortController());
    let items: Message[];
    try {
      items = await api.messages(chat.chatId, ctrl.signal);
    } catch (e) {
      if ((e as Error).name !== 'AbortError' && toEnd) toast((e as Error).message, 'error');
      return;
    }
    if (chat !== this.chat) return;
    const nearEnd = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 120;
    this.messages = items;
    this.o.loaded(chat.chatId, items);
    if (!items.length) {
      clear(this.list, h('div.empty', null, chat.type === 'p2p' ? '还没有消息。试试发送「帮助」。' : '还没有消息。在群里 @督导助手 发送「帮助」看看能做什么。'));
      this.rendered.clear();
      return;
    }
    if (!this.rendered.size) clear(this.list);
    for (const m of items) {
      const sig = `${m.updated}|${JSON.stringify(m.content)}`;
      const seen = this.rendered.get(m.id);
      if (seen?.sig === sig) continue;
      const el = this.messageEl(m);
      if (seen) {
        seen.el.replaceWith(el);
        el.classList.add('flash'); // the card changed in place
      } else this.list.appendChild(el);
      this.rendered.set(m.id, { sig, el });
    }
    if (toEnd || nearEnd) this.list.scrollTop = this.list.scrollHeight;
  }

  private messageEl(m: Message): HTMLElement {
    const me = this.o.person();
    const mine = !m.fromBot && m.sender === me?.name;
    const kind = m.fromBot ? 'bot' : mine ? 'mine' : 'other';
    const parent = m.parentId ? this.messages.find((x) => x.id === m.parentId) : undefined;
    const body = this.bodyOf(m);
    return h(`div.msg.msg-${kind}`, { 'data-message-id': m.id, 'data-type': m.type },
      h('div.avatar', { 'aria-hidden': 'true' }, m.fromBot ? '督' : m.sender.slice(-2)),
      h('div.msg-main', null,
        h('div.msg-meta', null, h('span.sender', null, m.fromBot ? '督导助手' : m.sender), m.fromBot ? h('span.bot-badge', null, '机器人') : null, m.updated ? h('span.edited', null, '已更新') : null),
        parent ? h('button.quote', { type: 'button', title: '查看原消息', onclick: () => this.reveal(parent.id) }, `回复 ${parent.fromBot ? '督导助手' : parent.sender}：${previewOf(parent).slice(0, 40)}`) : null,
        body,
        h('div.msg-actions', null, h('button.link', { type: 'button', onclick: () => this.composer.replyTo(m) }, '回复'))));
  }

  private bodyOf(m: Message): HTMLElement {
    const c = (m.content ?? {}) as { text?: string; image_key?: string; file_key?: string; file_name?: string };
    if (m.type === 'interactive') {
      const slot = h('div.card-slot');
      const paint = (card: unknown) => clear(slot, renderCard(card, { act: (value, form) => this.click(m, value, form, paint), nameOf: this.o.nameOf }));
      paint(m.content);
      return slot;
    }
    if (m.type === 'text') return h('div.bubble', null, mentionText(String(c.text ?? '')));
    if (m.type === 'image' && c.image_key) return h('div.bubble.bubble-image', null, h('img', { src: api.resourceUrl(m.id, c.image_key), alt: '图片', loading: 'lazy' }));
    if (m.type === 'file' && c.file_key) return h('div.bubble.bubble-file', null, h('a', { href: api.resourceUrl(m.id, c.file_key), download: c.file_name ?? '', 'data-testid': 'file-link' }, `📎 ${c.file_name ?? '文件'}`));
    return h('div.bubble', null, previewOf(m));
  }

  /** A button press: the same callback Feishu would post, through the product's real ingress. */
  private async click(m: Message, value: Record<string, unknown>, form: Record<string, unknown> | undefined, paint: (card: unknown) => void): Promise<void> {
    const me = this.o.person();
    if (!me) return;
    try {
      const r = await api.click({ as: me.code, messageId: m.id, value, form });
      if (r.toast) toast(r.toast.content, r.toast.type);
      else if (r.status !== 200) toast(`服务返回 ${r.status}`, 'error');
      if (r.card) {
        paint(r.card);
        const seen = this.rendered.get(m.id);
        if (seen) seen.sig = `true|${JSON.stringify(r.card)}`;
      }
    } catch (e) {
      toast(e instanceof HttpError ? e.message : `操作失败：${(e as Error).message}`, 'error');
    }
    await this.refresh(false);
  }

  private reveal(id: string): void {
    const el = this.rendered.get(id)?.el;
    if (!el) return;
    el.scrollIntoView({ behavior: 'smooth', block: 'center' });
    el.classList.remove('flash');
    void el.offsetWidth;
    el.classList.add('flash');
  }
}
