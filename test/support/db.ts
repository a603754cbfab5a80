import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectMongo } from '../../src/adapters/mongo/connection';
import { defineModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models';

export interface TestDb {
  conn: Connection;
  models: Models;
  uri: string;
  dbName: string;
  drop(): Promise<void>;
}

/** A database of its own for one test file, on the FerretDB that globalSetup started. */
export async function openTestDb(prefix = 't'): Promise<TestDb> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: jest globalSetup should have started FerretDB');
  const dbName = `${prefix}_${randomBytes(5).toString('hex')}`;
  const conn = await connectMongo(uri, dbName);
  const models = defineModels(conn);
  await ensureIndexes(models);
  return {
    conn,
    models,
    uri,
    dbName,
    async drop() {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    },
  };
}
