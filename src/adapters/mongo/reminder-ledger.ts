import type { ReminderClaim, ReminderLedger, ReminderRun } from '../../app/ports/reminder-ledger';
import { insertNew } from './insert-new';
import { writeGate } from './write-gate';
import type { Models } from './models';
import { REMINDER_RUN_SCHEMA_VERSION } from './models/reminder-runs';

/** reminder_runs and reminder_claims (models/reminder-runs.ts, models/reminder-claims.ts). */
export class MongoReminderLedger implements ReminderLedger {
  constructor(private readonly models: Pick<Models, 'reminderRuns' | 'reminderClaims'>) {}

  async startRun(run: ReminderRun): Promise<void> {
    await this.models.reminderRuns.collection.insertOne({ ...run, schemaVersion: run.schemaVersion ?? REMINDER_RUN_SCHEMA_VERSION } as never); // the driver's types expect an ObjectId _id
  }

  async unfinished(except: string): Promise<Pick<ReminderRun, '_id' | 'day' | 'startedAt'>[]> {
    return this.models.reminderRuns.find({ state: 'started', _id: { $ne: except } }, { _id: 1, day: 1, startedAt: 1 }).lean<Pick<ReminderRun, '_id' | 'day' | 'startedAt'>[]>();
  }

  async lastDoneDay(upTo: string): Promise<string | undefined> {
    return (await this.models.reminderRuns.findOne({ state: 'done', day: { $lte: upTo } }, { day: 1 }).sort({ day: -1 }).lean<{ day: string }>())?.day;
  }

  async doneOn(day: string): Promise<boolean> {
    return Boolean(await this.models.reminderRuns.exists({ state: 'done', day }));
  }

  async finishRun(id: string, endedAt: Date): Promise<void> {
    await this.models.reminderRuns.updateOne({ _id: id }, { $set: { state: 'done', endedAt } });
  }

  async recovered(ids: string[], by: string): Promise<void> {
    await this.models.reminderRuns.updateMany({ _id: { $in: ids } }, { $set: { state: 'recovered', recoveredBy: by } });
  }

  async pruneRuns(before: Date): Promise<void> {
    await this.models.reminderRuns.deleteMany({ state: { $ne: 'started' }, startedAt: { $lt: before } });
  }

  /**
   * Background writes (docs/architecture.md#the-hot-path): after the answers of the moment, in slices of
   * 250 (a few ms each on FerretDB's SQLite handler, where a thousand held every answer ~80 ms).
   */
  async claim(claims: ReminderClaim[]): Promise<Set<string>> {
    const gate = writeGate(this.models.reminderClaims);
    const fresh = new Set<string>();
    for (let i = 0; i < claims.length; i += 250) {
      for (const id of await gate.run('after', () => insertNew(this.models.reminderClaims, claims.slice(i, i + 250)))) fresh.add(id);
    }
    return fresh;
  }

  async claimsOfRuns(runs: string[]): Promise<Pick<ReminderClaim, '_id' | 'run'>[]> {
    return this.models.reminderClaims.find({ run: { $in: runs } }, { _id: 1, run: 1 }).lean<Pick<ReminderClaim, '_id' | 'run'>[]>();
  }

  async dailyClaimsOf(day: string): Promise<string[]> {
    return (await this.models.reminderClaims.find({ day, once: false }, { _id: 1 }).lean<{ _id: string }[]>()).map((c) => c._id);
  }

  /**
   * Day by day, and unit by unit when a day is too large: FerretDB's SQLite backend fails a delete of
   * more than about 32,000 documents ("too many SQL variables").
   */
  async pruneDailyClaims(before: Date): Promise<number> {
    const claims = this.models.reminderClaims;
    const old = { once: false, createdAt: { $lt: before } };
    let deleted = 0;
    for (const day of (await claims.distinct('day', old)) as string[]) {
      try {
        deleted += (await claims.deleteMany({ ...old, day })).deletedCount;
      } catch {
        for (const unit of (await claims.distinct('unit', { ...old, day })) as string[]) deleted += (await claims.deleteMany({ ...old, day, unit })).deletedCount;
      }
    }
    return deleted;
  }
}
