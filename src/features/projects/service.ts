import type { AppDeps } from '../../app/deps';
import type { CodedStore } from '../../app/coded-store';
import { groupTargets, liveCardItem, messageKey, refreshItems, type OutboxItem } from '../../app/notify';
import { lightOf } from '../../domain/lights';
import { hasRole, type Org, type Person } from '../../domain/org';
import { supervisesGroup } from '../../domain/permissions';
import { nextSeq, type Task } from '../../domain/task';
import { PROJECT_PHOTOS_KEPT, type Project, type ProjectPhoto } from '../../domain/project';
import { parseProjectForm, parseProjectText, type ProjectForm, type ProjectProblem } from '../../domain/project-text';
import { localDate } from '../../domain/time';
import { limitMessage, overLimit } from '../../limits';
import { projectCard } from './card';

/** Projects (docs/rules.md#projects): 立项, linking tasks, confirming milestones, photos, the live card. */
export type ProjectStore = CodedStore<Project>;
type Outcome = { ok: true; toast: string; project: Project } | { ok: false; kind: 'stale' | 'forbidden' | 'invalid' | 'missing'; message: string };

export type ProjectInput = { text: string; firstLine: number } | { form: ProjectForm };
export type OpenOutcome = { ok: true; project: Project; created: boolean } | { ok: false; problems: ProjectProblem[] } | { ok: false; refusal: string };

export const PROJECT_REFUSAL = '只有督导组组长、副组长和挂钩市领导可以立项。';
const LIST_MAX = 500;

export class ProjectService {
  constructor(
    private readonly deps: AppDeps,
    readonly store: ProjectStore,
  ) {}

  /** Groups a person may open a project for: their own as 组长/副组长 (the coordination group's: all), the groups a leader is linked to. */
  groupsFor(p: Person, org: Org): string[] {
    const own = p.roles.flatMap((r) => (r.kind === 'supervisor' && r.position !== '组员' ? [r.group] : []));
    const coordination = own.some((g) => org.group(g)?.kind === 'coordination') || hasRole(p, 'admin');
    const out = [...own];
    if (hasRole(p, 'cityLeader')) out.push(...org.groupsLedBy(p.code).map((g) => g.code));
    if (coordination) out.push(...org.groups.map((g) => g.code));
    return [...new Set(out)].filter((g) => org.group(g));
  }

  ref(code: string): string {
    return `project:${code}`;
  }

  private refresh(p: Project): OutboxItem {
    const ref = this.ref(p.code);
    return { key: messageKey('refresh', ref, p.rev + 1), kind: 'refresh', ref, msgType: 'interactive', render: { card: 'project', ref, view: 'main' } };
  }

  /** 立项 from text or the form card (the same checks); the card goes to the group's chat (and answers the sender where they wrote). */
  async open(p: Person, input: ProjectInput, origin: string, fromChat?: string): Promise<OpenOutcome> {
    const org = await this.deps.orgs.get();
    const groups = this.groupsFor(p, org);
    if (!groups.length) return { ok: false, refusal: PROJECT_REFUSAL };
    const now = this.deps.clock.now();
    const existing = (await this.store.list({}, LIST_MAX, 0)).items.filter((x) => x.origin === undefined || x.origin !== origin);
    const ctx = { now, tz: this.deps.settings.tz, calendar: this.deps.cal, org, groups, categories: this.deps.settings.categories, existing };
    const parsed = 'form' in input ? parseProjectForm(input.form, ctx) : parseProjectText(input.text, { ...ctx, firstLine: input.firstLine });
    if (!parsed.ok) return { ok: false, problems: parsed.problems };
    const d = parsed.draft;
    const year = Number(localDate(now, this.deps.settings.tz).slice(0, 4));
    const { doc, created } = await this.store.create(
      year,
      origin,
      (code) => ({ code, name: d.name, category: d.category, leadUnit: d.leadUnit, coUnits: d.coUnits, group: d.group, leader: d.leader, milestones: d.milestones.map((m, i) => ({ seq: i + 1, ...m })), tasks: [], photos: [], createdAt: now, createdBy: p.code, origin, rev: 1 }),
      (project) => groupTargets(org, project.group).filter((to) => to.id !== fromChat).map((to) => liveCardItem(messageKey('card', project.code, to.id), to, 'project', this.ref(project.code), 'main')),
      (project) => ({ action: 'project.open', by: p.code, note: `立项：${project.name}`, after: { group: project.group, leadUnit: project.leadUnit, milestones: project.milestones.length } }),
    );
    return { ok: true, project: doc, created };
  }

