import type { ScanPlan, TaskScan } from '../../app/ports/task-scan';
import type { Models } from './models';
import { writeGate } from './write-gate';
import { perConnection } from './per-connection';

/** Tasks per round trip at most: FerretDB's SQLite handler decodes each, so a batch is a slice of its time. */
const SLICE = 250;

/**
 * Tasks streamed by the driver with a projection (no mongoose documents: the jobs read tens of
 * thousands). A background scan (a job's) goes in slices of at most SLICE and waits before each while
 * answers are being written (`WriteGate.calm`): on FerretDB's SQLite handler each slice keeps the
 * database busy for tens of ms that a morning's clicks would wait behind (docs/architecture.md#the-hot-path).
 */
export class MongoTaskScan implements TaskScan {
  constructor(private readonly models: Pick<Models, 'tasks'>) {}

  async *scan<T>(filter: Record<string, unknown>, fields: Readonly<Record<string, 0 | 1>>, batchSize: number, background = false): AsyncIterable<T> {
    const slice = Math.max(1, background ? Math.min(batchSize, SLICE) : batchSize);
    const gate = writeGate(this.models.tasks);
    const cursor = this.models.tasks.collection.find(filter, { projection: fields, batchSize: slice });
    try {
      for (let n = 0; ; n++) {
        if (background && n % slice === 0) await gate.calm(); // the next slice is a round trip: not while answers are written
        const raw = await cursor.next();
        if (raw === null) return;
        yield raw as T;
      }
    } finally {
      await cursor.close();
    }
  }

  /**
   * FerretDB answers `explain` with `filterPushdown`: false on SQLite (every document is read whatever
   * the filter), true on PostgreSQL for equalities. MongoDB has no such field and uses the indexes
   * either way. Asked once per connection.
   */
  plan(): Promise<ScanPlan> {
    return planOf(this.models.tasks);
  }
}

const planOf = perConnection((tasks: Models['tasks']): Promise<ScanPlan> => {
  const conn = tasks.db;
  const explain = conn.db ? conn.db.command({ explain: { find: tasks.collection.collectionName, filter: { state: 'in_progress' } }, verbosity: 'queryPlanner' }) : Promise.reject(new Error('not connected'));
  return explain.then((e) => (e.filterPushdown === false ? 'one' : 'split') as ScanPlan).catch(() => 'one' as ScanPlan);
});
