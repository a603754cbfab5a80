import fs from 'node:fs';
import path from 'node:path';
import { startFerretDB } from '../../scripts/ferretdb';

/** Tests use MONGODB_URI when it is set, else a FerretDB of their own on a fresh data folder. */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) return;
  const dir = path.resolve(__dirname, '../../.data', `test-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const db = await startFerretDB({ dir });
  process.env.MONGODB_URI = db.uri;
  (globalThis as Record<string, unknown>).__dudaoFerretDB = db;
}
