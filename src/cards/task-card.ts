import type { Light } from '../domain/lights';
import { LIGHT_EMOJI } from '../domain/lights';
import type { Org } from '../domain/org';
import { pendingRequest, STATE_LABEL, type AuditEntry, type Evidence, type Task, type TaskRequest } from '../domain/task';
import type { LocalDate } from '../domain/time';
import { cardValue, type CardActionName, type CardValue } from './actions';
import { cut, DEFAULT_TZ, monthDayText, LIGHT_HEADER, lightTag, momentText, progressBar, STATE_TAG_COLOR, summaryText, type Tag } from './common';
import { renderCard, type Card } from './template';

/**
 * The task card (督办单), docs/rules.md#cards-and-buttons: the unit copy (签收, then 反馈进度 / 申请办结 / 申请延期 / 申请提级协调,
 * each opening its form in place) and the group copy (催办, 撤销, and one review form for whatever
 * requests are pending). Wording and layout live in cards/task.json; this file decides what shows.
 *
 * Buttons that open a form carry the same action as the form's submit button plus `x: 'form'`;
 * a submit carries it without `x` and brings `form_value`.
 */
export type TaskCardMode = 'main' | 'progress' | 'submit' | 'extension' | 'escalation';

export interface UnitOption {
  code: string;
  name: string;
}

export interface TaskCardContext {
  org: Org;
  /** `co`: a co-unit's copy, which offers only what a co-unit may do (反馈进度). */
  view: 'unit' | 'co' | 'group';
  light: Light;
  today: LocalDate;
  mode?: TaskCardMode;
  /** A transient line shown on top, e.g. a validation message after a bad submit. */
  note?: string;
  /** The escalation form's `units` options; default: every unit of `org`. */
  unitOptions?: UnitOption[];
  /** Time zone for the times shown (default Asia/Shanghai). */
  tz?: string;
  /** How many history lines to show (1–3, default 3). */
  historyLines?: number;
  /** The day 签收 is due (domain/reminders signDeadline); shown while the task awaits 签收. */
  signBy?: LocalDate;
}

/** Above this many unit options the escalation form takes unit names as text (Feishu caps a card at 200 elements). */
export const MAX_UNIT_OPTIONS = 120;

const LIMIT = { title: 120, content: 1200, report: 500, request: 400, note: 200, history: 80, milestone: 60 };

const HISTORY_WORDS: Record<string, string> = {
  dispatch: '派发',
  create: '派发',
  accept: '签收',
  progress: '反馈进度',
  submit: '申请办结',
  approve: '审核通过，已办结',
  return: '退回办结申请',
  request_extension: '申请延期',
  decide_extension: '审核延期申请',
  request_escalation: '申请提级协调',
  decide_escalation: '审核提级协调申请',
  raise_escalation: '发起提级协调',
  cancel: '撤销',
  urge: '催办',
};

export function taskCard(task: Task, ctx: TaskCardContext): Card {
  return renderCard('task', taskCardVars(task, ctx));
}

