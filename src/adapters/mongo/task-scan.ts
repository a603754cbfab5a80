import type { ScanPlan, TaskScan } from '../../app/ports/task-scan';
import type { Models } from './models';

/** Tasks streamed by the driver with a projection (no mongoose documents: the jobs read tens of thousands). */
export class MongoTaskScan implements TaskScan {
  constructor(private readonly models: Pick<Models, 'tasks'>) {}

  async *scan<T>(filter: Record<string, unknown>, fields: Readonly<Record<string, 0 | 1>>, batchSize: number): AsyncIterable<T> {
    for await (const raw of this.models.tasks.collection.find(filter, { projection: fields, batchSize })) yield raw as T;
  }

  /**
   * FerretDB answers `explain` with `filterPushdown`: false on SQLite (every document is read whatever
   * the filter), true on PostgreSQL for equalities. MongoDB has no such field and uses the indexes
   * either way. Asked once per connection.
   */
  plan(): Promise<ScanPlan> {
    const conn = this.models.tasks.db;
    let p = plans.get(conn);
    if (!p) {
      const explain = conn.db ? conn.db.command({ explain: { find: this.models.tasks.collection.collectionName, filter: { state: 'in_progress' } }, verbosity: 'queryPlanner' }) : Promise.reject(new Error('not connected'));
      p = explain.then((e) => (e.filterPushdown === false ? 'one' : 'split') as ScanPlan).catch(() => 'one' as ScanPlan);
      plans.set(conn, p);
    }
    return p;
  }
}

const plans = new WeakMap<object, Promise<ScanPlan>>();
