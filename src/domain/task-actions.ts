import { LIMITS, limitMessage } from '../limits';
import type { WorkCalendar } from './calendar';
import type { Org, Person } from './org';
import { refusal, supervisesGroup, type TaskAction } from './permissions';
import { isOpen, nextSeq, pendingRequest, STATE_LABEL, type AuditEntry, type Evidence, type Task, type TaskRequest, type TaskState } from './task';
import { isLocalDate, localDate, shortDate, type LocalDate } from './time';

/**
 * The closed loop (docs/rules.md#tasks-and-their-states) as pure functions: a command on a task gives the new task, the audit entry
 * and what people must be told — or a refusal. The caller persists and sends.
 */
/**
 * `source`: what it was asked from — the chat message id, or `card:<event id>` for a card — kept on its
 * audit entry (a progress report also on the report), so a command handled again (a redelivery, a held
 * click retried) is refused instead of applied twice.
 */
export type TaskCommand = (
  | { type: 'accept' }
  | { type: 'progress'; percent: number; content: string; evidence: Evidence[]; via: 'card' | 'reply' | 'command' }
  | { type: 'submit'; content: string }
  | { type: 'approve'; requestId?: string }
  | { type: 'return'; reason: string; requestId?: string }
  | { type: 'request_extension'; newDeadline: LocalDate; reason: string }
  | { type: 'decide_extension'; approve: boolean; opinion?: string; requestId?: string }
  | { type: 'request_escalation'; reason: string; units: string[] }
  | { type: 'decide_escalation'; accept: boolean; opinion: string; requestId?: string }
  | { type: 'cancel'; reason?: string }
  | { type: 'urge'; note?: string }
) & { source?: string };

/** Something to tell people beyond updating the task's cards (which always happens). */
export type Notice =
  | { to: 'unit'; text: string; urgent?: boolean }
  | { to: 'group'; text: string }
  | { to: 'urge_card'; note?: string }
  | { to: 'escalation_accepted'; request: TaskRequest; opinion: string };

export interface ActionContext {
  at: Date;
  actor: Person;
  org: Org;
  tz: string;
  cal: WorkCalendar;
  /** The state the card showed when the button was pressed (stale-button detection), if any. */
  expectState?: TaskState;
}

export type Refusal = { ok: false; kind: 'forbidden' | 'invalid' | 'stale'; message: string };
export type Outcome = { ok: true; task: Task; entry: AuditEntry; notices: Notice[]; toast: string } | Refusal;

const PERMISSION: Record<TaskCommand['type'], TaskAction> = {
  accept: 'accept',
  progress: 'progress',
  submit: 'submit',
  approve: 'approve',
  return: 'return',
  request_extension: 'request_extension',
  decide_extension: 'decide_extension',
  request_escalation: 'request_escalation',
  decide_escalation: 'decide_escalation',
  cancel: 'cancel',
  urge: 'urge',
};

const ALLOWED_STATES: Record<TaskCommand['type'], TaskState[]> = {
  accept: ['dispatched'],
  progress: ['dispatched', 'in_progress'],
  submit: ['in_progress'],
  approve: ['submitted'],
  return: ['submitted'],
  request_extension: ['dispatched', 'in_progress'],
  decide_extension: ['dispatched', 'in_progress', 'submitted'],
  request_escalation: ['dispatched', 'in_progress'],
  decide_escalation: ['dispatched', 'in_progress', 'submitted'],
  cancel: ['dispatched', 'in_progress', 'submitted'],
  urge: ['dispatched', 'in_progress', 'submitted'],
};

const invalid = (message: string): Refusal => ({ ok: false, kind: 'invalid', message });
/** The refusal of a command already applied from the same source (its own words where they read better). */
const ALREADY: Partial<Record<TaskCommand['type'], string>> = { progress: '这条进度反馈已记录。', urge: '这次催办已发出。' };
const stale = (message: string): Refusal => ({ ok: false, kind: 'stale', message });

