import type { CardAnswer } from '../../app/card-handler';
import type { AppDeps } from '../../app/deps';
import type { Feature, RouteDef } from '../../app/feature';
import { messageKey } from '../../app/keys';
import { groupTargets, liveCardItem, personTarget, replyLiveCard, replyText, textItem, type Target } from '../../app/notify';
import type { OutboxItem } from '../../app/outbox-item';
import { hasRole, type Org, type Person } from '../../domain/org';
import { localDate } from '../../domain/time';
import { limitMessage, overLimit } from '../../limits';
import { z } from 'zod';
import { yearParam } from '../../app/query-params';
import { majorReportCard } from './card';
import type { Agenda, MajorReportDoc, MajorReportStore } from './ports';
import { MAJOR_REPORT_USAGE, parseReport, reportLabel } from './report';

/**
 * 重大事项报告 (docs/rules.md#major-reports): a group's 组长 or 副组长 reports a major matter straight to the
 * linked city leader, copied to the coordination group, numbered 〔YYYY〕重报第N号 without a gap per year.
 * The leader answers on the card: 已阅, 批示 (instruction), or 列入调度会 (the matter joins the agenda the
 * escalations use). Every step is on the record and counted in the year's 成效.
 */
type Deps = Pick<AppDeps, 'clock' | 'orgs' | 'settings' | 'log'>;

export const REPORT_REF = 'major_report';
export const REPORT_COPY_REF = 'major_report_copy';

/** The group a person may report for: the first where they are 组长 or 副组长. */
export function reportingGroup(p: Person): string | undefined {
  for (const r of p.roles) if (r.kind === 'supervisor' && (r.position === '组长' || r.position === '副组长')) return r.group;
  return undefined;
}

const STATE_WORD: Record<MajorReportDoc['state'], string> = { sent: '待阅', read: '已阅', instructed: '已批示', scheduled: '已列入调度会' };

type Step = { ok: true; toast: string } | { ok: false; type: 'warning' | 'error'; message: string };
type StepFn = (id: string | undefined, p: Person, expect: string | undefined, fn: (r: MajorReportDoc, org: Org) => Promise<{ doc: MajorReportDoc; owed: OutboxItem[]; toast: string; note?: string } | string>) => Promise<CardAnswer>;
type Tell = (org: Org, r: MajorReportDoc, kind: string, text: string) => OutboxItem[];

/** The leader's buttons on a report: 已阅, 批示 (field `instruction`), 列入调度会. */
function leaderActions(deps: Deps, agenda: Agenda, step: StepFn, tell: Tell): NonNullable<Feature['actions']> {
  return {
    'major_report.read': (c) =>
      step(c.value.r, c.person, c.value.s, async (r, org) => {
        if (r.state !== 'sent') return `此报告已是“${STATE_WORD[r.state]}”。`;
        return { doc: { ...r, state: 'read', readAt: deps.clock.now() }, owed: tell(org, r, 'mrread', `${org.personName(r.leader)}已阅 ${r.label}「${r.title}」。`), toast: '已阅' };
      }),
    'major_report.instruct': (c) =>
      step(c.value.r, c.person, c.value.s, async (r, org) => {
        if (r.state !== 'sent' && r.state !== 'read') return `此报告已是“${STATE_WORD[r.state]}”。`;
        const text = String(c.form.instruction ?? '').trim();
        if (!text) return '请填写批示意见。';
        if (overLimit('noteChars', text.length)) return `${limitMessage('noteChars', text.length, '批示意见')}，请精简后重新提交。`;
        return { doc: { ...r, state: 'instructed', instruction: text, instructedAt: deps.clock.now() }, owed: tell(org, r, 'mrinstr', `${org.personName(r.leader)}对 ${r.label}「${r.title}」作出批示：${text}`), toast: '已批示，督导组和综合协调组已收到', note: text };
      }),
    'major_report.schedule': (c) =>
      step(c.value.r, c.person, c.value.s, async (r, org) => {
        if (r.state === 'scheduled') return '此报告已列入调度会。';
        const g = org.group(r.group);
        const raised = await agenda.raise({ id: `MR-${r._id}`, code: r.label, leader: r.leader, group: r.group, unit: g?.name ?? r.group, title: r.title, deadline: localDate(deps.clock.now(), deps.settings.tz), units: [], reason: r.content, opinion: r.instruction ?? '', urgent: true, by: c.person.code, state: 'scheduled' });
        return { doc: { ...r, state: 'scheduled', escalationId: raised.id, scheduledAt: deps.clock.now() }, owed: tell(org, r, 'mrsched', `${org.personName(r.leader)}已将 ${r.label}「${r.title}」列入调度会议程。`), toast: '已列入调度会议程' };
      }),
  };
}

function reportRoutes(records: MajorReportStore['records']): RouteDef[] {
  const listQuery = z.object({ year: yearParam.optional(), group: z.string().trim().max(40).optional(), limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) }).strict();
  return [
    {
      method: 'get',
      path: '/major-reports',
      doc: { summary: '重大事项报告 on the record, newest first, with the leader\'s answer', query: listQuery },
      handle: async (req) => {
        const q = req.query as z.infer<typeof listQuery>;
        const filter: Record<string, string | number> = {};
        if (q.year) filter.year = q.year;
        if (q.group) filter.group = q.group;
        return { body: await records.list(filter, { sort: { year: -1, number: -1 }, limit: q.limit, offset: q.offset }) };
      },
    },
  ];
}

