import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { connectMongo } from '../src/adapters/mongo/connection';
import { defineModels, ensureIndexes, type Models } from '../src/adapters/mongo/models';
import { startFerretDB } from '../scripts/ferretdb';

/**
 * The database a benchmark runs on: MONGODB_URI when set (that server, a database of the bench's own
 * that is dropped at the end), else a FerretDB (SQLite) of its own under .data/, removed at the end.
 */
export interface BenchDb {
  uri: string;
  /** A fresh database name, `bench_NAME_…`. */
  dbName: string;
  stop(): Promise<void>;
}

export async function startBenchDb(name: string): Promise<BenchDb> {
  const external = process.env.MONGODB_URI;
  const dir = path.resolve(__dirname, '..', '.data', `bench-${name}-${process.pid}`);
  const db = external ? { uri: external, stop: async () => undefined } : await startFerretDB({ dir });
  return {
    uri: db.uri,
    dbName: `bench_${name}_${Date.now().toString(36)}`,
    async stop() {
      await db.stop();
      if (!external) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` on the models of a fresh bench database (indexes made), then drops it and stops the server. */
export async function withBenchModels<T>(name: string, fn: (models: Models, conn: Connection) => Promise<T>): Promise<T> {
  const db = await startBenchDb(name);
  const conn = await connectMongo(db.uri, db.dbName);
  try {
    const models = defineModels(conn);
    await ensureIndexes(models);
    return await fn(models, conn);
  } finally {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
    await db.stop();
  }
}