export function applyTaskCommand(task: Task, cmd: TaskCommand, ctx: ActionContext): Outcome {
  // a supervisor may raise an escalation on a task of their group (docs/rules.md#escalation)
  const action = cmd.type === 'request_escalation' && supervisesGroup(ctx.actor, task.group, ctx.org) ? 'raise_escalation' : PERMISSION[cmd.type];
  const denied = refusal(ctx.actor, action, task, ctx.org);
  if (denied) return { ok: false, kind: 'forbidden', message: denied };
  if (ctx.expectState && ctx.expectState !== task.state) {
    return stale(`${task.code} 已是“${STATE_LABEL[task.state]}”，此按钮已失效，卡片已刷新为最新状态。`);
  }
  if (cmd.source && task.history.some((h) => h.source === cmd.source)) return stale(ALREADY[cmd.type] ?? `${task.code} 的这次${verb(cmd)}已处理。`);
  if (!ALLOWED_STATES[cmd.type].includes(task.state)) {
    // STATE_LABEL of a finished task already says 已 (已办结, 已撤销)
    return isOpen(task) ? invalid(`${task.code} 当前为“${STATE_LABEL[task.state]}”，不能${verb(cmd)}。`) : stale(`${task.code} ${STATE_LABEL[task.state]}，无需再${verb(cmd)}。`);
  }
  const tooLong = overlongText(cmd);
  if (tooLong) return invalid(tooLong);
  const r = step(task, cmd, ctx);
  if (!r.ok) return r;
  const next: Task = { ...task, ...r.changes, rev: task.rev + 1 };
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const k of Object.keys(r.changes) as (keyof Task)[]) {
    if (k === 'reports' || k === 'requests' || k === 'history') continue;
    before[k] = task[k];
    after[k] = next[k];
  }
  const entry: AuditEntry = { seq: nextSeq(task), at: ctx.at, by: ctx.actor.code, action: cmd.type, note: r.note, before, after, ...(cmd.source ? { source: cmd.source } : {}) };
  next.history = [...task.history, entry];
  return { ok: true, task: next, entry, notices: r.notices, toast: r.toast };
}

type Step = { ok: true; changes: Partial<Task>; notices: Notice[]; toast: string; note?: string } | Refusal;

/** One function per command: the changes, the notices it owes and the toast (docs/rules.md#tasks-and-their-states). */
type Steps = { [K in TaskCommand['type']]: (t: Task, cmd: Extract<TaskCommand, { type: K }>, ctx: StepContext) => Step };
interface StepContext extends ActionContext {
  /** The lead unit's name, as notices say it. */
  unitName: string;
}

