import { limitMessage, overLimit } from '../../limits';
import { cardValue } from '../../cards/actions';
import { cut, momentText, summaryText } from '../../cards/common';
import { renderCard, type Card } from '../../cards/template';
import { hasRole, officialUnits, supervisedGroups, type Org, type Person } from '../../domain/org';
import { isOpen } from '../../domain/task';
import { localDate } from '../../domain/time';
import type { AppDeps } from '../../app/deps';
import { messageKey } from '../../app/keys';
import { docRefreshItem, groupTargets, liveCardItem, personTarget, textItem, unitTargets, type Target } from '../../app/notify';
import type { OutboxItem } from '../../app/outbox-item';
import type { Appeal, AppealFilter } from '../../app/ports/appeals';
import type { Page } from '../../app/ports/owed-docs';
import { appealFooter, appealItems, appealItemsText, splitAppealItem } from '../../domain/appeal';

/**
 * 申诉 (appeals): a unit official appeals a score item of one of the unit's tasks (its workdays overdue,
 * its returns, one 督导提示函 or all of them) or all of its deductions, with a reason; the coordination
 * group decides on a live card. Upheld, what was appealed leaves the ranking; rejected, nothing changes.
 * Filing and deciding are audited.
 */
export type AppealOutcome = { ok: true; toast: string; doc: Appeal } | { ok: false; kind: 'forbidden' | 'invalid' | 'stale' | 'missing'; message: string; doc?: Appeal };

export const appealRef = (id: string) => `appeal:${id}`;

export class AppealService {
  constructor(private readonly deps: AppDeps) {}

  private get docs() {
    return this.deps.appeals;
  }

  card(a: Appeal, org: Org, title: string): Card {
    const tz = this.deps.settings.tz;
    const items = appealItemsText(a.items);
    const word = a.state === 'upheld' ? '申诉成立' : '维持原评';
    const v = (x: 'upheld' | 'rejected') => cardValue('appeal.decide', { r: a._id, c: a.code, s: a.state, x });
    return renderCard('appeal', {
      summary: summaryText(`计分申诉：${org.unitName(a.unit)} ${a.code}`),
      code: a.code,
      unitName: org.unitName(a.unit),
      title: cut(title, 80, true),
      color: a.state === 'pending' ? 'orange' : a.state === 'upheld' ? 'green' : 'grey',
      is: { pending: a.state === 'pending', upheld: a.state === 'upheld', rejected: a.state === 'rejected' },
      items: items || '—',
      reason: cut(a.reason, 1000),
      by: org.personName(a.by),
      at: momentText(a.at, tz),
      decision: a.state === 'pending' ? null : `${word}（${org.personName(a.decidedBy ?? '')}）${a.opinion ? `：${cut(a.opinion, 600)}` : ''}`,
      canDecide: a.state === 'pending',
      footer: appealFooter(a.items),
      values: { upheld: v('upheld'), rejected: v('rejected') },
    });
  }

  async render(id: string): Promise<Card | null> {
    const a = await this.docs.get(id);
    if (!a) return null;
    const t = await this.deps.tasks.get(a.code);
    return this.card(a, await this.deps.orgs.get(), t?.title ?? a.code);
  }

  /** Where appeals are decided: the coordination group's chat (or its 组长), else the admins. */
  private deciders(org: Org): Target[] {
    const g = org.coordinationGroup();
    const to = g ? groupTargets(org, g.code) : [];
    return to.length ? to : org.admins().flatMap((p) => personTarget(org, p.code));
  }

