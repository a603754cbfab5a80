import { Writable } from 'node:stream';
import { writeCsv, writeXlsx, sheet } from '../src/app/table-export';
import { taskColumns, taskRows } from '../src/app/task-queries';
import { orgForSeeding, parseSeedArgs, seedTasks } from '../scripts/seed-tasks';
import { withBenchModels } from './bench-db';
import { mb, measure, runWhenMain } from './measure';
import { seededAppDeps } from './seeded-deps';

/**
 * The task export, streamed (cursor → exceljs WorkbookWriter / csv-stringify → the response), over
 * 10,000 and 100,000 tasks on FerretDB (SQLite): time and peak RSS of the process for each size and
 * format, written into a sink that only counts bytes (the HTTP response's place). BENCH_EXPORT_ROWS
 * (default `10000,100000`) changes the sizes; the largest is seeded once with scripts/seed-tasks.ts.
 */
const SIZES = (process.env.BENCH_EXPORT_ROWS ?? '10000,100000').split(',').map(Number).filter((n) => n > 0);
const NOW = new Date('2026-12-01T09:00:00+08:00');

class Counter extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.bytes += chunk.length;
    done();
  }
}

export async function run(): Promise<void> {
  await withBenchModels('export', async (models) => {
    const org = await orgForSeeding(models);
    const max = Math.max(...SIZES);
    await measure(`seed ${max} tasks`, () => seedTasks(models, org, parseSeedArgs(['--count', String(max), '--now', NOW.toISOString(), '--back', '120', '--seed', '7'])));
    const deps = seededAppDeps(models, org, NOW);
    const columns = taskColumns(org, 'Asia/Shanghai');
    for (const n of SIZES) {
      const q = { limit: n, offset: 0 };
      // the reference: the same tasks read in one find, held in memory (what the export did before)
      await measure(`read ${n} tasks in one find (reference)`, async () => (await deps.tasks.find({}, { sort: { year: -1, seq: -1 }, limit: n, projection: { owed: 0, history: 0 } })).length);
      for (const format of ['xlsx', 'csv'] as const) {
        const sink = new Counter();
        await measure(`export ${n} tasks as ${format.toUpperCase()} (streamed)`, async () => {
          if (format === 'csv') await writeCsv(columns, taskRows(deps, q), sink);
          else await writeXlsx([sheet({ name: '督办事项', columns, rows: taskRows(deps, q) })], sink);
          return sink.bytes;
        }, (bytes) => `${mb(bytes)} written`);
      }
    }
  });
}

runWhenMain(module, run);