const STEPS: Steps = {
  accept: (t, _cmd, ctx) => {
    const { at, actor, unitName } = ctx;
    return { ok: true, changes: { state: 'in_progress', acceptedAt: at, acceptedBy: actor.code }, notices: [{ to: 'group', text: `${unitName} 已签收 ${t.code}「${t.title}」（${actor.name}）` }], toast: '已签收' };
  },
  progress: (t, cmd, ctx) => {
    const { at, actor, org } = ctx;
    if (!Number.isInteger(cmd.percent) || cmd.percent < 0 || cmd.percent > 100) return invalid('进度请填写 0 到 100 之间的整数，例如 60。');
    const content = cmd.content.trim();
    if (!content && !cmd.evidence.length) return invalid('请写明进展情况，例如“已完成3户签约”。');
    if (cmd.source && t.reports.some((r) => r.source === cmd.source)) return stale(ALREADY.progress!); // a report from before its history entry kept the source
    const unit = actorUnit(t, actor);
    const report = { at, by: actor.code, unit, percent: cmd.percent, content, evidence: cmd.evidence, via: cmd.via, ...(cmd.source ? { source: cmd.source } : {}) };
    const isLead = unit === t.leadUnit;
    const changes: Partial<Task> = { reports: [...t.reports, report] };
    if (isLead) changes.progress = cmd.percent;
    if (isLead && t.state === 'dispatched') Object.assign(changes, { state: 'in_progress', acceptedAt: at, acceptedBy: actor.code });
    // the report holds what was said; the record names it instead of storing the text a second time
    const note = `${org.unitName(unit)} ${cmd.percent}%，见第 ${t.reports.length + 1} 条进度反馈${cmd.evidence.length ? `（附 ${cmd.evidence.length} 项佐证）` : ''}`;
    return { ok: true, changes, notices: [], toast: `已记录进度 ${cmd.percent}%`, note };
  },
  submit: (t, cmd, ctx) => {
    const { at, unitName } = ctx;
    const content = cmd.content.trim();
    if (!content) return invalid('申请办结请写明完成情况。');
    const req = newRequest(t, 'close', ctx, { content });
    return {
      ok: true,
      changes: { state: 'submitted', submittedAt: at, requests: [...t.requests, req] },
      notices: [{ to: 'group', text: `${unitName} 申请办结 ${t.code}「${t.title}」，请审核。完成情况：${content}` }],
      toast: '已提交办结申请，等待督导组审核',
      note: content,
    };
  },
  approve: (t, cmd, ctx) => {
    const { at } = ctx;
    const req = pendingRequest(t, 'close');
    if (cmd.requestId && req?.id !== cmd.requestId) return stale('此办结申请已处理，卡片已刷新。');
    return {
      ok: true,
      changes: { state: 'closed', closedAt: at, progress: 100, requests: decide(t, req, 'approved', ctx) },
      notices: [{ to: 'unit', text: `${t.code}「${t.title}」审核通过，已办结销号。` }],
      toast: '审核通过，已办结',
    };
  },
  return: (t, cmd, ctx) => {
    const reason = cmd.reason.trim();
    if (!reason) return invalid('退回请写明理由（reason）。');
    const req = pendingRequest(t, 'close');
    if (cmd.requestId && req?.id !== cmd.requestId) return stale('此办结申请已处理，卡片已刷新。');
    return {
      ok: true,
      changes: { state: 'in_progress', returns: t.returns + 1, requests: decide(t, req, 'rejected', ctx, reason) },
      notices: [{ to: 'unit', text: `${t.code}「${t.title}」办结申请被退回，请继续办理。理由：${reason}` }],
      toast: '已退回',
      note: reason,
    };
  },
  request_extension: (t, cmd, ctx) => {
    const { at, unitName } = ctx;
    const today = localDate(at, ctx.tz);
    const reason = cmd.reason.trim();
    if (!isLocalDate(cmd.newDeadline)) return invalid('新的截止日期格式不对，请用日期选择器或写成 2026-12-31。');
    if (cmd.newDeadline <= t.deadline) return invalid(`新的截止日期须晚于现在的截止日期 ${t.deadline}。`);
    if (cmd.newDeadline < today) return invalid(`新的截止日期 ${cmd.newDeadline} 已过去。`);
    if (!reason) return invalid('申请延期请写明理由（reason）。');
    if (pendingRequest(t, 'extension')) return invalid('已有一项延期申请等待审核，请勿重复申请。');
    const req = newRequest(t, 'extension', ctx, { newDeadline: cmd.newDeadline, reason });
    return {
      ok: true,
      changes: { requests: [...t.requests, req] },
      notices: [{ to: 'group', text: `${unitName} 申请将 ${t.code}「${t.title}」延期至 ${shortDate(cmd.newDeadline, today)}，理由：${reason}。请审核。` }],
      toast: '已提交延期申请，等待督导组审核',
      note: `${t.deadline} → ${cmd.newDeadline}：${reason}`,
    };
  },
  decide_extension: (t, cmd, ctx) => {
    const req = pendingRequest(t, 'extension');
    if (!req || (cmd.requestId && req.id !== cmd.requestId)) return stale('此延期申请已处理，卡片已刷新。');
    const opinion = cmd.opinion?.trim() || undefined;
    const requests = decide(t, req, cmd.approve ? 'approved' : 'rejected', ctx, opinion);
    if (!cmd.approve) {
      return { ok: true, changes: { requests }, notices: [{ to: 'unit', text: `${t.code} 延期申请未获同意，仍须在 ${t.deadline} 前完成。${opinion ? `意见：${opinion}` : ''}` }], toast: '已不同意延期', note: `不同意延期（申请延至 ${req.newDeadline}，仍为 ${t.deadline}）${opinion ? `：${opinion}` : ''}` };
    }
    return {
      ok: true,
      changes: { requests, deadline: req.newDeadline! },
      notices: [{ to: 'unit', text: `${t.code} 延期申请已同意，新的截止日期为 ${req.newDeadline}。` }],
      toast: `已同意延期至 ${req.newDeadline}`,
      note: `同意延期：${t.deadline} → ${req.newDeadline}${opinion ? `：${opinion}` : ''}`,
    };
  },
  request_escalation: (t, cmd, ctx) => {
    const { org, unitName } = ctx;
    const reason = cmd.reason.trim();
    if (!reason) return invalid('申请提级协调请写明理由（reason）：需要协调的问题是什么。');
    if (pendingRequest(t, 'escalation')) return invalid('已有一项提级协调申请等待审核，请勿重复申请。');
    const unknown = cmd.units.filter((u) => !org.unit(u));
    if (unknown.length) return invalid(`找不到涉及单位：${unknown.join('、')}。`);
    const req = newRequest(t, 'escalation', ctx, { reason, units: cmd.units });
    const involved = cmd.units.map((u) => org.unitName(u)).join('、');
    return {
      ok: true,
      changes: { requests: [...t.requests, req] },
      notices: [{ to: 'group', text: `${unitName} 就 ${t.code}「${t.title}」申请提级协调${involved ? `（涉及 ${involved}）` : ''}：${reason}。请审核：有所为·提级 或 有所不为·退回自办。` }],
      toast: '已提交提级协调申请，等待督导组审核',
      note: reason,
    };
  },
  decide_escalation: (t, cmd, ctx) => {
    const req = pendingRequest(t, 'escalation');
    if (!req || (cmd.requestId && req.id !== cmd.requestId)) return stale('此提级协调申请已处理，卡片已刷新。');
    const opinion = cmd.opinion.trim();
    if (!opinion) return invalid(cmd.accept ? '有所为·提级请写明督导组的分析和意见建议（opinion）。' : '有所不为·退回自办请写明意见（opinion）：为什么属于本单位职责、应如何办理。');
    const requests = decide(t, req, cmd.accept ? 'approved' : 'rejected', ctx, opinion);
    if (cmd.accept) {
      return { ok: true, changes: { requests }, notices: [{ to: 'escalation_accepted', request: req, opinion }, { to: 'unit', text: `${t.code} 提级协调申请已受理（有所为），已提交挂钩市领导协调。` }], toast: '有所为：已提级至挂钩市领导', note: `有所为·提级：${opinion}` };
    }
    return {
      ok: true,
      changes: { requests, strict: true },
      notices: [{ to: 'unit', text: `${t.code}「${t.title}」属于本单位职责范围（有所不为），请自行办理，督导组将从严督促。意见：${opinion}`, urgent: true }],
      toast: '有所不为：已退回单位自办，从严督促',
      note: `有所不为·退回自办：${opinion}`,
    };
  },
  cancel: (t, cmd, ctx) => {
    const { at } = ctx;
    return { ok: true, changes: { state: 'cancelled', cancelledAt: at }, notices: [{ to: 'unit', text: `${t.code}「${t.title}」已由督导组撤销，无需再办理。${cmd.reason ? `说明：${cmd.reason}` : ''}` }], toast: '已撤销', note: cmd.reason };
  },
  urge: (_t, cmd, ctx) => {
    const { unitName } = ctx;
    return { ok: true, changes: {}, notices: [{ to: 'urge_card', note: cmd.note }], toast: `已向${unitName}发出催办`, note: cmd.note };
  },
};