  /** Files an appeal; `text` is `[item] 理由` (see splitAppealItem): one item, or the whole task. */
  async file(code: string, p: Person, text: string): Promise<AppealOutcome> {
    const org = await this.deps.orgs.get();
    const task = await this.deps.tasks.get(code);
    if (!task) return { ok: false, kind: 'missing', message: `找不到督办单 ${code}，请核对编号。` };
    if (!officialUnits(p).includes(task.leadUnit) && !hasRole(p, 'admin')) return { ok: false, kind: 'forbidden', message: `只有责任单位${org.unitName(task.leadUnit)}的联络员或负责人可以对 ${task.code} 提出申诉。` };
    const { choice, reason: why } = splitAppealItem(text);
    if (!why) return { ok: false, kind: 'invalid', message: `请写明申诉理由，例如：申诉 ${task.code} 超期 系上级政策调整所致（可在理由前写明申诉事项：超期、退回、提示函或〔2026〕第N号，不写即申诉全部扣分）` };
    if (overLimit('noteChars', why.length)) return { ok: false, kind: 'invalid', message: `${limitMessage('noteChars', why.length, '申诉理由')}，请精简后重新提交。` };
    const { settings, cal, clock } = this.deps;
    const today = localDate(clock.now(), settings.tz);
    const end = task.state === 'closed' && task.closedAt ? localDate(task.closedAt, settings.tz) : isOpen(task) ? today : task.deadline;
    const overdueWorkdays = end > task.deadline ? cal.workdaysBetween(task.deadline, end) : 0;
    const letters = (await this.deps.letters.numbersOf(task.code)).map((l) => ({ id: l._id, year: l.year, number: l.number }));
    const chosen = appealItems(task.code, { overdueWorkdays, returns: task.returns, letters }, choice);
    if (!chosen.ok) return { ok: false, kind: 'invalid', message: chosen.message };
    const items = chosen.items;
    return this.deps.locks.withLock(`appeal:file:${task.code}`, async () => {
      const mine = await this.docs.statesOf(task.code);
      if (mine.includes('pending')) return { ok: false, kind: 'invalid', message: `${task.code} 已有一项申诉等待裁定，请勿重复申诉。` };
      const id = `AP-${task.code}-${mine.length + 1}`;
      const doc: Appeal = { _id: id, code: task.code, unit: task.leadUnit, group: task.group, reason: why, items, state: 'pending', by: p.code, at: clock.now(), rev: 1 };
      const owed = this.deciders(org).map((to) => liveCardItem(messageKey('appeal', id, to.id), to, 'appeal', appealRef(id), 'group'));
      await this.docs.create(doc, owed, { action: 'file', by: p.code, note: why, after: { state: 'pending', items: doc.items } });
      return { ok: true, toast: `已提交申诉 ${id}（${appealItemsText(items)}），由综合协调组裁定，结果会通知本单位。`, doc };
    });
  }

  private may(p: Person, org: Org): string | null {
    if (hasRole(p, 'admin') || supervisedGroups(p).some((g) => org.group(g)?.kind === 'coordination')) return null;
    return '申诉由综合协调组裁定，您无权操作。';
  }

  async decide(id: string, p: Person, decision: 'upheld' | 'rejected', opinion: string, expect?: string): Promise<AppealOutcome> {
    const org = await this.deps.orgs.get();
    const r = await this.docs.change<AppealOutcome>(id, (a) => {
      const denied = this.may(p, org);
      if (denied) return { result: { ok: false, kind: 'forbidden', message: denied, doc: a } };
      if (a.state !== 'pending' || (expect && expect !== a.state)) return { result: { ok: false, kind: 'stale', message: `此申诉已裁定（${a.state === 'upheld' ? '申诉成立' : '维持原评'}），卡片已刷新。`, doc: a } };
      const text = opinion.trim();
      if (decision === 'rejected' && !text) return { result: { ok: false, kind: 'invalid', message: '维持原评请写明理由（opinion）。', doc: a } };
      if (overLimit('noteChars', text.length)) return { result: { ok: false, kind: 'invalid', message: `${limitMessage('noteChars', text.length, '裁定意见')}，请精简后重新提交。`, doc: a } };
      const doc: Appeal = { ...a, state: decision, decidedBy: p.code, decidedAt: this.deps.clock.now(), opinion: text || undefined };
      const word = decision === 'upheld' ? `申诉成立，${appealItemsText(a.items)}不再计入排名扣分` : '维持原评，计分不变';
      const note = `${a.code} 的计分申诉（${a._id}）已裁定：${word}。${text ? `意见：${text}` : ''}`;
      const owed: OutboxItem[] = [...unitTargets(org, a.unit).map((to) => textItem(messageKey('appealdec', a._id, to.id), to, note)), docRefreshItem('appeal', id, a.rev + 1)];
      return { doc, owed, audit: { action: decision, by: p.code, note: text, before: { state: 'pending' }, after: { state: decision } }, result: { ok: true, toast: decision === 'upheld' ? '已裁定：申诉成立' : '已裁定：维持原评', doc: { ...doc, rev: a.rev + 1 } } };
    });
    return r ?? { ok: false, kind: 'missing', message: `找不到申诉 ${id}。` };
  }

  list(filter: AppealFilter, limit: number, offset: number): Promise<Page<Appeal>> {
    return this.docs.list(filter, limit, offset);
  }
}
