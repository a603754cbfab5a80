import type { AppDeps } from './deps';
import type { LetterFilter, RegisteredLetter } from './ports/letter-registry';

/**
 * The 督导提示函 registry: every letter by number, with whether an upheld appeal removed it from the
 * ranking (read from the appeals, so letters issued before this was shown carry the mark as well).
 */
export type { LetterFilter };

export type LetterRow = RegisteredLetter & { label: string; removed: boolean; removedBy: string | null };

export async function lettersQuery(deps: Pick<AppDeps, 'letterRegistry'>, f: LetterFilter): Promise<{ items: LetterRow[]; total: number }> {
  const { items: docs, total } = await deps.letterRegistry.page(f);
  const codes = [...new Set(docs.map((d) => d.code))];
  const upheld = codes.length ? await deps.letterRegistry.upheldAppeals(codes) : [];
  const removedBy = new Map<string, string>();
  for (const a of upheld) for (const id of a.letters) removedBy.set(id, a._id);
  const items = docs.map((d) => {
    const by = removedBy.get(d._id) ?? (d.appeal?.state === 'upheld' ? 'appeal' : null);
    return { ...d, label: `〔${d.year}〕第${d.number}号`, removed: by !== null, removedBy: by };
  });
  return { items, total };
}
