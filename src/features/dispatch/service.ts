import { messageKey } from '../../app/keys';
import type { OutboxItem } from '../../app/outbox-item';
import { matchUnit, parseDispatch, type DraftTask, type ParseProblem } from '../../domain/dispatch';
import { hasRole, type Org, type Person } from '../../domain/org';
import { dispatchScope } from '../../domain/permissions';
import type { SourceFile, Task, TaskSource } from '../../domain/task';
import { isLocalDate, localDate } from '../../domain/time';
import type { AppDeps } from '../../app/deps';
import type { Preview } from '../../app/ports/previews';
import type { NewTask } from '../../app/ports/tasks';
import { groupTargets, liveCardItem, newTaskCards } from '../../app/notify';
import { limitMessage, overLimit } from '../../limits';

/**
 * 清单式派单 (docs/rules.md#the-form-the-preview-and-the-order): text → preview (nothing created) → 确认派发 creates every task, its audit entry
 * and its cards in one step per task, idempotently (origin = preview id + index), so a second click, a
 * retry or a crash half-way never makes a task twice. The dispatch form creates one task at once.
 */
export type PreviewResult = { ok: true; preview: Preview } | { ok: false; problems: ParseProblem[] } | { ok: false; refusal: string };
export type DecideResult = { ok: true; toast: string; preview: Preview; tasks: Task[] } | { ok: false; kind: 'stale' | 'forbidden' | 'invalid' | 'missing'; message: string; preview?: Preview };

/** The answer to anyone without dispatch scope, whichever way they try (paste, form, 派单 alone). */
export const DISPATCH_REFUSAL = '只有督导组成员、挂钩市领导和管理员可以派单。';

/** The reply to a 派单 that parses with problems: each once, with where it is (said once) and an example. */
export function dispatchRefusalText(problems: ParseProblem[]): string {
  const lines = problems.map((p, i) => {
    const where = p.where && !p.message.startsWith(`${p.where}：`) ? `${p.where}：` : '';
    const example = p.example && !p.message.includes(p.example) ? `\n   例如：${p.example}` : '';
    return `${i + 1}. ${where}${p.message}${example}`;
  });
  return `派单未创建，请修改后重新发送（共 ${problems.length} 处问题）：\n${lines.join('\n')}`;
}

/** What the projects feature lends the dispatch: the projects a `项目：` line may name, and the link once tasks exist. */
export interface DispatchProjects {
  named(p: Person, org: Org): Promise<{ code: string; name: string; category?: string }[]>;
  link(tasks: Task[], by: Person): Promise<void>;
}

export class DispatchService {
  /** Set by the projects feature (main.ts wires it). */
  projects?: DispatchProjects;

  constructor(private readonly deps: AppDeps) {}

  private sourceFor(p: Person): TaskSource {
    return hasRole(p, 'cityLeader') && !p.roles.some((r) => r.kind === 'supervisor') ? '领导交办' : '日常督导';
  }

  /** The group that tracks a task for a unit: the dispatcher's group, or for a leader the led group linked to the unit. */
  private trackingGroup(p: Person, scopeGroup: string, unit: string, org: Org): string {
    if (hasRole(p, 'cityLeader') && !p.roles.some((r) => r.kind === 'supervisor')) {
      const led = org.groupsLedBy(p.code);
      return (led.find((g) => g.units.includes(unit)) ?? led[0])?.code ?? scopeGroup;
    }
    return scopeGroup;
  }

