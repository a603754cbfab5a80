/**
 * The message box: text (Enter sends, Shift+Enter a new line, never while an input method composes),
 * the @督导助手 mention (on by default in groups, as the bot only hears mentions there), replies to a
 * message (a card's thread), an image as evidence, a file (a notice to dispatch from: reply 派单 to it,
 * or send it to the bot directly), and quick commands for the person's roles.
 */
import { clear, h, toast } from '../lib/dom';
import { HttpError } from '../lib/http';
import { api, type Chat, type Message, type Person } from './api';
import { previewOf } from './preview';

export const DISPATCH_EXAMPLE = `派单
1. 推进茂盛路征迁扫尾
责任单位：梅山镇
配合单位：住建局
完成时限：12月15日前
工作要求：本周内完成剩余3户签约
优先级：紧急`;

export class Composer {
  readonly el: HTMLElement;
  private readonly input = h('textarea.compose-input', { rows: 1, placeholder: '输入消息，Enter 发送', title: 'Enter 发送，Shift+Enter 换行', 'data-testid': 'composer-input', 'aria-label': '消息' });
  private readonly mention = h('input', { type: 'checkbox', checked: true, 'data-testid': 'mention-toggle' });
  private readonly mentionBox = h('label.mention', { title: '群聊中机器人只接收 @ 它的消息' }, this.mention, ' @督导助手');
  private readonly replyBar = h('div.reply-bar', { hidden: true });
  private readonly chips = h('div.chips');
  private readonly sendBtn = h('button.btn.btn-primary_filled.send', { type: 'button', 'data-testid': 'send' }, '发送');
  private reply?: Message;
  private busy = false;

  constructor(private readonly o: { person: () => Person | undefined; chat: () => Chat | undefined; sent: () => Promise<void>; messageOf: (id: string) => Message | undefined }) {
    const file = h('input', { type: 'file', accept: 'image/*', hidden: true, onchange: () => void this.sendImage(file) });
    const doc = h('input', { type: 'file', accept: FILE_TYPES, hidden: true, 'data-testid': 'file-input', onchange: () => void this.sendFile(doc) });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        void this.send();
      }
    });
    this.input.addEventListener('input', () => this.grow());
    this.sendBtn.addEventListener('click', () => void this.send());
    this.el = h('footer.composer', null,
      this.replyBar,
      h('div.compose-top', null, this.chips, this.mentionBox),
      h('div.compose-row', null,
        h('button.btn.btn-default.icon', { type: 'button', title: '发送图片（作为佐证）', 'aria-label': '发送图片', onclick: () => file.click() }, '🖼'),
        file,
        h('button.btn.btn-default.icon', { type: 'button', title: '发送文件（督办通知、清单：回复“派单”即按文件派单）', 'aria-label': '发送文件', onclick: () => doc.click() }, '📎'),
        doc,
        this.input,
        this.sendBtn));
  }

  /** A new chat: clears the box and shows the mention toggle only in groups. */
  reset(chat: Chat): void {
    this.input.value = '';
    this.grow();
    this.mention.checked = chat.type === 'group';
    this.mentionBox.hidden = chat.type !== 'group';
    this.replyTo(undefined);
    this.paintChips();
  }

  replyTo(m: Message | undefined): void {
    this.reply = m;
    this.replyBar.hidden = !m;
    if (m) {
      clear(this.replyBar, h('span', null, `回复 ${m.fromBot ? '督导助手' : m.sender}：${previewOf(m).slice(0, 50)}`), h('button.link', { type: 'button', 'aria-label': '取消回复', onclick: () => this.replyTo(undefined) }, '✕'));
      this.input.focus();
    }
  }

  private paintChips(): void {
    const p = this.o.person();
    const roles = (p?.roles ?? []).join(' ');
    const supervisor = /督导组|市领导/.test(roles);
    const official = /联络员|负责人/.test(roles);
    const chip = (label: string, run: () => void) => h('button.chip', { type: 'button', onclick: run }, label);
    const say = (text: string) => () => void this.send(text);
    clear(this.chips,
      supervisor ? chip('派单示例', () => this.fill(DISPATCH_EXAMPLE)) : null,
      supervisor ? chip('派单（表单）', say('派单')) : null,
      supervisor ? chip('示例通知（文件）', () => void this.send('', undefined, { name: '关于推进西片区重点工作的督办通知.docx', sample: 'notice' })) : null,
      official ? chip('我的任务', say('我的任务')) : null,
      supervisor ? chip('统计', say('统计')) : null,
      chip('帮助', say('帮助')));
  }

  private fill(text: string): void {
    this.input.value = text;
    this.grow();
    this.input.focus();
  }

  private grow(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, 180)}px`;
  }

  private async send(text = this.input.value.trim(), imageBase64?: string, file?: { name: string; base64?: string; sample?: 'notice' }): Promise<void> {
    const p = this.o.person();
    const chat = this.o.chat();
    if (!p || !chat || this.busy || (!text && !imageBase64 && !file)) return;
    this.busy = true;
    this.sendBtn.setAttribute('disabled', '');
    try {
      const fromBox = text === this.input.value.trim();
      const attached = Boolean(imageBase64 || file); // an image or a file message cannot @ anyone
      await api.say({ as: p.code, chatId: chat.chatId, text: text || undefined, imageBase64, file, replyTo: this.reply?.id, mention: chat.type === 'group' && this.mention.checked && !attached });
      if (fromBox) {
        this.input.value = '';
        this.grow();
      }
      this.replyTo(undefined);
      await this.o.sent();
    } catch (e) {
      toast(e instanceof HttpError ? e.message : `发送失败：${(e as Error).message}`, 'error');
    } finally {
      this.busy = false;
      this.sendBtn.removeAttribute('disabled');
    }
  }

  private async sendImage(input: HTMLInputElement): Promise<void> {
    const f = input.files?.[0];
    input.value = '';
    if (!f) return;
    if (f.size > 5 * 1024 * 1024) return toast('图片太大：请选择 5 MB 以内的图片', 'warning');
    await this.send('', await base64Of(f));
  }

  /** A file as Feishu mobile sends it: its own message, named; the sandbox's request carries it whole. */
  private async sendFile(input: HTMLInputElement): Promise<void> {
    const f = input.files?.[0];
    input.value = '';
    if (!f) return;
    if (f.size > SANDBOX_FILE_MAX) return toast(`文件太大：沙盒控制台可发送 ${SANDBOX_FILE_MAX / 1024} KB 以内的文件（正式环境按飞书的 30 MB 和配置的上限）`, 'warning');
    await this.send('', undefined, { name: f.name, base64: await base64Of(f) });
  }
}

/** The files a notice comes as (docs/rules.md#dispatch-from-a-file). */
const FILE_TYPES = '.docx,.doc,.wps,.xlsx,.xls,.et,.pdf,.txt';
/** The sandbox's request body is capped at 1 MB; base64 makes a file a third larger. */
const SANDBOX_FILE_MAX = 700 * 1024;

function base64Of(f: File): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(f);
  });
}
