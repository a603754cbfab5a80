import type { Model } from 'mongoose';

/** The schemaVersion a model's schema gives new documents (its default), if it declares one. */
export function schemaVersionOf(model: Model<never>): number | undefined {
  const def = (model.schema.obj as { schemaVersion?: { default?: unknown } }).schemaVersion?.default;
  return typeof def === 'number' ? def : undefined;
}

/**
 * Inserts documents keyed by _id, skipping those that exist; returns the _ids this call inserted (claims).
 * The driver's insert bypasses mongoose defaults, so a document without a schemaVersion gets the model's.
 */
export async function insertNew<T extends { _id: string }>(model: Model<T>, docs: T[]): Promise<Set<string>> {
  if (!docs.length) return new Set();
  const version = schemaVersionOf(model as unknown as Model<never>);
  const rows = version === undefined ? docs : docs.map((d) => ('schemaVersion' in d ? d : { ...d, schemaVersion: version }));
  try {
    await model.collection.insertMany(rows as never[], { ordered: false });
    return new Set(docs.map((d) => d._id));
  } catch (e) {
    const err = e as { code?: number; writeErrors?: { code?: number; index: number }[] | { code?: number; index: number } };
    const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : err.writeErrors ? [err.writeErrors] : [];
    if (!writeErrors.length || writeErrors.some((w) => w.code !== 11000)) throw e;
    const failed = new Set(writeErrors.map((w) => w.index));
    return new Set(docs.filter((_, i) => !failed.has(i)).map((d) => d._id));
  }
}