  /** A milestone reached, confirmed on the record by a supervisor of the project's group (with a visit when it came from one). */
  async confirm(p: Person, code: string, seq: number, note: string, visit?: string): Promise<Outcome> {
    const org = await this.deps.orgs.get();
    if (overLimit('noteChars', [...note].length)) return { ok: false, kind: 'invalid', message: limitMessage('noteChars', [...note].length) };
    const now = this.deps.clock.now();
    const r = await this.store.change<Outcome>(code, (project) => {
      if (!hasRole(p, 'admin') && !supervisesGroup(p, project.group, org)) return { result: { ok: false, kind: 'forbidden', message: `只有${org.group(project.group)?.name ?? project.group}的督导组成员可以确认节点（节点须经督导组现场确认，单位不能自行确认）。` } };
      const m = project.milestones.find((x) => x.seq === seq);
      if (!m) return { result: { ok: false, kind: 'invalid', message: `${project.code} 没有第 ${seq} 个节点（共 ${project.milestones.length} 个）。` } };
      if (m.confirmedAt) return { result: { ok: false, kind: 'stale', message: `${project.code} 第 ${seq} 个节点已于 ${localDate(m.confirmedAt, this.deps.settings.tz)} 由${org.personName(m.confirmedBy ?? '')}确认。` } };
      const milestones = project.milestones.map((x) => (x.seq === seq ? { ...x, confirmedAt: now, confirmedBy: p.code, ...(note ? { note } : {}), ...(visit ? { visit } : {}) } : x));
      const next = { ...project, milestones, rev: project.rev + 1 };
      return {
        doc: next,
        owed: [this.refresh(project)],
        audit: { action: 'project.confirm', by: p.code, note: `确认节点 ${seq}：${m.label}${note ? `（${note}）` : ''}${visit ? `，现场督导 ${visit}` : ''}`, after: { seq, visit } },
        result: { ok: true, toast: `已确认 ${project.code} 第 ${seq} 个节点：${m.label}`, project: next },
      };
    });
    return r ?? { ok: false, kind: 'missing', message: `找不到项目 ${code}，请核对编号。` };
  }

  /** Keeps the codes of tasks that name the project (at dispatch or later). */
  async link(projectCode: string, codes: string[], by: string): Promise<Project | null> {
    return this.store.change(projectCode, (project) => {
      const add = codes.filter((c) => !project.tasks.includes(c));
      if (!add.length) return { result: project };
      const next = { ...project, tasks: [...project.tasks, ...add] };
      return { doc: next, owed: [this.refresh(project)], audit: { action: 'project.link', by, note: `归入督办事项 ${add.join('、')}` }, result: next };
    });
  }

