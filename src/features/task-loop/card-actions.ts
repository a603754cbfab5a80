import { z } from 'zod';
import type { ActionContext, CardAnswer, ToastType } from '../../app/card-handler';
import type { AppDeps } from '../../app/deps';
import type { TaskService } from '../../app/task-service';
import type { Card, CardViews, TaskCardMode, TaskView } from '../../app/views';
import { matchUnit } from '../../domain/dispatch';
import { officialUnits } from '../../domain/org';
import { MY_TASKS_REFUSAL } from '../../domain/permissions';
import type { TaskState } from '../../domain/task';
import type { TaskCommand } from '../../domain/task-actions';

/**
 * The task card's buttons (docs/rules.md#tasks-and-their-states), each with a zod schema for its form,
 * and 刷新 on the 我的任务 card. The operator comes from the callback's open_id; the value only says
 * what was pressed.
 */
type Handler = (ctx: ActionContext) => Promise<CardAnswer>;

const text = (msg: string) => z.preprocess((v) => (v === undefined || v === null ? '' : String(v)), z.string().trim().min(1, msg));
const optionalText = z.preprocess((v) => (v === undefined || v === null ? '' : String(v)), z.string().trim());

const FORMS = {
  progress: z.object({
    progress: z.preprocess((v) => String(v ?? '').replace(/[%％\s]/g, ''), z.string().regex(/^\d{1,3}$/, '进度请填写 0 到 100 之间的整数').transform(Number).pipe(z.number().max(100, '进度不能超过 100'))),
    content: text('请写明进展情况'),
  }),
  submit: z.object({ content: text('请写明完成情况') }),
  extension: z.object({ new_deadline: z.preprocess((v) => String(v ?? '').slice(0, 10), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '请选择新的截止日期')), reason: text('请写明延期理由') }),
  escalation: z.object({ reason: text('请写明需要协调的问题'), units: z.preprocess((v) => (Array.isArray(v) ? v : typeof v === 'string' && v ? v.split(/[,，、]/) : []), z.array(z.string())) }),
  return: z.object({ reason: text('退回请填写理由') }),
  opinion: z.object({ opinion: text('请填写意见') }),
  optionalOpinion: z.object({ opinion: optionalText }),
};

/** The lists a 刷新 button may refresh (the button's `x`). */
const LIST = z.object({ x: z.enum(['my_tasks'], { error: '无法识别要刷新的列表，请重新发送“我的任务”。' }).default('my_tasks') });

function firstIssue(e: z.ZodError): string {
  return e.issues[0]?.message ?? '填写有误';
}

export class TaskCardActions {
  constructor(
    private readonly deps: AppDeps,
    private readonly views: CardViews,
    private readonly taskService: TaskService,
  ) {}

  /** The buttons by action name. */
  handlers(): Record<string, Handler> {
    return {
      'task.accept': (c) => this.taskCommand(c, { type: 'accept' }),
      // keyed by the event: a press run again (Bot retries a held click) is recorded once
      'task.progress': (c) => this.withForm(c, 'progress', FORMS.progress, (f) => ({ type: 'progress', percent: f.progress, content: f.content, evidence: [], via: 'card' })),
      'task.submit': (c) => this.withForm(c, 'submit', FORMS.submit, (f) => ({ type: 'submit', content: f.content })),
      'task.extension': (c) => this.withForm(c, 'extension', FORMS.extension, (f) => ({ type: 'request_extension', newDeadline: f.new_deadline, reason: f.reason })),
      'task.escalation': (c) => this.escalation(c),
      'task.back': (c) => this.showTask(c, 'main'),
      'task.urge': (c) => this.taskCommand(c, { type: 'urge' }),
      'task.cancel': (c) => this.taskCommand(c, { type: 'cancel' }),
      'task.approve': (c) => this.taskCommand(c, { type: 'approve', requestId: c.value.r }),
      'task.return': (c) => this.review(c, FORMS.return, (f) => ({ type: 'return', reason: f.reason, requestId: c.value.r })),
      'task.extension_approve': (c) => this.review(c, FORMS.optionalOpinion, (f) => ({ type: 'decide_extension', approve: true, opinion: f.opinion, requestId: c.value.r })),
      'task.extension_reject': (c) => this.review(c, FORMS.optionalOpinion, (f) => ({ type: 'decide_extension', approve: false, opinion: f.opinion, requestId: c.value.r })),
      'task.escalation_accept': (c) => this.review(c, FORMS.opinion, (f) => ({ type: 'decide_escalation', accept: true, opinion: f.opinion, requestId: c.value.r })),
      'task.escalation_decline': (c) => this.review(c, FORMS.opinion, (f) => ({ type: 'decide_escalation', accept: false, opinion: f.opinion, requestId: c.value.r })),
      'list.refresh': (c) => this.refreshList(c),
    };
  }

