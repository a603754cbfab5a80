import fs from 'node:fs';
import type { RunningFerretDB } from '../../scripts/ferretdb';

export default async function globalTeardown(): Promise<void> {
  const db = (globalThis as Record<string, unknown>).__dudaoFerretDB as RunningFerretDB | undefined;
  if (!db) return;
  await db.stop();
  fs.rmSync(db.dir, { recursive: true, force: true });
}
