import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import type { CodedStore } from '../../app/coded-store';
import type { ActionContext, CardAnswer } from '../../app/card-handler';
import type { DispatchService } from '../dispatch/service';
import type { Feature, FeatureCommand, RouteDef } from '../../app/feature';
import { liveCardItem, messageKey, replyText, type OutboxItem } from '../../app/notify';
import type { Messenger } from '../../app/ports';
import { cut } from '../../cards/common';
import { hasRole, supervisedGroups, type Person } from '../../domain/org';
import { localDate } from '../../domain/time';
import { visitModeOf, visitOpen, type Visit } from '../../domain/visit';
import type { ProjectService } from '../projects/service';
import { visitCard } from './card';
import { visitQuietJob } from './quiet';
import { parseSettleForm } from './settle';
import { visitThread } from './thread';
import { fieldWorkDemo } from './demo';

/** 现场督导 (docs/rules.md#on-site-visits): a visit card, what its thread brings, 现场处置, 转为派单, the quiet end, GET /api/visits. */
export type VisitStore = CodedStore<Visit>;

interface VisitCtx {
  deps: AppDeps;
  store: VisitStore;
  dispatch: DispatchService;
  ref: (code: string) => string;
  refresh: (v: Visit) => OutboxItem;
  mine: (v: Visit, p: Person) => boolean;
  end: (code: string, p: Person) => Promise<string>;
  card: (v: Visit) => Promise<Record<string, unknown>>;
}

const answer = (ok: boolean, content: string, c?: Record<string, unknown> | null, warn = false): CardAnswer => ({ toast: { type: ok ? 'success' : warn ? 'warning' : 'error', content }, ...(c ? { card: { type: 'raw' as const, data: c } } : {}) });

function openCommand(x: VisitCtx): FeatureCommand {
  const { deps, store } = x;
  return {
    words: ['现场督导'],
    async handle(m, person, body) {
      const groups = supervisedGroups(person);
      if (!groups.length) return [replyText(m, '“现场督导”供督导组成员使用。')];
      const { mode } = visitModeOf(body);
      const now = deps.clock.now();
      const year = Number(localDate(now, deps.settings.tz).slice(0, 4));
      const { doc } = await store.create(
        year,
        `msg:${m.messageId}`,
        (code) => ({ code, supervisor: person.code, group: groups[0], mode, chatId: m.chatId, messageId: m.messageId, openedAt: now, lastAt: now, units: [], photos: [], findings: [], settled: [], milestones: [], rev: 1 }),
        // a message of its own, so that what is posted in its thread names it
        (v) => [liveCardItem(messageKey('card', v.code), { type: 'chat_id', id: m.chatId }, 'visit', x.ref(v.code), 'main')],
        (v) => ({ action: 'visit.open', by: person.code, note: `现场督导（${v.mode}）` }),
      );
      return [replyText(m, `已开始现场督导 ${doc.code}（${doc.mode}）。请在督导卡片的话题中发送定位、现场照片和发现的问题。`)];
    },
  };
}

/** 现场处置: a problem settled on the spot becomes a task with source 现场督导. */
async function settle(x: VisitCtx, c: ActionContext): Promise<CardAnswer> {
  const { deps, store, dispatch } = x;
  const org = await deps.orgs.get();
  const v = await store.get(c.value.c ?? '');
  if (!v) return answer(false, '找不到这次现场督导。');
  if (!x.mine(v, c.person)) return answer(false, '只有本次督导的督导组成员可以现场处置。');
  const f = parseSettleForm(c.form, { org, today: localDate(deps.clock.now(), deps.settings.tz) });
  if (!f.ok) return answer(false, f.problems.join('；'));
  const draft = { ref: '现场处置', title: f.decision, content: `现场督导 ${v.code}（${v.mode}）现场处置${v.location ? `，地点：${v.location.name}` : ''}`, leadUnit: f.units[0], coUnits: f.units.slice(1), deadline: f.deadline, milestones: [], priority: '一般' as const, category: '问题整改', source: '现场督导' as const, ...(v.project ? { project: v.project } : {}) };
  // the task's origin is the press itself: the handler run again (a held click retried) finds its task, not a second one
  const [task] = await dispatch.create([{ draft, origin: `visit:${v.code}:settle:card:${c.action.eventId}`, group: v.group }], c.person, '现场督导', undefined, org);
  await store.change(v.code, (y) => {
    if (y.settled.some((s) => s.task === task.code)) return { result: null };
    const open = y.findings.find((g) => g.state === 'open');
    const now = deps.clock.now();
    return {
      doc: { ...y, lastAt: now, settled: [...y.settled, { decision: f.decision, units: f.units, deadline: f.deadline, task: task.code, at: now, ...(open ? { finding: open.seq } : {}) }], findings: y.findings.map((g) => (g === open ? { ...g, state: 'settled' as const, task: task.code } : g)) },
      owed: [x.refresh(y)],
      audit: { action: 'visit.settle', by: c.person.code, note: `现场处置 ${task.code}：${f.decision}` },
      result: null,
    };
  });
  const now = await store.get(v.code);
  return answer(true, `已现场处置，督办事项 ${task.code} 已派发给${org.unitName(f.units[0])}`, now ? await x.card(now) : null);
}