  /** `at.sourceFile`: the order was read from this file (features/file-dispatch); every task it creates keeps it. */
  async preview(p: Person, body: string, at: { chatId: string; messageId: string; sourceFile?: SourceFile }): Promise<PreviewResult> {
    const org = await this.deps.orgs.get();
    const scope = dispatchScope(p, org);
    if (!scope) return { ok: false, refusal: DISPATCH_REFUSAL };
    const { settings, cal, clock } = this.deps;
    const now = clock.now();
    const parsed = parseDispatch(body, {
      now,
      tz: settings.tz,
      calendar: cal,
      org,
      allowedUnits: scope.units,
      categories: settings.categories,
      defaultSource: this.sourceFor(p),
      meetingSource: settings.meetingSource,
      projects: this.projects ? await this.projects.named(p, org) : [],
    });
    if (!parsed.ok) return { ok: false, problems: parsed.problems };
    const preview: Preview = {
      _id: messageKey('pv', at.messageId),
      dispatcher: p.code,
      group: scope.group,
      chatId: at.chatId,
      sourceMessageId: at.messageId,
      ...(at.sourceFile ? { sourceFile: at.sourceFile } : {}),
      drafts: parsed.tasks.map((d) => ({ ...d, group: this.trackingGroup(p, scope.group, d.leadUnit, org) })),
      source: this.sourceFor(p),
      state: 'pending',
      codes: [],
      createdAt: now,
    };
    // the same message delivered twice: the same preview
    return { ok: true, preview: await this.deps.previews.add(preview) };
  }

  async getPreview(id: string): Promise<Preview | null> {
    return this.deps.previews.get(id);
  }

  async decide(id: string, p: Person, confirm: boolean): Promise<DecideResult> {
    return this.deps.locks.withLock(`preview:${id}`, async () => {
      const preview = await this.getPreview(id);
      if (!preview) return { ok: false, kind: 'missing', message: '找不到这份派单预览，请重新派单。' };
      const org = await this.deps.orgs.get();
      if (preview.dispatcher !== p.code && !hasRole(p, 'admin') && !p.roles.some((r) => r.kind === 'supervisor' && r.group === preview.group)) {
        return { ok: false, kind: 'forbidden', message: '只有派单人或同一督导组的成员可以确认或取消这份派单。', preview };
      }
      if (preview.state === 'confirmed') return { ok: false, kind: 'stale', message: `这份派单已派发（${preview.codes.join('、')}），不会重复创建。`, preview };
      if (preview.state === 'cancelled') return { ok: false, kind: 'stale', message: '这份派单已取消，未创建任何事项；如需派发请重新派单。', preview };
      const now = this.deps.clock.now();
      if (!confirm) {
        await this.deps.previews.decide(id, { state: 'cancelled', decidedAt: now, decidedBy: p.code });
        return { ok: true, toast: '已取消，未创建任何事项', preview: { ...preview, state: 'cancelled' }, tasks: [] };
      }
      const today = localDate(now, this.deps.settings.tz);
      const past = preview.drafts.filter((d) => d.deadline < today);
      if (past.length) return { ok: false, kind: 'invalid', message: `${past.map((d) => d.ref).join('、')}的截止日期已过，请重新派单。`, preview };
      const order = preview.drafts.length > 1 ? id : undefined;
      const tasks = await this.create(
        preview.drafts.map((d, i) => ({ draft: d, origin: `preview:${id}:${i}`, group: d.group })),
        p,
        preview.source,
        order,
        org,
        preview.sourceFile ? { sourceFile: preview.sourceFile } : {},
      );
      const codes = tasks.map((t) => t.code);
      await this.deps.previews.decide(id, { state: 'confirmed', codes, decidedAt: now, decidedBy: p.code });
      return { ok: true, toast: `已派发 ${codes.length} 项：${codes.join('、')}`, preview: { ...preview, state: 'confirmed', codes }, tasks };
    });
  }