  /**
   * 归入项目 DB-… XM-…: by supervisors of the task's group. All or nothing: every code not found and
   * every task the person may not move is named, and nothing changes while any remains.
   */
  async attach(p: Person, taskCodes: string[], code: string): Promise<{ ok: true; toast: string } | { ok: false; message: string }> {
    const org = await this.deps.orgs.get();
    const project = await this.store.get(code);
    const problems: string[] = [];
    if (!project) problems.push(`找不到项目 ${code}`);
    const found: Task[] = [];
    for (const c of taskCodes) {
      const t = await this.deps.tasks.get(c); // by _id
      if (!t) problems.push(`找不到督办单 ${c}`);
      else if (!hasRole(p, 'admin') && !supervisesGroup(p, t.group, org)) problems.push(`只有${org.group(t.group)?.name ?? t.group}的督导组成员可以把 ${t.code} 归入项目`);
      else found.push(t);
    }
    if (problems.length || !project) return { ok: false, message: `未归入：${problems.join('；')}。请核对编号。` };
    const done: string[] = [];
    const already: string[] = [];
    for (const t of found) {
      const r = await this.moveTask(p, t.code, project);
      if (r === 'moved') done.push(t.code);
      else if (r === 'already') already.push(t.code);
    }
    if (done.length) {
      await this.link(project.code, done, p.code);
      const old = await this.store.list({}, LIST_MAX, 0);
      for (const other of old.items) for (const c of done) if (other.code !== project.code && other.tasks.includes(c)) await this.unlink(other.code, c, p.code);
    }
    const parts = [done.length ? `已将 ${done.join('、')} 归入项目 ${project.code} ${project.name}` : '', already.length ? `${already.join('、')} 已在项目 ${project.code} 中` : ''].filter(Boolean);
    return { ok: true, toast: `${parts.join('；')}。` };
  }

  private async moveTask(p: Person, taskCode: string, project: Project): Promise<'moved' | 'already' | null> {
    const now = this.deps.clock.now();
    return this.deps.tasks.change<'moved' | 'already'>(taskCode, (t) => {
      if (t.project === project.code) return { result: 'already' };
      const entry = { seq: nextSeq(t), at: now, by: p.code, action: 'project', note: `归入项目 ${project.code} ${project.name}`, before: { project: t.project ?? null }, after: { project: project.code } };
      const task: Task = { ...t, project: project.code, rev: t.rev + 1, history: [...t.history, entry] };
      return { task, owed: refreshItems(task), result: 'moved' };
    });
  }

  private async unlink(code: string, task: string, by: string): Promise<void> {
    await this.store.change(code, (project) => ({ doc: { ...project, tasks: project.tasks.filter((c) => c !== task) }, owed: [this.refresh(project)], audit: { action: 'project.unlink', by, note: `${task} 改归其他项目` }, result: null }));
  }

  /** Site photos (the app's own image keys), the latest first. */
  async addPhotos(code: string, photos: ProjectPhoto[], by: string): Promise<void> {
    if (!photos.length) return;
    await this.store.change(code, (project) => ({
      doc: { ...project, photos: [...photos, ...project.photos].slice(0, PROJECT_PHOTOS_KEPT) },
      owed: [this.refresh(project)],
      audit: { action: 'project.photos', by, note: `现场照片 ${photos.length} 张` },
      result: null,
    }));
  }

  /** Projects whose group the person supervises (all for the coordination group and admins): what a `项目：` line may name. */
  async visibleTo(p: Person, org: Org): Promise<Project[]> {
    const all = (await this.store.list({}, LIST_MAX, 0)).items;
    return all.filter((x) => hasRole(p, 'admin') || supervisesGroup(p, x.group, org) || org.group(x.group)?.cityLeader === p.code);
  }

  async tasksOf(project: Project): Promise<{ task: Task; light: ReturnType<typeof lightOf> }[]> {
    const { clock, settings, cal } = this.deps;
    const now = clock.now();
    const out: { task: Task; light: ReturnType<typeof lightOf> }[] = [];
    for (const code of project.tasks) {
      const t = await this.deps.tasks.get(code); // by _id
      if (t) out.push({ task: t, light: lightOf(t, now, settings.tz, cal, settings.lights) });
    }
    return out;
  }

  async card(code: string, org: Org) {
    const p = await this.store.get(code);
    if (!p) return null;
    return projectCard(p, await this.tasksOf(p), { org, now: this.deps.clock.now(), tz: this.deps.settings.tz, cal: this.deps.cal });
  }
}