function step(t: Task, cmd: TaskCommand, ctx: ActionContext): Step {
  const run = STEPS[cmd.type] as (t: Task, cmd: TaskCommand, ctx: StepContext) => Step;
  return run(t, cmd, { ...ctx, unitName: ctx.org.unitName(t.leadUnit) });
}

/** The free text a command carries, with the words a refusal calls it by. */
function textOf(cmd: TaskCommand): { what: string; text?: string } | undefined {
  switch (cmd.type) {
    case 'progress':
      return { what: '进展情况', text: cmd.content };
    case 'submit':
      return { what: '完成情况', text: cmd.content };
    case 'return':
      return { what: '退回理由', text: cmd.reason };
    case 'request_extension':
      return { what: '延期理由', text: cmd.reason };
    case 'request_escalation':
      return { what: '提级协调理由', text: cmd.reason };
    case 'decide_extension':
    case 'decide_escalation':
      return { what: '审核意见', text: cmd.opinion };
    case 'cancel':
      return { what: '撤销说明', text: cmd.reason };
    case 'urge':
      return { what: '催办说明', text: cmd.note };
    default:
      return undefined;
  }
}

/** A refusal when the command's text is longer than LIMITS.noteChars (nothing is cut to fit). */
export function overlongText(cmd: TaskCommand): string | undefined {
  const t = textOf(cmd);
  const n = t?.text?.trim().length ?? 0;
  if (!t || n <= LIMITS.noteChars) return undefined;
  return `${limitMessage('noteChars', n, t.what)}，请精简后重新提交。`;
}

function verb(cmd: TaskCommand): string {
  const v: Record<TaskCommand['type'], string> = {
    accept: '签收',
    progress: '反馈进度',
    submit: '申请办结',
    approve: '审核',
    return: '退回',
    request_extension: '申请延期',
    decide_extension: '审核延期',
    request_escalation: '申请提级协调',
    decide_escalation: '审核提级协调',
    cancel: '撤销',
    urge: '催办',
  };
  return v[cmd.type];
}

function actorUnit(t: Task, actor: Person): string {
  const units = actor.roles.flatMap((r) => (r.kind === 'official' ? [r.unit] : []));
  if (units.includes(t.leadUnit)) return t.leadUnit;
  return t.coUnits.find((u) => units.includes(u)) ?? t.leadUnit; // admins report for the lead unit
}

function newRequest(t: Task, kind: TaskRequest['kind'], ctx: ActionContext, fields: Partial<TaskRequest>): TaskRequest {
  return { id: `${kind}-${t.requests.length + 1}`, kind, state: 'pending', at: ctx.at, by: ctx.actor.code, ...fields };
}

function decide(t: Task, req: TaskRequest | undefined, state: 'approved' | 'rejected', ctx: ActionContext, opinion?: string): TaskRequest[] {
  if (!req) return t.requests;
  return t.requests.map((r) => (r.id === req.id ? { ...r, state, decidedAt: ctx.at, decidedBy: ctx.actor.code, opinion } : r));
}