  /** Creates tasks from checked drafts, each with its cards owed; an order of several gets one roll-up card per group chat. */
  async create(items: { draft: DraftTask; origin: string; group: string }[], p: Person, source: TaskSource, order: string | undefined, org: Org, extra: Partial<NewTask> = {}): Promise<Task[]> {
    const now = this.deps.clock.now();
    const year = Number(localDate(now, this.deps.settings.tz).slice(0, 4));
    const groupsWithRollup = new Set<string>();
    const news = items.map(({ draft: d, origin, group }) => {
      const task: NewTask = {
        origin,
        order,
        title: d.title,
        content: d.content,
        category: d.category,
        categoryLabel: d.categoryLabel,
        source: d.source ?? source,
        sourceLabel: d.sourceLabel,
        priority: d.priority,
        leadUnit: d.leadUnit,
        coUnits: d.coUnits,
        group,
        dispatcher: p.code,
        dispatchedAt: now,
        deadline: d.deadline,
        originalDeadline: d.deadline,
        milestones: d.milestones,
        state: 'dispatched',
        progress: 0,
        reports: [],
        requests: [],
        returns: 0,
        strict: false,
        ...(d.project ? { project: d.project } : {}),
        ...extra,
        history: [{ seq: 1, at: now, by: p.code, action: 'dispatch', note: `派单：${d.title}`, after: { state: 'dispatched', deadline: d.deadline, leadUnit: d.leadUnit } }],
      };
      const owed = (code: string): OutboxItem[] => {
        const items = newTaskCards({ ...task, code, rev: 1, history: task.history! }, org, !order);
        if (order && !groupsWithRollup.has(group)) {
          groupsWithRollup.add(group);
          for (const to of groupTargets(org, group)) items.push(liveCardItem(messageKey('rollup', order, group, to.id), to, 'rollup', `order:${order}`, 'rollup'));
        }
        return items;
      };
      return { task, owed };
    });
    const created = await this.deps.tasks.create(news, year);
    if (this.projects && created.some((t) => t.project)) await this.projects.link(created.filter((t) => t.project), p);
    return created;
  }

  /** The dispatch form (派发): one task at once, checked like a pasted list. */
  async fromForm(p: Person, form: Record<string, unknown>, formMessageId: string): Promise<{ ok: true; task: Task } | { ok: false; message: string }> {
    const org = await this.deps.orgs.get();
    const scope = dispatchScope(p, org);
    if (!scope) return { ok: false, message: DISPATCH_REFUSAL };
    const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string).trim() : '');
    const title = str('title');
    const unit = str('unit');
    // a multi-select gives codes; with many units the form asks for names as text instead
    const coWritten = (Array.isArray(form.co_units) ? (form.co_units as unknown[]).map(String) : str('co_units').split(/[,，、;；/\s]+/)).map((c) => c.trim()).filter(Boolean);
    const deadline = str('deadline').slice(0, 10);
    const today = localDate(this.deps.clock.now(), this.deps.settings.tz);
    const problems: string[] = [];
    if (!title) problems.push('请填写事项标题（title）');
    // stored whole or refused, never cut
    else if (overLimit('titleChars', [...title].length)) problems.push(limitMessage('titleChars', [...title].length));
    if (overLimit('requirementChars', [...str('content')].length)) problems.push(limitMessage('requirementChars', [...str('content')].length));
    if (!unit) problems.push('请选择责任单位（unit）');
    else if (!org.unit(unit)) problems.push(`找不到责任单位 ${unit}`);
    else if (!scope.units.includes(unit)) problems.push(`${org.unitName(unit)} 不在本督导组挂钩范围`);
    const co: string[] = [];
    for (const c of coWritten) {
      const found = org.unit(c) ?? matchUnit(c, org);
      if ('code' in found) co.push(found.code);
      else if (found.ok) co.push(found.unit.code);
      else problems.push(`配合单位：${found.message}`);
    }
    if (!isLocalDate(deadline)) problems.push('请选择截止日期（deadline）');
    else if (deadline < today) problems.push(`截止日期 ${deadline} 已过去`);
    const priority = str('priority') || '一般';
    if (!['一般', '重要', '紧急'].includes(priority)) problems.push('优先级只能是 一般、重要 或 紧急');
    let category = str('category') || '其他';
    let categoryLabel: string | undefined;
    if (!this.deps.settings.categories.includes(category)) [category, categoryLabel] = ['其他', category];
    if (problems.length) return { ok: false, message: problems.join('；') };
    const draft: DraftTask = { ref: '表单', title, content: str('content'), leadUnit: unit, coUnits: [...new Set(co)].filter((c) => c !== unit), deadline, milestones: [], priority: priority as DraftTask['priority'], category, categoryLabel, source: this.sourceFor(p) };
    const [task] = await this.create([{ draft, origin: `form:${formMessageId}`, group: this.trackingGroup(p, scope.group, unit, org) }], p, this.sourceFor(p), undefined, org);
    return { ok: true, task };
  }
}
