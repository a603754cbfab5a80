import type { JobRun, JobRunStore, JobRunSummary } from '../../app/ports/job-runs';
import type { Page } from '../../app/ports/owed-docs';
import type { Models } from './models';
import { JOB_RUN_SCHEMA_VERSION } from './models/job-runs';

export class MongoJobRuns implements JobRunStore {
  constructor(private readonly models: Pick<Models, 'jobRuns'>) {}

  async get(id: string): Promise<JobRun | null> {
    return this.models.jobRuns.findById(id).lean<JobRun>();
  }

  async start(run: JobRun, replace: boolean): Promise<JobRun> {
    const doc: JobRun = { ...run, schemaVersion: JOB_RUN_SCHEMA_VERSION };
    if (replace) await this.models.jobRuns.updateOne({ _id: run._id }, { $set: doc });
    else await this.models.jobRuns.collection.insertOne({ ...doc } as never); // the driver's types expect an ObjectId _id
    return doc;
  }

  async finish(id: string, done: Partial<JobRun>): Promise<void> {
    await this.models.jobRuns.updateOne({ _id: id }, { $set: done });
  }

  async statuses(ids: string[]): Promise<(JobRun['status'] | null)[]> {
    // one read by _id each (a few): FerretDB on SQLite filters nothing else in the database
    const found = await Promise.all(ids.map((id) => this.models.jobRuns.findById(id, { status: 1 }).lean<Pick<JobRun, 'status'>>()));
    return found.map((r) => r?.status ?? null);
  }

  async everScheduled(name: string): Promise<boolean> {
    return Boolean(await this.models.jobRuns.exists({ name, trigger: { $ne: 'manual' } }));
  }

  async lastOkSlot(name: string, after: Date, upTo: Date): Promise<Date | null> {
    return (await this.models.jobRuns.findOne({ name, status: 'ok', slot: { $gt: after, $lte: upTo } }, { slot: 1 }).sort({ slot: -1 }).lean<{ slot: Date }>())?.slot ?? null;
  }

  async list(name: string | undefined, limit: number, offset: number): Promise<Page<JobRun>> {
    const filter = name ? { name } : {};
    const [items, total] = await Promise.all([this.models.jobRuns.find(filter).sort({ startedAt: -1 }).skip(offset).limit(limit).lean<JobRun[]>(), this.models.jobRuns.countDocuments(filter)]);
    return { items, total };
  }

  async last(name: string): Promise<JobRunSummary | null> {
    const last = await this.models.jobRuns.find({ name }, { name: 1, slot: 1, trigger: 1, status: 1, startedAt: 1, endedAt: 1, error: 1 }).sort({ startedAt: -1 }).limit(1).lean<JobRunSummary[]>();
    return last[0] ?? null;
  }

  async prune(before: Date): Promise<number> {
    return (await this.models.jobRuns.deleteMany({ startedAt: { $lt: before } })).deletedCount;
  }
}
