import mongoose, { type Connection } from 'mongoose';

/** One mongoose connection per service (tests open one per file on their own database). */
export const DEFAULT_DB_NAME = 'dudao';

/** The database named in the URI's path, else `dudao`. */
export function dbNameOf(uri: string): string {
  const m = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return m ? decodeURIComponent(m[1]) : DEFAULT_DB_NAME;
}

export async function connectMongo(uri: string, dbName?: string): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    dbName: dbName ?? dbNameOf(uri),
    autoIndex: false, // indexes are created once by ensureIndexes at start
    autoCreate: true,
    serverSelectionTimeoutMS: 5000,
    maxPoolSize: 20,
    monitorCommands: true, // round-trip times for metrics (src/metrics.ts); events cost nothing unheard
  });
  await conn.asPromise();
  return conn;
}

/** The database answers (for /readyz). */
export async function ping(conn: Connection, timeoutMs = 1500): Promise<void> {
  const db = conn.db;
  if (!db || conn.readyState !== 1) throw new Error('not connected');
  await Promise.race([
    db.command({ ping: 1 }),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
  ]);
}

export function isDuplicateKey(e: unknown): boolean {
  const err = e as { code?: number; writeErrors?: { code?: number }[] };
  return err?.code === 11000 || Boolean(err?.writeErrors?.every((w) => w.code === 11000));
}