/** 转为派单: a finding becomes a dispatch preview, confirmed the usual way. */
async function toDispatch(x: VisitCtx, c: ActionContext): Promise<CardAnswer> {
  const { deps, store, dispatch } = x;
  const org = await deps.orgs.get();
  const v = await store.get(c.value.c ?? '');
  const seq = Number(c.value.x);
  const f = v?.findings.find((y) => y.seq === seq);
  if (!v || !f) return answer(false, '找不到这个问题，请刷新卡片。');
  if (!x.mine(v, c.person)) return answer(false, '只有本次督导的督导组成员可以转为派单。');
  if (f.state !== 'open') return answer(false, '这个问题已处理。', await x.card(v), true);
  const unit = v.units[0] ? org.unitName(v.units[0]) : '';
  if (!unit) return answer(false, '请先在督导卡片的话题中写明单位（如“单位：梅山镇”），再转为派单。');
  const body = `1. ${cut(f.text, 60, true)}\n责任单位：${unit}${v.units.length > 1 ? `\n配合单位：${v.units.slice(1).map((u) => org.unitName(u)).join('、')}` : ''}\n完成时限：5个工作日\n工作要求：${f.text}（现场督导 ${v.code} 发现）\n来源：现场督导${v.project ? `\n项目：${v.project}` : ''}`;
  const r = await dispatch.preview(c.person, body, { chatId: v.chatId, messageId: `${v.code}-f${seq}` });
  if (!r.ok) return answer(false, 'refusal' in r ? r.refusal : r.problems.map((p) => p.message).join('；'));
  await deps.outbox.put([liveCardItem(messageKey('visit-pv', v.code, seq), { type: 'chat_id', id: v.chatId }, 'preview', `preview:${r.preview._id}`, 'preview')]);
  await store.change(v.code, (y) => ({ doc: { ...y, findings: y.findings.map((g) => (g.seq === seq ? { ...g, state: 'dispatched' as const, preview: r.preview._id } : g)) }, owed: [x.refresh(y)], audit: { action: 'visit.dispatch', by: c.person.code, note: `问题 ${seq} 转为派单预览` }, result: null }));
  const now = await store.get(v.code);
  return answer(true, '已生成派单预览，请在预览卡片上确认派发', now ? await x.card(now) : null);
}

function visitRoutes(x: VisitCtx): RouteDef[] {
  const listQuery = z.object({ supervisor: z.string().max(40).optional(), group: z.string().max(20).optional(), limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) });
  return [
    {
      method: 'get',
      path: '/visits',
      doc: { summary: 'On-site visits (现场督导), newest first: who, when, where, units, project, 明察/暗访, findings, settled on the spot', query: listQuery },
      async handle(req) {
        const q = req.query as z.infer<typeof listQuery>;
        const where: Record<string, string> = {};
        if (q.supervisor) where.supervisor = q.supervisor;
        if (q.group) where.group = q.group;
        const r = await x.store.list(where, q.limit, q.offset);
        return { body: { items: r.items.map((v) => ({ ...v, open: visitOpen(v, x.deps.clock.now()) })), total: r.total } };
      },
    },
  ];
}

export function visitsFeature(deps: AppDeps, store: VisitStore, dispatch: DispatchService, projects: ProjectService, messenger: () => Messenger | undefined): Feature {
  const ref = (code: string) => `visit:${code}`;
  const refresh = (v: Visit): OutboxItem => ({ key: messageKey('refresh', ref(v.code), v.rev + 1), kind: 'refresh', ref: ref(v.code), msgType: 'interactive', render: { card: 'visit', ref: ref(v.code), view: 'main' } });
  const mine = (v: Visit, p: Person) => v.supervisor === p.code || hasRole(p, 'admin');
  const end = async (code: string, p: Person): Promise<string> =>
    (await store.change(code, (v) => {
      if (!mine(v, p)) return { result: '只有本次督导的督导组成员可以结束督导。' };
      if (v.endedAt) return { result: `现场督导 ${v.code} 已结束。` };
      return { doc: { ...v, endedAt: deps.clock.now(), endedBy: 'button' }, owed: [refresh(v)], audit: { action: 'visit.end', by: p.code }, result: `已结束现场督导 ${v.code}：问题 ${v.findings.length} 个，照片 ${v.photos.length} 张。` };
    })) ?? '找不到这次现场督导。';
  const card = async (v: Visit) => visitCard(v, await deps.orgs.get(), deps.clock.now(), deps.settings.tz);
  const x: VisitCtx = { deps, store, dispatch, ref, refresh, mine, end, card };
  const onThread = visitThread({ deps, store, projects, messenger, refresh, mine, end });

  return {
    name: 'visits',
    commands: [openCommand(x)],
    async onMessage(m, ctx) {
      if (!ctx.cardRef?.startsWith('visit:')) return null;
      return onThread(m, ctx.person, ctx.cardRef.slice(6));
    },
    actions: {
      'visit.end': async (c) => {
        const msg = await end(c.value.c ?? '', c.person);
        const v = await store.get(c.value.c ?? '');
        return answer(msg.startsWith('已结束'), msg, v ? await card(v) : null, true);
      },
      'visit.settle': (c) => settle(x, c),
      'visit.dispatch': (c) => toDispatch(x, c),
    },
    renderers: {
      visit: async (code, org) => {
        const v = await store.get(code);
        return v ? visitCard(v, org, deps.clock.now(), deps.settings.tz) : null;
      },
    },
    routes: visitRoutes(x),
    jobs: [visitQuietJob(store, refresh)],
    help(p) {
      return supervisedGroups(p).length ? [{ command: '现场督导', what: '开始一次现场督导（加“暗访”为不打招呼）；在卡片话题中发定位、照片、问题，2 小时无新内容自动结束', example: '现场督导 暗访' }] : [];
    },
    relay: () => store.relayAll(),
    demo: () => fieldWorkDemo(deps, store, projects, messenger),
  };
}
