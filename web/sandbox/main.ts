/**
 * The sandbox console (/sandbox): be any demo person, see their chats like a messenger, talk to the bot
 * and press its cards' buttons — everything goes through the product's real ingress, signed as Feishu
 * signs it. The chosen person and chat live in the URL (`#as=P-SUP-1&chat=oc_demo_g1`), so a link or
 * a reload keeps them. On a narrow screen the chat list and the chat stack.
 */
import { $, clear, h, toast } from '../lib/dom';
import { api, type Chat, type ChatSummary, type Message, type Person } from './api';
import { ChatView } from './chat';
import { ClockControl } from './clock';
import { previewOf } from './preview';

const SUMMARY_MS = 4000;

class Console {
  private people: Person[] = [];
  private person?: Person;
  private chat?: Chat;
  private seen = new Map<string, number>(); // chatId → messages already seen (for unread marks)
  private summaries = new Map<string, ChatSummary>();
  private readonly picker = h('select.input.person-select', { 'data-testid': 'person-select', 'aria-label': '当前身份' });
  private readonly who = h('div.who');
  private readonly chatList = h('nav.chat-list', { 'aria-label': '会话' });
  private readonly view = new ChatView({ person: () => this.person, back: () => this.showList(), nameOf: (id) => this.people.find((p) => p.openId === id)?.name, loaded: (id, items) => this.loaded(id, items) });
  private readonly clock = new ClockControl(() => void this.view.refresh(false));
  private readonly root: HTMLElement;

  constructor(mount: HTMLElement) {
    this.picker.addEventListener('change', () => this.choose(this.picker.value));
    this.root = h('div.app.sandbox', null,
      h('header.topbar', null,
        h('div.brand', null, h('span.logo', { 'aria-hidden': 'true' }, '督'), h('span.brand-text', null, '督导助手 · 沙盒'), h('span.badge', { title: '消息只在本机的飞书替身中流转，不会发到真实飞书' }, '演示环境')),
        this.clock.el,
        h('a.top-link', { href: '/admin', target: '_blank', rel: 'noopener' }, '管理后台')),
      h('div.layout', null,
        h('aside.sidebar', null,
          h('div.person', null, h('label.field', null, h('span', null, '我是'), this.picker), this.who),
          this.chatList),
        this.view.el));
    clear(mount, this.root);
    window.addEventListener('hashchange', () => this.fromHash());
  }

  async start(): Promise<void> {
    try {
      this.people = await api.people();
    } catch (e) {
      clear(this.chatList, h('div.empty.error', null, `无法加载演示人员：${(e as Error).message}`));
      return;
    }
    this.paintPicker();
    void this.clock.init();
    if (!this.fromHash()) this.choose(localStorage.getItem('dudao.sandbox.as') ?? 'P-SUP-1');
    window.setInterval(() => !document.hidden && void this.pollSummaries(), SUMMARY_MS);
  }

  private paintPicker(): void {
    const groups: [string, (p: Person) => boolean][] = [
      ['督导组', (p) => p.roles.some((r) => /督导组|协调组/.test(r))],
      ['单位', (p) => p.roles.some((r) => /联络员|负责人/.test(r))],
      ['市领导', (p) => p.roles.includes('挂钩市领导')],
      ['其他', () => true],
    ];
    const placed = new Set<string>();
    clear(this.picker, groups.map(([label, test]) => {
      const members = this.people.filter((p) => !placed.has(p.code) && test(p));
      members.forEach((p) => placed.add(p.code));
      return members.length ? h('optgroup', { label }, members.map((p) => h('option', { value: p.code }, `${p.name} · ${p.roles.join('、')}`))) : null;
    }));
  }

  private fromHash(): boolean {
    const q = new URLSearchParams(location.hash.slice(1));
    const as = q.get('as');
    if (!as || !this.people.some((p) => p.code === as)) return false;
    if (as !== this.person?.code) this.choose(as, q.get('chat') ?? undefined);
    else if (q.get('chat') && q.get('chat') !== this.chat?.chatId) this.openChat(q.get('chat')!);
    return true;
  }