export function taskCardVars(task: Task, ctx: TaskCardContext): Record<string, unknown> {
  const { org, light, today } = ctx;
  const tz = ctx.tz ?? DEFAULT_TZ;
  const who = (code: string) => (code === 'system' ? '系统' : org.personName(code));
  const when = (at: Date) => momentText(at, tz, today);
  const group = org.group(task.group);
  const stateTag: Tag = { text: STATE_LABEL[task.state], color: STATE_TAG_COLOR[task.state] };
  const extra: Tag | null = task.strict ? { text: '从严督促', color: 'carmine' } : task.priority !== '一般' ? { text: task.priority, color: task.priority === '紧急' ? 'red' : 'orange' } : null;
  const closedOrCancelled = task.state === 'closed' || task.state === 'cancelled';
  const lt = closedOrCancelled ? null : lightTag(light);
  const title = cut(task.title, LIMIT.title, true);
  const report = task.reports.length ? task.reports[task.reports.length - 1] : undefined;
  const close = task.state === 'submitted' ? pendingRequest(task, 'close') : undefined;
  const extension = closedOrCancelled ? undefined : pendingRequest(task, 'extension');
  const escalation = closedOrCancelled ? undefined : pendingRequest(task, 'escalation');
  const lines = Math.max(1, Math.min(3, ctx.historyLines ?? 3));

  return {
    summary: summaryText(`督办单 ${task.code}｜${STATE_LABEL[task.state]}${lt ? ` ${lt.text}` : ''}｜${title}`),
    code: task.code,
    color: closedOrCancelled ? 'grey' : LIGHT_HEADER[light.color] === 'grey' ? 'blue' : LIGHT_HEADER[light.color],
    tags: [stateTag, lt, extra].filter((t): t is Tag => t !== null),
    note: ctx.note ? cut(ctx.note, LIMIT.note) : null,
    title,
    plainTitle: cut(task.title, 40, true),
    category: task.categoryLabel ?? task.category,
    priority: task.priority,
    source: task.sourceLabel ?? task.source,
    sourceFile: task.sourceFile ? cut(task.sourceFile.name, 60) : null,
    groupName: group?.name ?? task.group,
    dispatcherName: who(task.dispatcher),
    dispatchedAt: when(task.dispatchedAt),
    content: cut(task.content, LIMIT.content) || '（未填写）',
    leadUnit: org.unitName(task.leadUnit),
    coUnits: task.coUnits.map((u) => org.unitName(u)).join('、') || '无',
    deadline: task.deadline,
    signBy: task.state === 'dispatched' && ctx.signBy ? monthDayText(ctx.signBy, today) : null,
    extended: task.originalDeadline !== task.deadline,
    originalDeadline: task.originalDeadline,
    lightEmoji: LIGHT_EMOJI[light.color],
    lightReason: light.reason,
    progress: task.progress,
    progressText: String(task.progress),
    bar: progressBar(task.progress),
    returns: task.returns,
    milestones: task.milestones.map((m) => ({ mark: m.date < today ? '☑️' : '🔹', date: m.date, label: cut(m.label, LIMIT.milestone, true) })),
    report: report
      ? {
          unit: org.unitName(report.unit),
          who: who(report.by),
          at: when(report.at),
          count: task.reports.length,
          percent: report.percent,
          content: cut(report.content, LIMIT.report) || '（见佐证材料）',
        }
      : null,
    evidence: taskEvidenceText(task.reports.flatMap((r) => r.evidence)),
    close: close ? { who: who(close.by), at: when(close.at), content: cut(close.content, LIMIT.request) } : null,
    extension: extension
      ? { who: who(extension.by), at: when(extension.at), from: task.deadline, to: extension.newDeadline ?? '?', reason: cut(extension.reason, LIMIT.request) }
      : null,
    escalation: escalation
      ? { who: who(escalation.by), at: when(escalation.at), reason: cut(escalation.reason, LIMIT.request), units: (escalation.units ?? []).map((u) => org.unitName(u)).join('、') || '未指定' }
      : null,
    history: task.history.slice(-lines).map((h) => ({ at: when(h.at), who: who(h.by), text: historyText(h) })),
    unitOptions: unitOptionsOf(ctx),
    ...actions(task, ctx, { close, extension, escalation }),
  };
}

interface Pending {
  close?: TaskRequest;
  extension?: TaskRequest;
  escalation?: TaskRequest;
}