  private async escalation(c: ActionContext): Promise<CardAnswer> {
    const org = await this.deps.orgs.get();
    // with many units the form asks for names as text instead of a select: resolve them either way
    const units = (u: string[]) => u.map((x) => x.trim()).filter(Boolean).map((x) => org.unit(x)?.code ?? (matchUnit(x, org) as { unit?: { code: string } }).unit?.code ?? x);
    return this.withForm(c, 'escalation', FORMS.escalation, (f) => ({ type: 'request_escalation', reason: f.reason, units: units(f.units) }));
  }

  private answer(type: ToastType, content: string, card?: Card): CardAnswer {
    return card ? { toast: { type, content }, card: { type: 'raw', data: card } } : { toast: { type, content } };
  }

  /** Which copy of the task card was pressed (unit, co or group), from the message it sits on (by `_id`). */
  private async viewOf(messageId: string, fallback: TaskView): Promise<TaskView> {
    const copy = await this.deps.cards.sentAs(messageId);
    return copy?.view === 'group' || copy?.view === 'unit' || copy?.view === 'co' ? copy.view : fallback;
  }

  /** The pressed copy of the task card as it is now: the task and the copy's view read side by side. */
  private async currentCard(c: ActionContext, mode: TaskCardMode = 'main', note?: string): Promise<Card | undefined> {
    if (!c.value.c) return undefined;
    const [task, view] = await Promise.all([this.deps.tasks.get(c.value.c), this.viewOf(c.action.messageId, 'unit')]);
    return task ? this.views.task(task, view, { mode, note }) : undefined;
  }

  private async showTask(c: ActionContext, mode: TaskCardMode): Promise<CardAnswer> {
    const card = await this.currentCard(c, mode);
    return card ? this.answer('info', mode === 'main' ? '已返回' : '请填写后提交', card) : this.answer('error', '找不到这个督办单。');
  }

  /**
   * A task command from a card, in as few round trips as the data allows (docs/architecture.md#a-card-click-in-four-round-trips):
   * the pressed copy's view is read beside the task's lock; the answer card is built from the task the
   * change returns; the relay to the outbox and the other copies' updates follow the answer.
   */
  private async taskCommand(c: ActionContext, cmd: TaskCommand, modeOnError: TaskCardMode = 'main'): Promise<CardAnswer> {
    if (!c.value.c) return this.answer('error', '按钮缺少督办单编号，请刷新卡片。');
    const view = this.viewOf(c.action.messageId, 'unit');
    view.catch(() => undefined); // awaited below; a failed press must not leave it unhandled
    // the press's own event id: run again (a held click retried), the command is refused, not applied twice
    const { result: r, task } = await this.taskService.press(c.value.c, { source: `card:${c.action.eventId}`, ...cmd }, c.person, c.value.s as TaskState | undefined);
    const card = async (mode: TaskCardMode, note?: string) => (task ? this.views.task(task, await view, { mode, note }) : undefined);
    if (r.ok) return this.answer('success', r.toast, await card('main'));
    const type: ToastType = r.kind === 'stale' ? 'warning' : 'error';
    const mode = r.kind === 'invalid' ? modeOnError : 'main';
    return this.answer(type, r.message, await card(mode, r.kind === 'invalid' ? r.message : undefined));
  }

  /** A unit-copy button: with its form filled in it applies; pressed alone it opens its form on the card. */
  private async withForm<S extends z.ZodTypeAny>(c: ActionContext, mode: TaskCardMode, schema: S, toCmd: (f: z.infer<S>) => TaskCommand): Promise<CardAnswer> {
    // pressed alone (no form values) it opens its form; with values, wherever they come from, it applies
    if (!Object.keys(c.form).length) return this.showTask(c, mode);
    const f = schema.safeParse(c.form);
    if (!f.success) return this.answer('error', firstIssue(f.error), await this.currentCard(c, mode, firstIssue(f.error)));
    return this.taskCommand(c, toCmd(f.data), mode);
  }

  private async review<S extends z.ZodTypeAny>(c: ActionContext, schema: S, toCmd: (f: z.infer<S>) => TaskCommand): Promise<CardAnswer> {
    const f = schema.safeParse(c.form);
    if (!f.success) return this.answer('error', firstIssue(f.error), await this.currentCard(c, 'main', firstIssue(f.error)));
    return this.taskCommand(c, toCmd(f.data));
  }

  /** 刷新 on the 我的任务 card: the list as it is now, for whoever pressed it (a copy forwarded to someone else shows their own unit). */
  private async refreshList(c: ActionContext): Promise<CardAnswer> {
    const f = LIST.safeParse({ x: c.value.x });
    if (!f.success) return this.answer('error', firstIssue(f.error));
    if (!officialUnits(c.person).length) return this.answer('error', MY_TASKS_REFUSAL);
    return this.answer('success', '已刷新', await this.views.myTasks(c.person));
  }
}
