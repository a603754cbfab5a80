import type { CardActionName } from '../cards/actions';
import { BULLETIN_EXAMPLE, parseBulletin } from '../domain/bulletin';
import { hasRole } from '../domain/org';
import { scoreTerms } from '../domain/ranking';
import { monthOf } from '../domain/summary';
import { localDate } from '../domain/time';
import type { AppCardViews } from './card-views';
import type { ActionContext, CardAnswer, ToastType } from './card-handler';
import type { AppDeps } from './deps';
import type { DispatchService } from '../features/dispatch/service';
import type { RouteDef } from './feature';
import { messageKey } from './keys';
import type { JobDef } from './job';
import { leadersRoutes } from './leaders/api';
import { AppealService } from './leaders/appeals';
import { BulletinService } from './leaders/bulletins';
import { EscalationService } from './leaders/escalation-service';
import { meetingReminderJob } from './leaders/meeting-reminder';
import { MeetingService } from './leaders/meeting-service';
import { monthlySummaryJob } from './leaders/monthly-summary';
import { SummaryService } from './leaders/summary-service';
import type { ExtraCommand } from './message-handler';
import { replyCard, replyText } from './notify';
import type { OutboxItem } from './outbox-item';
import type { TaskEffects } from './task-service';
import { machineNow } from '../clock';

/** The leaders' side (docs/rules.md#escalation, docs/rules.md#summaries-and-ranking): escalations, meetings and minutes, summaries, rankings, bulletins, appeals. */
export interface LeadersSide {
  effects: TaskEffects;
  /** The leaders' agenda, for features that put matters on it (a 专题协调会 item sent up, a 重大事项报告). */
  escalations: EscalationService;
  /** Rankings and summaries (the evaluation sheet reads them). */
  summary: SummaryService;
  commands?: ExtraCommand;
  cardActions: Partial<Record<CardActionName, (c: ActionContext) => Promise<CardAnswer>>>;
  jobs: JobDef[];
  /** Admin API routes under `/api`, mounted by src/http with their OpenAPI entries. */
  routes: RouteDef[];
  /** Where the evaluation XLSX reads each unit's yearly 定性评价 (set by the results feature). */
  useGrades(fn: GradesOf): void;
  /** The year's 成效 card sent with the December summary (set by the results feature). */
  useYearEndCard(fn: (year: number) => Promise<unknown>): void;
  /** Sends on what a crash left owed on escalations and appeals (run at start, like the task relay). */
  relayAll(): Promise<unknown>;
}

export const BULLETIN_USAGE = `通报的写法：
通报 表扬|批评 对象 内容
· 对象：督办单编号和/或单位名称，写在最前面，用空格或、分隔
· 内容：对象后面的文字
· 可另起一行写“标题：……”
· 另起一行写“发送到：单位或督导组名称、各单位、各督导组、本群”即发布；不写则只预览给您
例如：
${BULLETIN_EXAMPLE}`;

const RANKING_CACHE_MS = 5 * 60_000;

export type GradesOf = (year: number) => Promise<Map<string, { grade: string; remarks: string }>>;

type Outcome = { ok: true; toast: string } | { ok: false; kind: string; message: string };

