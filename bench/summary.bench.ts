import { EscalationService } from '../src/features/escalation';
import { summariesFeature, SummaryService } from '../src/features/summaries';
import { checkCard, monthlySummaryCard } from '../src/cards';
import { hasRole } from '../src/domain/org';
import { parsePeriod } from '../src/domain/summary';
import { JobRunner } from '../src/jobs/runner';
import { orgForSeeding, parseSeedArgs, seedTasks } from '../scripts/seed-tasks';
import { withBenchModels } from './bench-db';
import { measure, runWhenMain } from './measure';
import { seededAppDeps } from './seeded-deps';

/**
 * The monthly summary over 100,000 tasks on FerretDB (SQLite): seeds them (scripts/seed-tasks.ts), then
 * times the city-wide summary, one leader's, the whole `monthly-summary` job (every leader's card and
 * the city-wide one from one scan) and the year ranking, with the peak RSS of the process while each
 * runs. BENCH_TASKS changes the count.
 */
const COUNT = Number(process.env.BENCH_TASKS ?? 100_000);
const NOW = new Date('2026-12-01T09:00:00+08:00');


export async function run(): Promise<void> {
  await withBenchModels('summary', async (models) => {
    const org = await orgForSeeding(models);
    const seeded = await measure(`seed ${COUNT} tasks`, () => seedTasks(models, org, parseSeedArgs(['--count', String(COUNT), '--now', NOW.toISOString(), '--back', '120', '--seed', '7'])));
    console.log(`  ${Object.entries(seeded.value.byState).map(([s, n]) => `${s} ${n}`).join(', ')}`);
    const deps = seededAppDeps(models, org, NOW);
    const summary = new SummaryService(deps, new EscalationService(deps));
    const nov = parsePeriod('2026-11')!;
    const city = await measure('city-wide monthly summary (2026-11)', () => summary.monthly(summary.cityScope(org), nov, NOW));
    const card = monthlySummaryCard(city.value);
    console.log(`  dispatched ${city.value.dispatched}, closed ${city.value.closed}, on time ${((city.value.onTimeRate ?? 0) * 100).toFixed(1)}%, overdue now ${city.value.overdueNow.length}, units ranked ${city.value.ranking.length}; card ${JSON.stringify(card).length} bytes, checkCard: ${checkCard(card).join('; ') || 'ok'}`);
    const leaders = org.people.filter((p) => hasRole(p, 'cityLeader') && org.groupsLedBy(p.code).length);
    const one = await measure(`one leader's summary (${leaders[0]?.name ?? '—'})`, () => summary.monthly(summary.leaderScope(leaders[0], org), nov, NOW));
    const { feature } = summariesFeature(deps, new EscalationService(deps));
    const runner = new JobRunner(deps, feature.jobs!, {});
    const job = await measure('monthly-summary job (all cards queued)', () => runner.run('monthly-summary', NOW));
    const year = await measure('year ranking (2026, city-wide)', () => summary.ranking(summary.cityScope(org), parsePeriod('2026')!, '2026-12-01'));
    console.log(`\n  tasks per second, city-wide summary: ${((COUNT / city.ms) * 1000).toFixed(0)}`);
    console.log(`  job / city-wide summary: ${(job.ms / city.ms).toFixed(2)}×; one leader / city-wide: ${(one.ms / city.ms).toFixed(2)}×; year ranking / city-wide: ${(year.ms / city.ms).toFixed(2)}×`);
    console.log(`  job result: ${JSON.stringify(job.value.result)}`);
  });
}

runWhenMain(module, run);
