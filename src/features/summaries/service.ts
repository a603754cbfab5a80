import type { MonthlySummaryInput } from '../../cards';
import { hasRole, supervisedGroups, type Org, type Person } from '../../domain/org';
import { DEFAULT_WEIGHTS, rankMap, rankUnits, type RankedUnit, type RankingWeights, type UnitTally } from '../../domain/ranking';
import { monthlySummary, PeriodTally, previousPeriod, WorkdayCounter, type Period, type TaskFacts } from '../../domain/summary';
import { OPEN_STATES, type Task } from '../../domain/task';
import { localDate, startOfDay, type LocalDate } from '../../domain/time';
import type { AppDeps } from '../../app/deps';
import type { Escalation } from '../../app/ports/escalations';
import type { EscalationService } from '../escalation/service';
import { exclusionsOf, type Exclusions } from '../../domain/appeal';

/**
 * Figures for the monthly summary and the ranking: the tasks are streamed once with a projection and
 * counted in code by the pure PeriodTally (FerretDB cannot compare dates in a pipeline, gives wrong
 * numbers with several accumulators, and its $unwind drops the other fields).
 */
export interface Scope {
  key: string; // city | leader:PL | groups:G1,G2 (message keys)
  label: string;
  groups: string[] | null; // null = every group (city-wide)
  units: string[]; // always ranked, even with nothing in the period
  leader?: string;
}

const SCAN = { _id: 0, code: 1, title: 1, leadUnit: 1, group: 1, state: 1, deadline: 1, dispatchedAt: 1, closedAt: 1, returns: 1, history: 1 } as const;
type ScannedTask = TaskFacts & Pick<Task, 'title' | 'group' | 'dispatchedAt' | 'returns'> & { history?: { action: string; at: Date | string }[] };

export interface ScopeFigures {
  scope: Scope;
  tallies: PeriodTally[]; // one per period asked for
  overdue: { code: string; title: string; unit: string; overdueWorkdays: number }[];
}

export class SummaryService {
  constructor(
    private readonly deps: AppDeps,
    private readonly escalations: EscalationService,
  ) {}

  /** A task's 退回 entries; older ones may have moved out of the task with the rest of its history. */
  private async returnsOf(t: ScannedTask): Promise<{ action: string; at: Date | string }[]> {
    if (!(t.returns > 0)) return [];
    const embedded = (t.history ?? []).filter((h) => h.action === 'return');
    if (embedded.length >= t.returns) return embedded;
    const seen = new Set(embedded.map((h) => new Date(h.at).getTime()));
    const archived = (await this.deps.tasks.archivedEntries(t.code, 'return')).filter((h) => !seen.has(new Date(h.at).getTime()));
    return [...archived, ...embedded];
  }

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

  /** The deductions upheld appeals removed. */
  private async excluded(): Promise<Exclusions> {
    return exclusionsOf(await this.deps.appeals.upheld());
  }

