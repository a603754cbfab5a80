import type { AppealDoc } from '../adapters/mongo/models/appeals';
import type { LetterDoc } from '../adapters/mongo/models/letters';
import type { AppDeps } from './deps';

/**
 * The 督导提示函 registry: every letter by number, with whether an upheld appeal removed it from the
 * ranking (read from the appeals, so letters issued before this was shown carry the mark as well).
 */
export interface LetterFilter {
  year?: number;
  unit?: string;
  task?: string;
  limit: number;
  offset: number;
}

export type LetterRow = Omit<LetterDoc, 'run' | 'sent' | 'schemaVersion'> & { label: string; removed: boolean; removedBy: string | null };

export async function lettersQuery(deps: AppDeps, f: LetterFilter): Promise<{ items: LetterRow[]; total: number }> {
  const filter: Record<string, unknown> = {};
  if (f.year) filter.year = f.year;
  if (f.unit) filter.unit = f.unit;
  if (f.task) filter.code = f.task.toUpperCase();
  const [docs, total] = await Promise.all([
    deps.models.letters.find(filter, { run: 0, sent: 0, schemaVersion: 0 }).sort({ year: -1, number: -1 }).skip(f.offset).limit(f.limit).lean<LetterDoc[]>(),
    deps.models.letters.countDocuments(filter),
  ]);
  const codes = [...new Set(docs.map((d) => d.code))];
  const upheld = codes.length ? await deps.models.appeals.find({ code: { $in: codes }, state: 'upheld' }, { _id: 1, items: 1 }).lean<Pick<AppealDoc, '_id' | 'items'>[]>() : [];
  const removedBy = new Map<string, string>();
  for (const a of upheld) for (const id of a.items.letters ?? []) removedBy.set(id, a._id);
  const items = docs.map((d) => {
    const by = removedBy.get(d._id) ?? (d.appeal?.state === 'upheld' ? 'appeal' : null);
    return { ...d, label: `〔${d.year}〕第${d.number}号`, removed: by !== null, removedBy: by };
  });
  return { items, total };
}
