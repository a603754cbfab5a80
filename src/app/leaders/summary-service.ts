import type { AppealDoc, EscalationDoc } from '../../adapters/mongo/models/leaders';
import type { MonthlySummaryInput, OverdueItem } from '../../cards';
import { hasRole, supervisedGroups, type Org, type Person } from '../../domain/org';
import { DEFAULT_WEIGHTS, rankMap, rankUnits, type RankedUnit, type RankingWeights, type UnitTally } from '../../domain/ranking';
import { monthlySummary, PeriodTally, previousPeriod, type Period, type TaskFacts } from '../../domain/summary';
import { OPEN_STATES } from '../../domain/task';
import { addDays, localDate, startOfDay, type LocalDate } from '../../domain/time';
import type { AppDeps } from '../deps';
import type { EscalationService } from './escalation-service';

/**
 * Figures for the monthly summary and the ranking, from queries FerretDB answers correctly: one `$sum`
 * per `$group`, and projections streamed in batches for everything
 * that compares dates (closed on time, workdays overdue), which the pure PeriodTally counts.
 */
export interface Scope {
  key: string; // city | leader:PL | groups:G1,G2 (message keys)
  label: string;
  groups: string[] | null; // null = every group (city-wide)
  units: string[]; // always ranked, even with nothing in the period
  leader?: string;
}

const FACTS = { _id: 0, code: 1, leadUnit: 1, state: 1, deadline: 1, closedAt: 1 } as const;

export class SummaryService {
  constructor(
    private readonly deps: AppDeps,
    private readonly escalations: EscalationService,
  ) {}

  get weights(): RankingWeights {
    return this.deps.settings.ranking ?? DEFAULT_WEIGHTS;
  }

  cityScope(org: Org): Scope {
    return { key: 'city', label: '全市', groups: null, units: org.units.map((u) => u.code) };
  }

  groupsScope(groups: string[], org: Org, label?: string): Scope {
    const gs = groups.map((g) => org.group(g)).filter((g) => g !== undefined);
    if (gs.some((g) => g.kind === 'coordination') && !label) return this.cityScope(org);
    const units = [...new Set(gs.flatMap((g) => (g.kind === 'special' ? g.units : [])))].filter((u) => org.unit(u));
    return { key: `groups:${groups.join(',')}`, label: label ?? gs.map((g) => g.name).join('、'), groups: gs.map((g) => g.code), units };
  }

  leaderScope(leader: Person, org: Org): Scope {
    const led = org.groupsLedBy(leader.code);
    const s = this.groupsScope(led.map((g) => g.code), org, `${leader.name} 挂钩督导组（${led.map((g) => g.name).join('、')}）`);
    return { ...s, key: `leader:${leader.code}`, leader: leader.code };
  }

  /** Whose figures a person sees: city-wide for admins, observers and the coordination group; else their groups. */
  scopeOf(p: Person, org: Org): Scope | null {
    if (hasRole(p, 'admin') || hasRole(p, 'observer')) return this.cityScope(org);
    const groups = supervisedGroups(p);
    if (groups.some((g) => org.group(g)?.kind === 'coordination')) return this.cityScope(org);
    if (groups.length) return this.groupsScope(groups, org);
    if (hasRole(p, 'cityLeader') && org.groupsLedBy(p.code).length) return this.leaderScope(p, org);
    return null;
  }

  private filter(scope: Scope): Record<string, unknown> {
    return scope.groups ? { group: { $in: scope.groups } } : {};
  }

  /** Task codes whose deductions an upheld appeal removed. */
  private async excluded(): Promise<Set<string>> {
    const rows = await this.deps.models.appeals.find({ state: 'upheld' }, { code: 1 }).lean<Pick<AppealDoc, 'code'>[]>();
    return new Set(rows.map((r) => r.code));
  }