  private choose(code: string, chatId?: string): void {
    const p = this.people.find((x) => x.code === code) ?? this.people[0];
    if (!p) return;
    this.person = p;
    this.picker.value = p.code;
    localStorage.setItem('dudao.sandbox.as', p.code);
    clear(this.who, p.roles.map((r) => h('span.role', null, r)), p.chats.length ? null : h('span.muted', null, '没有可用的会话（未登记 open_id）'));
    this.seen.clear();
    this.summaries.clear();
    this.paintChats();
    const keep = p.chats.find((c) => c.chatId === (chatId ?? this.chat?.chatId));
    const first = keep ?? p.chats.find((c) => c.type === 'group') ?? p.chats[0];
    if (first) this.openChat(first.chatId, !keep && !chatId);
    void this.pollSummaries();
  }

  private openChat(chatId: string, listFirst = false): void {
    const c = this.person?.chats.find((x) => x.chatId === chatId);
    if (!c || !this.person) return;
    this.chat = c;
    history.replaceState(null, '', `#as=${encodeURIComponent(this.person.code)}&chat=${encodeURIComponent(c.chatId)}`);
    this.view.open(c);
    this.markSeen(c.chatId);
    this.paintChats();
    // on a phone, a first visit shows the list; picking a chat shows the chat
    if (!listFirst) this.root.classList.add('show-chat');
  }

  private showList(): void {
    this.root.classList.remove('show-chat');
    void this.pollSummaries();
  }

  /** The open chat's list entry follows its transcript at once, not at the next summary poll. */
  private loaded(chatId: string, items: Message[]): void {
    const last = items[items.length - 1];
    const before = this.summaries.get(chatId);
    if (before?.count === items.length && before.last?.id === last?.id) return;
    this.summaries.set(chatId, { chatId, count: items.length, last: last ? { id: last.id, fromBot: last.fromBot, sender: last.sender, preview: previewOf(last) } : null });
    this.seen.set(chatId, items.length);
    this.paintChats();
  }

  private markSeen(chatId: string): void {
    const s = this.summaries.get(chatId);
    if (s) this.seen.set(chatId, s.count);
  }

  private paintChats(): void {
    const p = this.person;
    if (!p) return;
    clear(this.chatList, p.chats.map((c) => {
      const s = this.summaries.get(c.chatId);
      const unread = s && this.chat?.chatId !== c.chatId ? s.count - (this.seen.get(c.chatId) ?? s.count) : 0;
      return h(`button.chat-item${this.chat?.chatId === c.chatId ? '.active' : ''}`, { type: 'button', 'data-chat-id': c.chatId, onclick: () => this.openChat(c.chatId) },
        h(`span.chat-avatar.${c.type}`, { 'aria-hidden': 'true' }, c.type === 'p2p' ? '督' : c.name.slice(0, 2)),
        h('span.chat-text', null,
          h('span.chat-name', null, c.name),
          h('span.chat-preview', null, s?.last ? `${s.last.fromBot ? '' : `${s.last.sender}：`}${s.last.preview}` : c.type === 'p2p' ? '与督导助手私聊' : '群聊')),
        unread > 0 ? h('span.unread', { 'aria-label': `${unread} 条新消息` }, String(unread)) : null);
    }));
  }

  private async pollSummaries(): Promise<void> {
    const p = this.person;
    if (!p?.chats.length) return;
    const items = await api.summaries(p.chats.map((c) => c.chatId)).catch(() => []);
    if (p !== this.person) return;
    for (const s of items) {
      this.summaries.set(s.chatId, s);
      if (!this.seen.has(s.chatId) || s.chatId === this.chat?.chatId) this.seen.set(s.chatId, s.count);
    }
    this.paintChats();
  }
}

window.addEventListener('error', (e) => toast(`页面出错：${e.message}`, 'error'));
void new Console($('#app')).start();