export function majorReportsFeature(deps: Deps, store: MajorReportStore, agenda: Agenda): Feature {
  const { records, changes } = store;
  const refreshes = (id: string, rev: number): OutboxItem[] => {
    const copy = `${REPORT_COPY_REF}:${id}`;
    return [changes.refresh(id, rev, REPORT_REF), { key: messageKey('refresh', copy, rev), kind: 'refresh', ref: copy, msgType: 'interactive', render: { card: REPORT_COPY_REF, ref: copy, view: '' } }];
  };
  const copiesTo = (org: Org, group: string): Target[] => {
    const coord = org.coordinationGroup();
    return [...groupTargets(org, group), ...(coord && coord.code !== group ? groupTargets(org, coord.code) : [])];
  };

  async function send(m: Parameters<NonNullable<Feature['commands']>[number]['handle']>[0], p: Person, body: string): Promise<OutboxItem[]> {
    const group = reportingGroup(p);
    if (!group) return [replyText(m, '重大事项报告由督导组组长、副组长发送。')];
    const parsed = parseReport(body);
    if (!parsed.ok) return [replyText(m, parsed.message)];
    const org = await deps.orgs.get();
    const g = org.group(group);
    const leader = g ? org.person(g.cityLeader) : undefined;
    if (!g || !leader) return [replyText(m, '您所在的督导组没有登记挂钩市领导，无法报送。请联系管理员补充组织名单。')];
    const year = Number(localDate(deps.clock.now(), deps.settings.tz).slice(0, 4));
    const doc = await records.withLock(`major_report:year:${year}`, async () => {
      const again = await records.all({ source: m.messageId });
      if (again.length) return again[0];
      const number = (await records.lastNumber(year)) + 1;
      const d: MajorReportDoc = { _id: `${year}-${number}`, year, number, label: reportLabel(year, number), group, by: p.code, leader: leader.code, title: parsed.title, content: parsed.content, state: 'sent', at: deps.clock.now(), source: m.messageId, rev: 1 };
      const ref = `${REPORT_REF}:${d._id}`;
      const copy = `${REPORT_COPY_REF}:${d._id}`;
      const owed: OutboxItem[] = [
        ...personTarget(org, leader.code).map((to) => ({ ...liveCardItem(messageKey('mr', d._id, to.id), to, REPORT_REF, ref, 'leader'), urgentTo: [to.id] })),
        ...copiesTo(org, group)
          .filter((to) => to.id !== m.chatId)
          .map((to) => liveCardItem(messageKey('mrcopy', d._id, to.id), to, REPORT_COPY_REF, copy, 'copy')),
      ];
      await changes.create(d, owed, { action: 'report', by: p.code, note: `${d.label} ${d.title}`, after: { leader: leader.code, group } });
      return d;
    });
    return [replyText(m, `已报送 ${doc.label}「${doc.title}」给${leader.name}，并抄送综合协调组。领导批阅后本卡片会更新。`), replyLiveCard(m, REPORT_COPY_REF, `${REPORT_COPY_REF}:${doc._id}`, 'copy', 1)];
  }

  async function step(id: string | undefined, p: Person, expect: string | undefined, fn: (r: MajorReportDoc, org: Org) => Promise<{ doc: MajorReportDoc; owed: OutboxItem[]; toast: string; note?: string } | string>): Promise<CardAnswer> {
    const org = await deps.orgs.get();
    if (!id) return { toast: { type: 'error', content: '按钮缺少报告编号，请刷新卡片。' } };
    const out = await changes.change<Step>(id, async (r) => {
      if (r.leader !== p.code && !hasRole(p, 'admin')) return { result: { ok: false, type: 'error', message: `${r.label}报${org.personName(r.leader)}批阅，您无权操作。` } };
      if (expect && expect !== r.state) return { result: { ok: false, type: 'warning', message: `此报告已是“${STATE_WORD[r.state]}”，卡片已刷新。` } };
      const o = await fn(r, org);
      if (typeof o === 'string') return { result: { ok: false, type: 'error', message: o } };
      return { doc: o.doc, owed: [...o.owed, ...refreshes(id, r.rev + 1)], audit: { action: o.doc.state, by: p.code, note: o.note, before: { state: r.state }, after: { state: o.doc.state } }, result: { ok: true, toast: o.toast } };
    });
    const now = await records.get(id);
    const card = now ? { type: 'raw' as const, data: majorReportCard(now, org, { tz: deps.settings.tz, leaderView: true }) } : undefined;
    if (!out) return { toast: { type: 'error', content: '找不到这份报告。' } };
    return out.ok ? { toast: { type: 'success', content: out.toast }, card } : { toast: { type: out.type, content: out.message }, card };
  }

  const tell = (org: Org, r: MajorReportDoc, kind: string, text: string) => copiesTo(org, r.group).map((to) => textItem(messageKey(kind, r._id, to.id), to, text));

  return {
    name: 'major-reports',
    commands: [{ words: ['重大事项报告'], handle: send }],
    actions: leaderActions(deps, agenda, step, tell),
    renderers: {
      [REPORT_REF]: async (id, org) => {
        const r = await records.get(id);
        return r ? majorReportCard(r, org, { tz: deps.settings.tz, leaderView: true }) : null;
      },
      [REPORT_COPY_REF]: async (id, org) => {
        const r = await records.get(id);
        return r ? majorReportCard(r, org, { tz: deps.settings.tz, leaderView: false }) : null;
      },
    },
    help: (p) => (reportingGroup(p) ? [{ command: '重大事项报告 内容', what: '向挂钩市领导报告重大事项（抄送综合协调组），编号〔年〕重报第N号', example: '重大事项报告 茂盛路征迁扫尾遇阻\n3户因安置面积争议拒签，需市领导协调' }] : []),
    routes: reportRoutes(records),
    relay: () => changes.relayAll(),
  };
}

export { MAJOR_REPORT_USAGE };
