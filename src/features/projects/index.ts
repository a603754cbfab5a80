import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import type { DispatchService } from '../dispatch/service';
import { RouteError, type Feature, type FeatureCommand, type HelpLine, type RouteDef } from '../../app/feature';
import type { ActionContext, CardAnswer } from '../../app/card-handler';
import { messageKey } from '../../app/keys';
import { liveCardItem, replyCard, replyLiveCard, replyText } from '../../app/notify';
import { noticeCard } from '../../cards';
import { normalize, normalizeCode } from '../../domain/commands';
import { hasRole, supervisedGroups, type Person } from '../../domain/org';
import { milestoneLight, normalizeProjectCode, projectLight, type Project } from '../../domain/project';
import { projectRefusalText, type ProjectForm, type ProjectProblem } from '../../domain/project-text';
import { localDate } from '../../domain/time';
import { projectFormCard, readProjectForm } from './form';
import { projectsReport } from './report';
import { PROJECT_REFUSAL, ProjectService, type ProjectStore } from './service';

/** 项目化督导 (docs/rules.md#projects) as a feature: 立项, 归入项目, 确认节点, the live project card, /api/projects. */
const CONFIRM_USAGE = '确认节点请这样写：确认节点 XM-2026-001 1（项目编号和节点序号，可在后面写现场核实情况）';
const ATTACH_USAGE = '归入项目请这样写：归入项目 DB-2026-0001 XM-2026-001';

/** `归入项目 DB-… [DB-…] XM-…` → the codes; every word that is neither a task code nor a project code is named. */
export function attachWords(body: string): { ok: true; tasks: string[]; project: string } | { ok: false; message: string } {
  const tasks: string[] = [];
  const projects: string[] = [];
  const bad: string[] = [];
  for (const w of normalize(body).split(/[\s,，、]+/).filter(Boolean)) {
    const t = normalizeCode(w);
    const x = t ? null : normalizeProjectCode(w);
    if (t) tasks.push(t);
    else if (x) projects.push(x);
    else bad.push(`“${w}”`);
  }
  const problems: string[] = [];
  if (bad.length) problems.push(`${bad.join('、')} 不是督办单编号（DB-…）或项目编号（XM-…）`);
  if (!tasks.length) problems.push('缺少督办单编号');
  if (!projects.length) problems.push('缺少项目编号');
  if (new Set(projects).size > 1) problems.push(`一次只能归入一个项目（写了 ${[...new Set(projects)].join('、')}）`);
  if (problems.length) return { ok: false, message: `${problems.join('；')}。${ATTACH_USAGE}` };
  return { ok: true, tasks: [...new Set(tasks)], project: projects[0] };
}

