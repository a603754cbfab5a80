import type { AuditEntry } from '../../domain/task';
import type { AuditFilter, AuditRecord, AuditRow, AuditStep, ReminderSent, Slice } from '../../app/ports/audit-record';
import type { LetterFilter, LetterRegistry, RegisteredLetter } from '../../app/ports/letter-registry';
import { insertNew } from './insert-new';
import type { Models } from './models';
import type { AppealDoc } from './models/appeals';
import { AUDIT_SCHEMA_VERSION, type AuditDoc } from './models/audits';
import type { TaskHistoryDoc } from './models/task-history';

function range(f: AuditFilter, field: string): Record<string, unknown> {
  const r: Record<string, Date> = {};
  if (f.from) r.$gte = f.from;
  if (f.to) r.$lt = f.to;
  return Object.keys(r).length ? { [field]: r } : {};
}

const row = (d: AuditDoc): AuditRow => ({ at: d.at, by: d.by, action: d.action, entity: d.entity, task: d.task, note: d.note, before: d.before, after: d.after });

/**
 * The record on MongoDB: tasks' histories are unwound in the database ($unwind, $match, $sort — all
 * FerretDB 1.24 has); task_history and audits are read sorted and cut.
 */
export class MongoAuditRecord implements AuditRecord {
  constructor(private readonly models: Pick<Models, 'tasks' | 'taskHistory' | 'audits' | 'reminderClaims'>) {}

  async taskEntries(f: AuditFilter, upTo: number): Promise<Slice<{ code: string; entry: AuditEntry }>> {
    const match: Record<string, unknown> = { ...range(f, 'history.at') };
    if (f.actor) match['history.by'] = f.actor;
    if (f.action) match['history.action'] = f.action;
    const base = [{ $project: { code: 1, history: 1 } }, { $unwind: '$history' }, ...(Object.keys(match).length ? [{ $match: match }] : [])];
    const [docs, counted] = await Promise.all([
      upTo > 0 ? this.models.tasks.aggregate<{ code: string; history: AuditEntry }>([...base, { $sort: { 'history.at': -1 } }, { $limit: upTo }]) : Promise.resolve([]),
      this.models.tasks.aggregate<{ n: number }>([...base, { $group: { _id: null, n: { $sum: 1 } } }]),
    ]);
    return { rows: docs.map((d) => ({ code: d.code, entry: d.history })), total: counted[0]?.n ?? 0 };
  }

  async movedEntries(f: AuditFilter, upTo: number): Promise<Slice<{ code: string; entry: AuditEntry }>> {
    const filter: Record<string, unknown> = { ...range(f, 'at') };
    if (f.actor) filter.by = f.actor;
    if (f.action) filter.action = f.action;
    const [docs, total] = await Promise.all([
      upTo > 0 ? this.models.taskHistory.find(filter).sort({ at: -1 }).limit(upTo).lean<TaskHistoryDoc[]>() : Promise.resolve([]),
      this.models.taskHistory.countDocuments(filter),
    ]);
    return { rows: docs.map((d) => ({ code: d.code, entry: d })), total };
  }

  async logEntries(f: AuditFilter, upTo: number): Promise<Slice<AuditRow>> {
    const filter: Record<string, unknown> = { ...range(f, 'at') };
    if (f.task) filter.task = f.task.toUpperCase();
    if (f.actor) filter.by = f.actor;
    if (f.action) filter.action = f.action;
    const [docs, total] = await Promise.all([
      upTo > 0 ? this.models.audits.find(filter).sort({ at: -1 }).limit(upTo).lean<AuditDoc[]>() : Promise.resolve([]),
      this.models.audits.countDocuments(filter),
    ]);
    return { rows: docs.map(row), total };
  }

  async ofTask(code: string): Promise<AuditRow[]> {
    const docs = await this.models.audits.find({ task: code.toUpperCase() }).sort({ at: 1 }).lean<AuditDoc[]>();
    return docs.map(row);
  }

  async addSteps(steps: AuditStep[]): Promise<number> {
    let added = 0;
    for (let i = 0; i < steps.length; i += 1000) {
      const docs = steps.slice(i, i + 1000).map((s) => ({ ...s, schemaVersion: AUDIT_SCHEMA_VERSION }));
      added += (await insertNew(this.models.audits as never, docs as never[])).size;
    }
    return added;
  }

  async has(id: string): Promise<boolean> {
    return Boolean(await this.models.audits.exists({ _id: id }));
  }

  async *remindersSent(): AsyncIterable<ReminderSent> {
    yield* this.models.reminderClaims.find({ kind: { $ne: 'letter' } }, { _id: 1, kind: 1, code: 1, unit: 1, group: 1, day: 1, createdAt: 1 }).lean<ReminderSent[]>().cursor();
  }
}

/** letters (and the appeals that removed some), latest number first. */
export class MongoLetterRegistry implements LetterRegistry {
  constructor(private readonly models: Pick<Models, 'letters' | 'appeals'>) {}

  async page(f: LetterFilter): Promise<{ items: RegisteredLetter[]; total: number }> {
    const filter: Record<string, unknown> = {};
    if (f.year) filter.year = f.year;
    if (f.unit) filter.unit = f.unit;
    if (f.task) filter.code = f.task.toUpperCase();
    const [items, total] = await Promise.all([
      this.models.letters.find(filter, { run: 0, sent: 0, schemaVersion: 0 }).sort({ year: -1, number: -1 }).skip(f.offset).limit(f.limit).lean<RegisteredLetter[]>(),
      this.models.letters.countDocuments(filter),
    ]);
    return { items, total };
  }

  async upheldAppeals(codes: string[]): Promise<{ _id: string; letters: string[] }[]> {
    const docs = await this.models.appeals.find({ code: { $in: codes }, state: 'upheld' }, { _id: 1, items: 1 }).lean<Pick<AppealDoc, '_id' | 'items'>[]>();
    return docs.map((a) => ({ _id: a._id, letters: a.items.letters ?? [] }));
  }

  async *all(): AsyncIterable<RegisteredLetter> {
    yield* this.models.letters.find({}).lean<RegisteredLetter[]>().cursor();
  }
}