  async tally(scope: Scope, period: Period, today: LocalDate, excluded?: Set<string>): Promise<UnitTally[]> {
    const { models, settings, cal } = this.deps;
    const tz = settings.tz;
    const t = new PeriodTally(period, today, tz, cal, this.weights, excluded ?? (await this.excluded()));
    const from = startOfDay(period.from, tz);
    const to = startOfDay(addDays(period.to, 1), tz);
    const f = this.filter(scope);
    const dispatched = await models.tasks.aggregate<{ _id: string; n: number }>([{ $match: { ...f, dispatchedAt: { $gte: from, $lt: to } } }, { $group: { _id: '$leadUnit', n: { $sum: 1 } } }]);
    for (const d of dispatched) t.addDispatched(d._id, d.n);
    if (period.from <= t.asOf) {
      const streams = [
        { ...f, state: 'closed', closedAt: { $gte: from } }, // closed in (or after) the period: counted, and overdue until closed
        { ...f, state: { $in: [...OPEN_STATES] }, deadline: { $lt: t.asOf } }, // still open and overdue within it
      ];
      for (const q of streams) for await (const raw of models.tasks.collection.find(q, { projection: FACTS, batchSize: 2000 })) t.addTask(raw as unknown as TaskFacts);
      // FerretDB 1.24's $unwind keeps only _id and the unwound field, so returns are counted in code over
      // the (few) tasks that ever had one
      const returned = models.tasks.collection.find({ ...f, returns: { $gt: 0 } }, { projection: { code: 1, leadUnit: 1, history: 1 }, batchSize: 500 });
      for await (const r of returned) {
        for (const h of (r.history ?? []) as { action: string; at: Date }[]) if (h.action === 'return' && h.at >= from && h.at < to) t.addReturn(r.leadUnit as string, r.code as string);
      }
      const letters = models.letters.collection.find({ issuedOn: { $gte: period.from, $lte: period.to }, ...(scope.groups ? { group: { $in: scope.groups } } : {}) }, { projection: { unit: 1, code: 1 } });
      for await (const l of letters) t.addLetter(l.unit as string, l.code as string);
    }
    return t.tallies(scope.units);
  }

  /** The period's ranking, with each unit's move since the period before. */
  async ranking(scope: Scope, period: Period, today: LocalDate): Promise<{ rows: RankedUnit[]; previous: RankedUnit[] }> {
    const excluded = await this.excluded();
    const [now, before] = await Promise.all([this.tally(scope, period, today, excluded), this.tally(scope, previousPeriod(period), today, excluded)]);
    const previous = rankUnits(before, this.weights);
    return { rows: rankUnits(now, this.weights, rankMap(previous)), previous };
  }

  async overdueNow(scope: Scope, now: Date, org: Org): Promise<OverdueItem[]> {
    const { models, settings, cal } = this.deps;
    const today = localDate(now, settings.tz);
    const out: OverdueItem[] = [];
    const q = { ...this.filter(scope), state: { $in: [...OPEN_STATES] }, deadline: { $lt: today } };
    for await (const raw of models.tasks.collection.find(q, { projection: { code: 1, title: 1, leadUnit: 1, deadline: 1 }, batchSize: 2000 })) {
      const n = cal.workdaysBetween(raw.deadline as string, today);
      out.push({ code: raw.code as string, title: raw.title as string, unitName: org.unitName(raw.leadUnit as string), overdueWorkdays: n });
    }
    return out;
  }

  async agenda(scope: Scope): Promise<EscalationDoc[]> {
    const all = await this.escalations.agenda(scope.leader);
    return scope.groups && !scope.leader ? all.filter((e) => scope.groups!.includes(e.group)) : all;
  }

  /** The monthly summary of `month` for a scope, as the card shows it (overdue and agenda as of `now`). */
  async monthly(scope: Scope, month: Period, now: Date): Promise<MonthlySummaryInput> {
    const org = await this.deps.orgs.get();
    const today = localDate(now, this.deps.settings.tz);
    const excluded = await this.excluded();
    const [tallies, prevTallies, overdueNow, agenda] = await Promise.all([
      this.tally(scope, month, today, excluded),
      this.tally(scope, previousPeriod(month), today, excluded),
      this.overdueNow(scope, now, org),
      this.agenda(scope),
    ]);
    return monthlySummary(
      { scopeLabel: scope.label, month, tallies, prevTallies, overdueNow, agenda: agenda.map((e) => ({ code: e.code, title: e.title, unitName: org.unitName(e.unit) })), unitName: (c) => org.unitName(c) },
      this.weights,
    );
  }
}