  /**
   * One pass over the tasks feeds every scope and period asked for. FerretDB 1.24 (SQLite) reads and
   * decodes every document of the collection for a date-range query whatever the indexes, so one scan
   * costs about as much as one query: the monthly job makes all its cards (each leader's and the
   * city-wide one, this month and the month before, overdue now) from a single scan.
   */
  async scan(scopes: Scope[], periods: Period[], today: LocalDate, withOverdue = false, background = false): Promise<ScopeFigures[]> {
    const { taskScan, letters, settings, cal } = this.deps;
    const tz = settings.tz;
    const excluded = await this.excluded();
    const days = new WorkdayCounter(cal);
    const out: ScopeFigures[] = scopes.map((scope) => ({ scope, tallies: periods.map((p) => new PeriodTally(p, today, tz, cal, this.weights, excluded, days)), overdue: [] }));
    const earliest = periods.reduce((m, p) => (p.from < m ? p.from : m), periods[0]?.from ?? today);
    const since = startOfDay(earliest, tz);
    const groups = scopes.every((s) => s.groups) ? [...new Set(scopes.flatMap((s) => s.groups!))] : null;
    // anything that can count: dispatched or closed since the earliest period, or still open
    const filter = { ...(groups ? { group: { $in: groups } } : {}), $or: [{ state: { $in: [...OPEN_STATES] } }, { dispatchedAt: { $gte: since } }, { closedAt: { $gte: since } }] };
    for await (const t of taskScan.scan<ScannedTask>(filter, SCAN, 2000, background)) {
      const dispatchedOn = localDate(t.dispatchedAt, tz);
      const closedOn = t.state === 'closed' && t.closedAt ? localDate(t.closedAt, tz) : null;
      const returned = (await this.returnsOf(t)).map((h) => localDate(new Date(h.at), tz));
      const overdueNow = withOverdue && OPEN_STATES.includes(t.state) && t.deadline < today;
      const n = overdueNow ? days.between(t.deadline, today) : 0;
      for (const f of out) {
        if (f.scope.groups && !f.scope.groups.includes(t.group)) continue;
        for (const tally of f.tallies) {
          const p = tally.period;
          if (dispatchedOn >= p.from && dispatchedOn <= p.to) tally.addDispatched(t.leadUnit, 1);
          tally.addTask(t, closedOn);
          for (const d of returned) if (d >= p.from && d <= p.to) tally.addReturn(t.leadUnit, t.code);
        }
        if (overdueNow) f.overdue.push({ code: t.code, title: t.title, unit: t.leadUnit, overdueWorkdays: n });
      }
    }
    const latest = periods.reduce((m, p) => (p.to > m ? p.to : m), earliest);
    for await (const l of letters.issuedBetween(earliest, latest)) {
      for (const f of out) {
        if (f.scope.groups && !f.scope.groups.includes(l.group)) continue;
        for (const tally of f.tallies) if (l.issuedOn >= tally.period.from && l.issuedOn <= tally.period.to) tally.addLetter(l.unit, l._id);
      }
    }
    return out;
  }

  async tally(scope: Scope, period: Period, today: LocalDate): Promise<UnitTally[]> {
    const [f] = await this.scan([scope], [period], today);
    return f.tallies[0].tallies(scope.units);
  }

  /** The period's ranking, with each unit's move since the period before. */
  async ranking(scope: Scope, period: Period, today: LocalDate): Promise<{ rows: RankedUnit[]; previous: RankedUnit[] }> {
    const [f] = await this.scan([scope], [period, previousPeriod(period)], today);
    const previous = rankUnits(f.tallies[1].tallies(scope.units), this.weights);
    return { rows: rankUnits(f.tallies[0].tallies(scope.units), this.weights, rankMap(previous)), previous };
  }

  async agenda(scope: Scope): Promise<Escalation[]> {
    const all = await this.escalations.agenda(scope.leader);
    return scope.groups && !scope.leader ? all.filter((e) => scope.groups!.includes(e.group)) : all;
  }

  /**
   * The monthly summaries of `month` for several scopes from one scan (overdue and agenda as of `now`);
   * `background`: the monthly job's, which gives way to the answers being written.
   */
  async monthlyMany(scopes: Scope[], month: Period, now: Date, background = false): Promise<MonthlySummaryInput[]> {
    const org = await this.deps.orgs.get();
    const today = localDate(now, this.deps.settings.tz);
    const figures = await this.scan(scopes, [month, previousPeriod(month)], today, true, background);
    const out: MonthlySummaryInput[] = [];
    for (const f of figures) {
      const agenda = await this.agenda(f.scope);
      const overdueNow = f.overdue.map((o) => ({ code: o.code, title: o.title, unitName: org.unitName(o.unit), overdueWorkdays: o.overdueWorkdays }));
      out.push(
        monthlySummary(
          { scopeLabel: f.scope.label, month, tallies: f.tallies[0].tallies(f.scope.units), prevTallies: f.tallies[1].tallies(f.scope.units), overdueNow, agenda: agenda.map((e) => ({ code: e.code, title: e.title, unitName: org.unitName(e.unit) })), unitName: (c) => org.unitName(c) },
          this.weights,
        ),
      );
    }
    return out;
  }

  async monthly(scope: Scope, month: Period, now: Date): Promise<MonthlySummaryInput> {
    return (await this.monthlyMany([scope], month, now))[0];
  }
}
