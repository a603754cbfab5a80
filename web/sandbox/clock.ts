/**
 * The business clock (docs/rules.md#deadlines-and-workdays: CLOCK_START, moved by the console) and on-demand job runs: reminders,
 * digests and summaries can be seen without waiting for their day. Times are read and written in the
 * service's time zone, whatever the browser's is.
 */
import { clear, h, toast } from '../lib/dom';
import { HttpError } from '../lib/http';
import { toLocalInput, wallTime, wallToIso } from '../lib/time';
import { api, type JobRun } from './api';

export const JOB_LABELS: Record<string, string> = {
  reminders: '每日提醒（催签、临期、超期、提示函）',
  'weekly-digest': '督办周报',
  'monthly-summary': '月度汇总',
  'meeting-reminder': '调度会提醒',
  cleanup: '数据清理',
};

const RESULT_LABELS: Record<string, string> = { reason: '原因', sent: '发出', notices: '通知', letters: '提示函', reports: '报告', groups: '督导组', units: '单位', tasks: '事项', leaders: '市领导', skipped: '跳过' };

export class ClockControl {
  readonly el: HTMLElement;
  private tz = 'Asia/Shanghai';
  private offset = 0; // business now − browser now, ms
  private readonly dateEl = h('span.clock-date');
  private readonly shortDateEl = h('span.clock-date-short');
  private readonly timeEl = h('span.clock-time', { 'data-testid': 'clock-time' });
  private readonly panel = h('div.clock-panel', { hidden: true, 'data-testid': 'clock-panel' });
  private readonly clockInput = h('input.input', { type: 'datetime-local', step: 60, 'data-testid': 'clock-input', 'aria-label': '业务时间' });
  private readonly jobSelect = h('select.input', { 'data-testid': 'job-select', 'aria-label': '定时任务' });
  private readonly jobAt = h('input.input', { type: 'datetime-local', step: 60, 'data-testid': 'job-at', 'aria-label': '运行时刻' });
  private readonly force = h('input', { type: 'checkbox', 'data-testid': 'job-force' });
  private readonly result = h('div.job-result', { 'data-testid': 'job-result', 'aria-live': 'polite' });

  constructor(private readonly onChange: () => void) {
    const toggle = h('button.clock-btn', { type: 'button', 'data-testid': 'clock-toggle', title: '业务时间：点此调整时间、运行定时任务', onclick: () => this.toggle() }, h('span.clock-icon', { 'aria-hidden': 'true' }, '🕘'), this.dateEl, this.shortDateEl, this.timeEl);
    const quick = (label: string, ms: (now: Date) => Date) => h('button.btn.btn-default', { type: 'button', onclick: () => void this.set(ms(this.now()).toISOString()) }, label);
    const tomorrowNine = (now: Date) => {
      const next = new Date(now.getTime() + 86_400_000);
      const iso = wallToIso(`${wallTime(next, this.tz).date}T09:00`, this.tz);
      return 'iso' in iso ? new Date(iso.iso) : next;
    };
    clear(this.panel,
      h('section', null,
        h('h3', null, '业务时间'),
        h('p.hint', null, '提醒、亮灯和超期都按业务时间计算。调整后时钟从新时间继续走。'),
        h('div.row', null, this.clockInput, h('button.btn.btn-primary_filled', { type: 'button', 'data-testid': 'clock-set', onclick: () => this.setFromInput() }, '设为此时间')),
        h('div.row', null, quick('+1 小时', (n) => new Date(n.getTime() + 3_600_000)), quick('+1 天', (n) => new Date(n.getTime() + 86_400_000)), quick('明天 9:00', tomorrowNine))),
      h('section', null,
        h('h3', null, '运行定时任务'),
        h('p.hint', null, '按所选时刻运行一次，与定时调度做的事相同；非工作日默认不发送。'),
        h('label.field', null, h('span', null, '任务'), this.jobSelect),
        h('label.field', null, h('span', null, '运行时刻'), this.jobAt),
        h('label.check', null, this.force, ' 非工作日也运行（force）'),
        h('div.row', null, h('button.btn.btn-primary_filled', { type: 'button', 'data-testid': 'job-run', onclick: () => void this.runJob() }, '立即运行')),
        this.result),
      h('button.link.close', { type: 'button', onclick: () => this.toggle(false) }, '收起'));
    this.el = h('div.clock', null, toggle, this.panel);
    window.setInterval(() => this.paint(), 1000);
    window.setInterval(() => void this.sync(), 30_000);
  }