export function leadersSide(deps: AppDeps, views: AppCardViews, dispatch: DispatchService): LeadersSide {
  const escalations = new EscalationService(deps);
  const meetings = new MeetingService(deps, escalations, dispatch);
  const summary = new SummaryService(deps, escalations);
  const bulletins = new BulletinService(deps);
  const appeals = new AppealService(deps);
  const relayAll = () => Promise.all([deps.escalations.relayAll(), deps.appeals.relayAll()]);

  views.addRenderer(async (r, org) => {
    const id = r.ref.slice(r.ref.indexOf(':') + 1);
    if (r.card === 'escalation') {
      const e = await escalations.get(id);
      return e ? escalations.card(e, org) : null;
    }
    if (r.card === 'appeal') return appeals.render(id);
    return undefined;
  });

  // 统计 shows the ranking of the current month for the caller's scope, each score written out. It
  // costs a scan of the tasks, so a scope's ranking is reused for a few minutes (machine time).
  const rankingCache = new Map<string, { until: number; rows: { unitName: string; score: number; formula: string }[] }>();
  views.ranking = async (p, org) => {
    const scope = summary.scopeOf(p, org);
    if (!scope) return undefined;
    const today = localDate(deps.clock.now(), deps.settings.tz);
    const key = `${scope.key}|${today}`;
    const hit = rankingCache.get(key);
    if (hit && hit.until > machineNow()) return hit.rows;
    const { rows } = await summary.ranking(scope, monthOf(today), today);
    const out = rows.map((r) => ({ unitName: org.unitName(r.unit), score: r.score, formula: scoreTerms(r, summary.weights) }));
    if (rankingCache.size > 200) rankingCache.clear();
    rankingCache.set(key, { until: machineNow() + RANKING_CACHE_MS, rows: out });
    return out;
  };

  const answer = (out: Outcome, card?: Record<string, unknown>): CardAnswer => {
    const type: ToastType = out.ok ? 'success' : out.kind === 'stale' ? 'warning' : 'error';
    const toast = { type, content: out.ok ? out.toast : out.message };
    return card ? { toast, card: { type: 'raw', data: card } } : { toast };
  };
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

  const commands: ExtraCommand = async (m, person, cmd) => {
    if (cmd.cmd === 'minutes') {
      if (!hasRole(person, 'cityLeader')) {
        return [replyText(m, hasRole(person, 'admin') ? '“会议纪要”由挂钩市领导发送；管理员可通过管理接口 POST /api/meetings 代为录入。' : '“会议纪要”供挂钩市领导记录调度会决定使用。')];
      }
      const card = await meetings.form(person, messageKey('mf', m.messageId));
      return [card ? replyCard(m, card) : replyText(m, '您目前没有待调度会研究的提级事项。督导组报请提级（有所为）的事项会出现在这里。')];
    }
    if (cmd.cmd === 'bulletin') {
      if (!bulletins.mayPublish(person)) return [replyText(m, '通报由督导组成员发布。')];
      if (!cmd.body.trim()) return [replyText(m, BULLETIN_USAGE)];
      const org = await deps.orgs.get();
      const parsed = parseBulletin(cmd.body, org);
      if (!parsed.ok) return [replyText(m, parsed.message)];
      const built = await bulletins.build(parsed.draft, person);
      if (!built.ok) return [replyText(m, built.message)];
      if (!parsed.draft.targets) return [replyCard(m, built.card), replyText(m, '以上为预览，尚未发布。确认无误后，在原命令末尾另起一行写“发送到：各单位”（或单位、督导组名称、本群）重新发送即发布。', 1)];
      const targets = bulletins.targetsOf(parsed.draft.targets, org, m.chatId);
      if (!targets.length) return [replyText(m, '发布范围内的单位和督导组都没有可送达的群或人员，未发布。')];
      const { doc } = await bulletins.publish(messageKey('bul', m.messageId), built, targets);
      return [replyText(m, `已发布${doc.kind}通报「${doc.title}」到 ${doc.targets.length} 个群或人员。`)];
    }
    if (cmd.cmd === 'appeal') {
      const r = await appeals.file(cmd.code, person, cmd.reason);
      return [replyText(m, r.ok ? r.toast : r.message)];
    }
    return null;
  };

  const escalationAnswer = async (out: Awaited<ReturnType<EscalationService['schedule']>>) => {
    const org = await deps.orgs.get();
    return answer(out, out.doc ? escalations.card(out.doc, org) : undefined);
  };

  const cardActions: LeadersSide['cardActions'] = {
    'escalation.schedule': async (c) => {
      if (!c.value.e) return answer({ ok: false, kind: 'invalid', message: '按钮缺少提级事项编号，请刷新卡片。' });
      return escalationAnswer(await escalations.schedule(c.value.e, c.person, c.value.s));
    },
    'escalation.instruct': async (c) => {
      if (!c.value.e) return answer({ ok: false, kind: 'invalid', message: '按钮缺少提级事项编号，请刷新卡片。' });
      return escalationAnswer(await escalations.instruct(c.value.e, c.person, text(c.form.instruction), c.value.s));
    },
    'meeting.submit': async (c) => {
      const form = c.value.m ? await meetings.formDoc(c.value.m) : null;
      if (!form) return answer({ ok: false, kind: 'invalid', message: '这份纪要表单已失效，请重新发送“会议纪要”。' });
      const org = await deps.orgs.get();
      if (form.leader !== c.person.code && !hasRole(c.person, 'admin')) return answer({ ok: false, kind: 'forbidden', message: `这是${org.personName(form.leader)}的调度会纪要表单，您无权提交。` });
      const leader = org.person(form.leader);
      if (!leader) return answer({ ok: false, kind: 'invalid', message: '表单所属的市领导已不在组织名单中。' });
      const count = Math.min(Number(c.value.x ?? form.agenda.length) || 0, form.agenda.length);
      const items = form.agenda.slice(0, count).map((escalationId, i) => ({ escalationId, decision: text(c.form[`decision_${i}`]), units: meetings.resolveUnits(c.form[`units_${i}`], org), deadline: text(c.form[`deadline_${i}`]) }));
      const r = await meetings.record({ leader, by: c.person, id: messageKey('mtg', form._id), via: 'card', input: { date: text(c.form.date), attendees: text(c.form.attendees), items } });
      if (!r.ok) {
        const message = r.problems.join('；');
        return answer({ ok: false, kind: 'invalid', message }, (await meetings.form(leader, form._id, message)) ?? undefined);
      }
      const codes = r.tasks.map((t) => t.code).join('、');
      const note = views.notice('会议纪要已记录', `${r.meeting.date} 调度会纪要已记录，${r.tasks.length} 项决定已作为督办事项派发：${codes}。督导组将跟踪落实，全部办结后相关提级事项销号。`, 'green');
      return answer(r.created ? { ok: true, toast: `已记录纪要，派发 ${r.tasks.length} 项：${codes}` } : { ok: false, kind: 'stale', message: `这份纪要已记录（${codes}），不会重复派发。` }, note);
    },
    'appeal.decide': async (c) => {
      if (!c.value.r || (c.value.x !== 'upheld' && c.value.x !== 'rejected')) return answer({ ok: false, kind: 'invalid', message: '无法识别这个按钮，请刷新卡片后重试。' });
      const out = await appeals.decide(c.value.r, c.person, c.value.x, text(c.form.opinion), c.value.s);
      return answer(out, (await appeals.render(c.value.r)) ?? undefined);
    },
  };

  const effects: TaskEffects = {
    async onNotice(task, notice, actor): Promise<OutboxItem[]> {
      if (notice.to === 'escalation_accepted') return escalations.onAccepted(task, notice.request, notice.opinion, actor);
      if (notice.to === 'unit' && task.escalationId && (task.state === 'closed' || task.state === 'cancelled')) return escalations.followUpDone(task);
      return [];
    },
  };

  const grades: { of: GradesOf } = { of: async () => new Map() };
  const yearEnd: { card?: (year: number) => Promise<unknown> } = {};

  return {
    effects,
    escalations,
    summary,
    useGrades: (fn) => {
      grades.of = fn;
    },
    useYearEndCard: (fn) => {
      yearEnd.card = fn;
    },
    commands,
    cardActions,
    jobs: [monthlySummaryJob(summary, relayAll, (y) => (yearEnd.card ? yearEnd.card(y) : Promise.resolve(undefined))), meetingReminderJob(escalations, relayAll)],
    routes: leadersRoutes({ deps, escalations, meetings, summary, bulletins, appeals, grades: (y) => grades.of(y) }),
    relayAll,
  };
}


