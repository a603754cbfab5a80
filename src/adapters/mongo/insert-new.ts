import type { Model } from 'mongoose';

/** Inserts documents keyed by _id, skipping those that exist; returns the _ids this call inserted (claims). */
export async function insertNew<T extends { _id: string }>(model: Model<T>, docs: T[]): Promise<Set<string>> {
  if (!docs.length) return new Set();
  try {
    await model.collection.insertMany(docs as never[], { ordered: false });
    return new Set(docs.map((d) => d._id));
  } catch (e) {
    const err = e as { code?: number; writeErrors?: { code?: number; index: number }[] | { code?: number; index: number } };
    const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : err.writeErrors ? [err.writeErrors] : [];
    if (!writeErrors.length || writeErrors.some((w) => w.code !== 11000)) throw e;
    const failed = new Set(writeErrors.map((w) => w.index));
    return new Set(docs.filter((_, i) => !failed.has(i)).map((d) => d._id));
  }
}