  now(): Date {
    return new Date(Date.now() + this.offset);
  }

  async init(): Promise<void> {
    await this.sync();
    const jobs = await api.jobs().catch(() => [] as string[]);
    clear(this.jobSelect, jobs.map((j) => h('option', { value: j }, `${JOB_LABELS[j] ?? j}（${j}）`)));
  }

  private async sync(): Promise<void> {
    const started = Date.now();
    const c = await api.clock().catch(() => null);
    if (!c) return;
    this.tz = c.tz;
    this.offset = new Date(c.now).getTime() - (started + Date.now()) / 2;
    this.paint();
  }

  private paint(): void {
    const w = wallTime(this.now(), this.tz);
    this.dateEl.textContent = `${w.date} ${w.weekday}`;
    this.shortDateEl.textContent = `${w.date.slice(5)} ${w.weekday}`;
    this.timeEl.textContent = w.time;
  }

  private toggle(open = this.panel.hidden): void {
    this.panel.hidden = !open;
    if (open) {
      this.clockInput.value = toLocalInput(this.now(), this.tz);
      this.jobAt.value = toLocalInput(this.now(), this.tz);
    }
  }

  private setFromInput(): void {
    const r = wallToIso(this.clockInput.value, this.tz);
    if ('error' in r) return toast(r.error, 'warning');
    void this.set(r.iso);
  }

  private async set(iso: string): Promise<void> {
    try {
      const r = await api.setClock(iso);
      this.offset = new Date(r.now).getTime() - Date.now();
      this.paint();
      const w = wallTime(this.now(), this.tz);
      toast(`业务时间已设为 ${w.date} ${w.weekday} ${w.time.slice(0, 5)}`, 'success');
      this.clockInput.value = toLocalInput(this.now(), this.tz);
      this.jobAt.value = this.clockInput.value; // a job run next is most likely meant for the new time
      this.onChange();
    } catch (e) {
      toast(e instanceof HttpError ? e.message : String(e), 'error');
    }
  }

  private async runJob(): Promise<void> {
    const name = this.jobSelect.value;
    const at = wallToIso(this.jobAt.value, this.tz);
    if (!name) return toast('没有可运行的任务', 'warning');
    if ('error' in at) return toast(at.error, 'warning');
    clear(this.result, h('span.muted', null, `正在运行 ${name}…`));
    try {
      const run = await api.runJob(name, at.iso, this.force.checked);
      this.showRun(run, at.iso);
      toast(run.status === 'ok' ? `已运行：${JOB_LABELS[name] ?? name}` : run.status === 'skipped' ? `未运行：${reasonOf(run)}` : `运行出错：${run.error ?? ''}`, run.status === 'ok' ? 'success' : run.status === 'skipped' ? 'warning' : 'error');
      this.onChange();
    } catch (e) {
      clear(this.result, h('span.error', null, (e as Error).message));
      toast((e as Error).message, 'error');
    }
  }

  private showRun(run: JobRun, iso: string): void {
    const w = wallTime(new Date(iso), this.tz);
    const status = { ok: '✓ 已运行', skipped: '— 未运行', error: '✕ 出错', running: '… 运行中' }[run.status];
    const details = run.result && typeof run.result === 'object' ? Object.entries(run.result as Record<string, unknown>) : [];
    clear(this.result,
      h(`div.run-status.run-${run.status}`, { 'data-status': run.status }, `${status} ${run.name}（${w.date} ${w.weekday} ${w.time.slice(0, 5)}）`),
      run.error ? h('div.error', null, run.error) : null,
      details.length ? h('dl.run-details', null, details.map(([k, v]) => [h('dt', null, RESULT_LABELS[k] ?? k), h('dd', null, typeof v === 'object' ? JSON.stringify(v) : String(v))])) : null);
  }
}

function reasonOf(run: JobRun): string {
  const r = run.result as { reason?: unknown } | undefined;
  return typeof r?.reason === 'string' ? r.reason : run.status;
}
