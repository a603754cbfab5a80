import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import type { DispatchService } from '../dispatch/service';
import { RouteError, type Feature, type HelpLine } from '../../app/feature';
import type { CardAnswer } from '../../app/card-handler';
import { replyLiveCard, replyText } from '../../app/notify';
import { normalize, normalizeCode } from '../../domain/commands';
import { hasRole, supervisedGroups, type Person } from '../../domain/org';
import { milestoneLight, normalizeProjectCode, projectLight, type Project } from '../../domain/project';
import { PROJECT_EXAMPLE, projectRefusalText } from '../../domain/project-text';
import { localDate } from '../../domain/time';
import { PROJECT_REFUSAL, ProjectService, type ProjectStore } from './service';

/** 项目化督导 (docs/rules.md#projects) as a feature: 立项, 归入项目, 确认节点, the live project card, /api/projects. */
export const PROJECT_USAGE = `立项请这样写（每行一项，节点每个一行）：\n${PROJECT_EXAMPLE}`;
const CONFIRM_USAGE = '确认节点请这样写：确认节点 XM-2026-001 1（项目编号和节点序号，可在后面写现场核实情况）';
const ATTACH_USAGE = '归入项目请这样写：归入项目 DB-2026-0001 XM-2026-001';

const pageQuery = z.object({
  group: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export function projectsFeature(deps: AppDeps, store: ProjectStore, dispatch: DispatchService): { feature: Feature; service: ProjectService } {
  const service = new ProjectService(deps, store);
  dispatch.projects = {
    named: async (p, org) => (await service.visibleTo(p, org)).map((x) => ({ code: x.code, name: x.name })),
    link: async (tasks, by) => {
      const byProject = new Map<string, string[]>();
      for (const t of tasks) if (t.project) byProject.set(t.project, [...(byProject.get(t.project) ?? []), t.code]);
      for (const [code, codes] of byProject) await service.link(code, codes, by.code);
    },
  };

  const answer = (out: { ok: true; toast: string } | { ok: false; kind: string; message: string }, card?: Record<string, unknown> | null): CardAnswer => ({
    toast: { type: out.ok ? 'success' : out.kind === 'stale' ? 'warning' : 'error', content: out.ok ? out.toast : out.message },
    ...(card ? { card: { type: 'raw' as const, data: card } } : {}),
  });

  const summary = (p: Project) => {
    const today = localDate(deps.clock.now(), deps.settings.tz);
    const l = projectLight(p, today, deps.cal);
    return { code: p.code, name: p.name, category: p.category, leadUnit: p.leadUnit, coUnits: p.coUnits, group: p.group, leader: p.leader, light: l.color, lightReason: l.reason, milestonesReached: l.reached, milestones: p.milestones.length, tasks: p.tasks.length, createdAt: p.createdAt, createdBy: p.createdBy };
  };

  const isSupervisor = (p: Person) => supervisedGroups(p).length > 0 || hasRole(p, 'admin');

  const feature: Feature = {
    name: 'projects',
    commands: [
      {
        words: ['立项'],
        async handle(m, person, body) {
          if (!body.trim()) return [replyText(m, service.groupsFor(person, await deps.orgs.get()).length ? PROJECT_USAGE : PROJECT_REFUSAL)];
          const said = m.text;
          const firstLine = /立项[\s:：]*$/.test(said.split('\n')[0] ?? '') ? 2 : 1; // problems name the lines as the sender sees them
          const r = await service.open(person, body, `msg:${m.messageId}`, m.chatId, firstLine);
          if ('refusal' in r) return [replyText(m, r.refusal)];
          if (!r.ok) return [replyText(m, projectRefusalText(r.problems))];
          return [replyText(m, `已立项 ${r.project.code} ${r.project.name}（${r.project.milestones.length} 个节点）。派单时加一行“项目：${r.project.code}”即归入本项目。`), replyLiveCard(m, 'project', service.ref(r.project.code), 'main', 1)];
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
          const parts = normalize(body).split(/\s+/);
          const task = parts.map((x) => normalizeCode(x)).find(Boolean);
          const code = parts.map((x) => normalizeProjectCode(x)).find(Boolean);
          if (!task || !code) return [replyText(m, ATTACH_USAGE)];
          const r = await service.attach(person, task, code);
          return [replyText(m, r.ok ? r.toast : r.message)];
        },
      },
    ],
    actions: {
      'project.confirm': async (c) => {
        const seq = Number(c.value.x);
        if (!c.value.c || !Number.isInteger(seq)) return answer({ ok: false, kind: 'invalid', message: '按钮缺少项目编号或节点序号，请刷新卡片。' });
        const note = typeof c.form.note === 'string' ? c.form.note.trim() : '';
        const out = await service.confirm(c.person, c.value.c, seq, note);
        return answer(out, await service.card(c.value.c, await deps.orgs.get()));
      },
    },
    renderers: {
      project: (code, org) => service.card(code, org),
    },
    routes: [
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
    ],
    help(p): HelpLine[] {
      const lines: HelpLine[] = [];
      if (hasRole(p, 'admin') || p.roles.some((r) => r.kind === 'supervisor' && r.position !== '组员') || hasRole(p, 'cityLeader')) {
        lines.push({ command: '立项', what: '建立重点项目，按节点跟踪形象进度', example: '立项\n项目：茂盛路二期征迁工程\n牵头单位：梅山镇\n节点：12月31日前 完成征迁签约' });
      }
      if (isSupervisor(p)) {
        lines.push({ command: '确认节点', what: '现场确认项目节点已完成', example: '确认节点 XM-2026-001 1 现场查看已完成' });
        lines.push({ command: '归入项目', what: '把督办事项归入项目', example: '归入项目 DB-2026-0001 XM-2026-001' });
      }
      return lines;
    },
    relay: () => store.relayAll(),
  };
  return { feature, service };
}