function actions(task: Task, ctx: TaskCardContext, p: Pending): Record<string, unknown> {
  const v = (a: CardActionName, extra: Partial<CardValue> = {}): CardValue => cardValue(a, { c: task.code, s: task.state, ...extra });
  const open = task.state === 'dispatched' || task.state === 'in_progress' || task.state === 'submitted';
  const inProgress = task.state === 'in_progress';
  let mode = ctx.mode ?? 'main';
  const coOpen = ctx.view === 'co' && (task.state === 'dispatched' || inProgress);
  if (ctx.view === 'co') mode = coOpen && mode === 'progress' ? 'progress' : 'main';
  else if (ctx.view !== 'unit' || !inProgress) mode = 'main';
  if ((mode === 'extension' && p.extension) || (mode === 'escalation' && p.escalation)) mode = 'main';
  const options = unitOptionsOf(ctx);
  const unit =
    ctx.view === 'unit'
      ? {
          accept: task.state === 'dispatched',
          main: inProgress && mode === 'main',
          waiting: task.state === 'submitted',
          extensionPending: Boolean(p.extension),
          escalationPending: Boolean(p.escalation),
          progress: mode === 'progress',
          submit: mode === 'submit',
          extension: mode === 'extension',
          escalation: mode === 'escalation',
          unitSelect: mode === 'escalation' && options.length > 0 && options.length <= MAX_UNIT_OPTIONS,
          unitText: mode === 'escalation' && (options.length === 0 || options.length > MAX_UNIT_OPTIONS),
          back: mode !== 'main',
        }
      : ctx.view === 'co'
        ? { coMain: coOpen && mode === 'main', coNote: coOpen, progress: mode === 'progress', back: mode !== 'main' }
        : {};
  const group =
    ctx.view === 'group' && open
      ? {
          buttons: true,
          form: Boolean(p.close || p.extension || p.escalation),
          close: Boolean(p.close),
          opinion: Boolean(p.extension || p.escalation),
          extension: Boolean(p.extension),
          escalation: Boolean(p.escalation),
        }
      : {};
  const values = {
    accept: v('task.accept'),
    progressForm: v('task.progress', { x: 'form' }),
    submitForm: v('task.submit', { x: 'form' }),
    extensionForm: v('task.extension', { x: 'form' }),
    escalationForm: v('task.escalation', { x: 'form' }),
    progress: v('task.progress'),
    submit: v('task.submit'),
    extension: v('task.extension'),
    escalation: v('task.escalation'),
    back: v('task.back'),
    urge: v('task.urge'),
    cancel: v('task.cancel'),
    approve: v('task.approve', { r: p.close?.id }),
    return: v('task.return', { r: p.close?.id }),
    extensionApprove: v('task.extension_approve', { r: p.extension?.id }),
    extensionReject: v('task.extension_reject', { r: p.extension?.id }),
    escalationAccept: v('task.escalation_accept', { r: p.escalation?.id }),
    escalationDecline: v('task.escalation_decline', { r: p.escalation?.id }),
  };
  for (const value of Object.values(values)) if (value.r === undefined) delete value.r;
  return { unit, group, values };
}

function unitOptionsOf(ctx: TaskCardContext): UnitOption[] {
  return ctx.unitOptions ?? ctx.org.units.map((u) => ({ code: u.code, name: u.name }));
}

/** `图片 2 · 文件 1 · 文号 1（梅政〔2026〕12号） · 链接 1`, or null without evidence. */
export function evidenceText(evidence: Evidence[]): string | null {
  if (!evidence.length) return null;
  const n = { image: 0, file: 0, docno: 0, link: 0 };
  for (const e of evidence) n[e.kind]++;
  const docnos = evidence.filter((e) => e.kind === 'docno' && e.text).map((e) => cut(e.text, 30, true));
  const parts = [
    n.image ? `图片 ${n.image}` : '',
    n.file ? `文件 ${n.file}` : '',
    n.docno ? `文号 ${n.docno}${docnos.length ? `（${docnos.slice(0, 2).join('、')}${docnos.length > 2 ? `…等 ${docnos.length} 项` : ''}）` : ''}` : '',
    n.link ? `链接 ${n.link}` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

/** Every piece of evidence the task's reports brought: `佐证材料（共 4 项）：图片 1 · 文件 1 · 文号 1（梅政〔2026〕12号） · 链接 1`. */
export function taskEvidenceText(evidence: Evidence[]): string | null {
  const text = evidenceText(evidence);
  return text ? `佐证材料（共 ${evidence.length} 项）：${text}` : null;
}

/** `已记录 DB-… 的进度 60%，附 1 项佐证（本事项共 3 项），卡片已更新。` */
export function progressReplyText(code: string, percent: number, added: number, total: number): string {
  const ev = added ? `，附 ${added} 项佐证（本事项共 ${total} 项）` : total ? `，本事项共 ${total} 项佐证材料` : '';
  return `已记录 ${code} 的进度 ${percent}%${ev}，卡片已更新。`;
}

function historyText(h: AuditEntry): string {
  const word = HISTORY_WORDS[h.action] ?? h.action;
  return h.note ? `${word}：${cut(h.note, LIMIT.history, true)}` : word;
}