const pageQuery = z.object({
  group: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

type Answerable = { ok: true; toast: string } | { ok: false; kind: string; message: string };

const answer = (out: Answerable, card?: Record<string, unknown> | null): CardAnswer => ({
  toast: { type: out.ok ? 'success' : out.kind === 'stale' ? 'warning' : 'error', content: out.ok ? out.toast : out.message },
  ...(card ? { card: { type: 'raw' as const, data: card } } : {}),
});

const isSupervisor = (p: Person) => supervisedGroups(p).length > 0 || hasRole(p, 'admin');

/** A form problem in a line: `项目名称：缺少项目名称`. */
const formProblems = (problems: ProjectProblem[]): string => problems.map((p) => `${p.where === '全文' ? '' : `${p.where}：`}${p.message}`).join('；');

function openedText(p: Project): string {
  return `已立项 ${p.code} ${p.name}（${p.milestones.length} 个节点）。派单时加一行“项目：${p.code}”即归入本项目。`;
}

function projectCommands(deps: AppDeps, service: ProjectService): FeatureCommand[] {
  const formFor = async (person: Person, formId: string, extra: { values?: ProjectForm; error?: string } = {}) => {
    const org = await deps.orgs.get();
    const groups = service.groupsFor(person, org).map((g) => ({ code: g, name: org.group(g)?.name ?? g }));
    return projectFormCard({ formId, categories: deps.settings.categories, groups, ...extra });
  };
  return [
    {
      words: ['立项'],
      async handle(m, person, body) {
        const mayOpen = service.groupsFor(person, await deps.orgs.get()).length > 0;
        if (!mayOpen) return [replyText(m, PROJECT_REFUSAL)];
        if (!body.trim()) return [replyCard(m, await formFor(person, messageKey('xmf', m.messageId)))];
        const firstLine = /立项[\s:：]*$/.test(m.text.split('\n')[0] ?? '') ? 2 : 1; // problems name the lines as the sender sees them
        const r = await service.open(person, { text: body, firstLine }, `msg:${m.messageId}`, m.chatId);
        if ('refusal' in r) return [replyText(m, r.refusal)];
        if (!r.ok) return [replyText(m, projectRefusalText(r.problems))];
        return [replyText(m, openedText(r.project)), replyLiveCard(m, 'project', service.ref(r.project.code), 'main', 1)];
      },
    },
    {
      words: ['确认节点'],
      async handle(m, person, body) {
        const [first = '', second = '', ...rest] = normalize(body).split(/\s+/);
        const code = normalizeProjectCode(first);
        const seq = Number(second);
        if (!code || !Number.isInteger(seq) || seq < 1) return [replyText(m, CONFIRM_USAGE)];
        if (!isSupervisor(person)) return [replyText(m, '节点由督导组成员现场确认。')];
        const r = await service.confirm(person, code, seq, rest.join(' ').trim());
        return [replyText(m, r.ok ? r.toast : r.message)];
      },
    },
    {
      words: ['归入项目'],
      async handle(m, person, body) {
        const words = attachWords(body);
        if (!words.ok) return [replyText(m, words.message)];
        const r = await service.attach(person, words.tasks, words.project);
        return [replyText(m, r.ok ? r.toast : r.message)];
      },
    },
  ];
}

function projectActions(deps: AppDeps, service: ProjectService): Record<string, (c: ActionContext) => Promise<CardAnswer>> {
  return {
    'project.confirm': async (c) => {
      const seq = Number(c.value.x);
      if (!c.value.c || !Number.isInteger(seq)) return answer({ ok: false, kind: 'invalid', message: '按钮缺少项目编号或节点序号，请刷新卡片。' });
      const note = typeof c.form.note === 'string' ? c.form.note.trim() : '';
      const out = await service.confirm(c.person, c.value.c, seq, note);
      return answer(out, await service.card(c.value.c, await deps.orgs.get()));
    },
    'project.open': async (c) => {
      const org = await deps.orgs.get();
      const formId = c.value.m;
      if (!formId) return answer({ ok: false, kind: 'invalid', message: '这份表单已失效，请重新发送“立项”。' });
      const groups = service.groupsFor(c.person, org);
      if (!groups.length) return answer({ ok: false, kind: 'forbidden', message: PROJECT_REFUSAL });
      const values = readProjectForm(c.form);
      const r = await service.open(c.person, { form: values }, `form:${formId}`);
      if ('refusal' in r) return answer({ ok: false, kind: 'forbidden', message: r.refusal });
      if (!r.ok) {
        const error = `立项未创建（共 ${r.problems.length} 处问题）：${formProblems(r.problems)}`;
        const card = projectFormCard({ formId, categories: deps.settings.categories, groups: groups.map((g) => ({ code: g, name: org.group(g)?.name ?? g })), values, error });
        return answer({ ok: false, kind: 'invalid', message: error.slice(0, 200) }, card);
      }
      const chat = c.action.chatId;
      if (chat) await deps.outbox.put([liveCardItem(messageKey('card', r.project.code, chat), { type: 'chat_id', id: chat }, 'project', service.ref(r.project.code), 'main')]);
      const note = noticeCard({ title: `已立项 ${r.project.code}`, text: openedText(r.project), color: 'green' });
      return r.created ? answer({ ok: true, toast: `已立项 ${r.project.code}` }, note) : answer({ ok: false, kind: 'stale', message: `这份表单已立项（${r.project.code}），不会重复创建。` }, note);
    },
  };
}

function projectRoutes(deps: AppDeps, store: ProjectStore, service: ProjectService): RouteDef[] {
  const summary = (p: Project) => {
    const today = localDate(deps.clock.now(), deps.settings.tz);
    const l = projectLight(p, today, deps.cal);
    return { code: p.code, name: p.name, category: p.category, leadUnit: p.leadUnit, coUnits: p.coUnits, group: p.group, leader: p.leader, light: l.color, lightReason: l.reason, milestonesReached: l.reached, milestones: p.milestones.length, tasks: p.tasks.length, createdAt: p.createdAt, createdBy: p.createdBy };
  };
  return [
    {
      method: 'get',
      path: '/projects',
      doc: { summary: 'Projects (项目化督导), newest first, with their light and milestones reached', query: pageQuery },
      async handle(req) {
        const q = req.query as z.infer<typeof pageQuery>;
        const r = await store.list(q.group ? { group: q.group } : {}, q.limit, q.offset);
        return { body: { items: r.items.map(summary), total: r.total } };
      },
    },
    {
      method: 'get',
      path: '/projects/:code',
      doc: { summary: 'One project: milestones (with confirmations), its tasks with lights, photos' },
      async handle(req) {
        const code = normalizeProjectCode(req.params.code ?? '');
        const p = code ? await store.get(code) : null;
        if (!p) throw new RouteError(404, 'not_found', `project ${req.params.code} not found`);
        const today = localDate(deps.clock.now(), deps.settings.tz);
        const tasks = (await service.tasksOf(p)).map(({ task: t, light }) => ({ code: t.code, title: t.title, leadUnit: t.leadUnit, state: t.state, deadline: t.deadline, light: light.color, lightReason: light.reason }));
        return { body: { ...summary(p), milestones: p.milestones.map((m) => ({ ...m, light: milestoneLight(m, today, deps.cal).color })), tasks, photos: p.photos } };
      },
    },
  ];
}

function projectHelp(p: Person): HelpLine[] {
  const lines: HelpLine[] = [];
  if (hasRole(p, 'admin') || p.roles.some((r) => r.kind === 'supervisor' && r.position !== '组员') || hasRole(p, 'cityLeader')) {
    lines.push({ command: '立项', what: '建立重点项目，按节点跟踪形象进度（只发“立项”打开表单）', example: '立项\n项目：茂盛路二期征迁工程\n牵头单位：梅山镇\n督导组：第一专项督导组\n节点：12月31日前 完成征迁签约' });
  }
  if (isSupervisor(p)) {
    lines.push({ command: '确认节点', what: '现场确认项目节点已完成', example: '确认节点 XM-2026-001 1 现场查看已完成' });
    lines.push({ command: '归入项目', what: '把督办事项归入项目', example: '归入项目 DB-2026-0001 XM-2026-001' });
  }
  return lines;
}

export function projectsFeature(deps: AppDeps, store: ProjectStore, dispatch: DispatchService): { feature: Feature; service: ProjectService } {
  const service = new ProjectService(deps, store);
  dispatch.projects = {
    named: async (p, org) => (await service.visibleTo(p, org)).map((x) => ({ code: x.code, name: x.name, category: x.category })),
    link: async (tasks, by) => {
      const byProject = new Map<string, string[]>();
      for (const t of tasks) if (t.project) byProject.set(t.project, [...(byProject.get(t.project) ?? []), t.code]);
      for (const [code, codes] of byProject) await service.link(code, codes, by.code);
    },
  };
  const feature: Feature = {
    name: 'projects',
    commands: projectCommands(deps, service),
    actions: projectActions(deps, service),
    renderers: { project: (code, org) => service.card(code, org) },
    routes: projectRoutes(deps, store, service),
    help: projectHelp,
    relay: () => store.relayAll(),
    reportSection: (q) => projectsReport(deps, store, q),
  };
  return { feature, service };
}
