/**
 * The admin dashboard (/admin), in every mode. Asks for the admin token, then shows the state of work:
 * overview with lights, tasks (filters, pages, details with history, exports), failed messages with
 * retry, job runs, organisation import/export, the ranking and the admin API's own description. Sections are addressed by the URL hash
 * (`#tasks?state=open`, `#task/DB-2026-0001`) so reloads and the back button keep the place.
 */
import { $, clear, h, toast } from '../lib/dom';
import { HttpError } from '../lib/http';
import { api, token, whenUnauthorized } from './api';
import { Names, zone } from './labels';
import { jobsView, outboxView } from './ops';
import { orgView } from './org';
import { overviewView, rankingView } from './overview';
import { taskDetailView } from './task-detail';
import { tasksView } from './tasks';
import { apiDocsView } from './api-docs';
import { ledgerView } from './ledger';

export interface AdminCtx {
  names: Names;
  go(hash: string): void;
  reloadNames(): Promise<void>;
}

type View = (ctx: AdminCtx, mount: HTMLElement, arg: string, params: URLSearchParams) => Promise<void> | void;

const TABS: [string, string, View][] = [
  ['overview', '概览', overviewView],
  ['tasks', '督办事项', tasksView],
  ['outbox', '发送失败', outboxView],
  ['jobs', '定时任务', jobsView],
  ['org', '组织架构', orgView],
  ['ranking', '排名', rankingView],
  ['ledger', '台账', ledgerView],
  ['api', '接口文档', apiDocsView],
];

class Admin implements AdminCtx {
  names = new Names({ units: [], groups: [], people: [] });
  private readonly mount: HTMLElement;
  private readonly nav = h('nav.tabs', { 'aria-label': '功能' });
  private readonly main = h('main.admin-main');
  private shellShown = false;

  constructor(mount: HTMLElement) {
    this.mount = mount;
    whenUnauthorized(() => {
      token.clear();
      this.login('令牌已失效或不正确，请重新输入。');
    });
    window.addEventListener('hashchange', () => this.shellShown && void this.route());
  }

  async start(): Promise<void> {
    const t = token.get();
    if (!t) return this.login();
    try {
      await api.check(t);
      await this.shell();
    } catch (e) {
      if (e instanceof HttpError && e.status === 401) return; // whenUnauthorized showed the form
      this.login(`无法连接服务：${(e as Error).message}`);
    }
  }

  private login(message?: string): void {
    this.shellShown = false;
    const input = h('input.input', { type: 'password', autocomplete: 'current-password', placeholder: 'ADMIN_TOKEN', 'data-testid': 'token-input', 'aria-label': '管理令牌' });
    const err = h('div.error', { role: 'alert' }, message ?? '');
    const submit = async (e: Event) => {
      e.preventDefault();
      const t = input.value.trim();
      if (!t) return void (err.textContent = '请输入管理令牌');
      try {
        await api.check(t);
        token.set(t);
        await this.shell();
      } catch (x) {
        err.textContent = x instanceof HttpError && x.status === 401 ? '令牌不正确' : `无法连接服务：${(x as Error).message}`;
      }
    };
    clear(this.mount, h('div.login', null,
      h('form.login-box', { onsubmit: submit },
        h('div.brand', null, h('span.logo', null, '督'), h('span', null, '督导助手 · 管理后台')),
        h('p.muted', null, '请输入管理令牌（服务的 ADMIN_TOKEN；沙盒模式默认为 sandbox-admin-token）。令牌只保存在本标签页，关闭即清除。'),
        input,
        err,
        h('button.btn.btn-primary_filled', { type: 'submit', 'data-testid': 'token-submit' }, '进入'))));
    input.focus();
  }

  private async shell(): Promise<void> {
    await this.reloadNames().catch(() => undefined);
    zone.tz = (await api.stats().catch(() => null))?.tz ?? zone.tz;
    this.shellShown = true;
    clear(this.mount, h('div.admin', null,
      h('header.topbar', null,
        h('div.brand', null, h('span.logo', { 'aria-hidden': 'true' }, '督'), h('span.brand-text', null, '督导助手 · 管理后台')),
        h('button.link', { type: 'button', onclick: () => (token.clear(), this.login('已退出。')) }, '退出')),
      this.nav,
      this.main));
    await this.route();
  }

  async reloadNames(): Promise<void> {
    this.names = new Names(await api.org());
  }

  go(hash: string): void {
    if (location.hash === `#${hash}`) void this.route();
    else location.hash = hash;
  }

  private async route(): Promise<void> {
    const raw = location.hash.slice(1) || 'overview';
    const [path, qs = ''] = raw.split('?');
    const [section, ...rest] = path.split('/');
    const key = section === 'task' ? 'tasks' : section;
    const tab = TABS.find(([k]) => k === key) ?? TABS[0];
    clear(this.nav, TABS.map(([k, label]) => h(`a.tab${k === tab[0] ? '.active' : ''}`, { href: `#${k}`, 'data-tab': k }, label)));
    const view = section === 'task' && rest.length ? taskDetailView : tab[2];
    const mount = h('div.view');
    clear(this.main, mount);
    try {
      await view(this, mount, decodeURIComponent(rest.join('/')), new URLSearchParams(qs));
    } catch (e) {
      if (e instanceof HttpError && e.status === 401) return;
      clear(mount, h('div.panel.error', null, `加载失败：${(e as Error).message}`));
    }
  }
}

window.addEventListener('error', (e) => toast(`页面出错：${e.message}`, 'error'));
void new Admin($('#app')).start();
