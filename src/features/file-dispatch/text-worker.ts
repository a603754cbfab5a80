/**
 * The worker thread that reads a file (src/features/file-dispatch/read): parsing a 30 MB workbook or
 * a 200-page PDF takes seconds of CPU, which must not stall the event loop that answers Feishu.
 * Bundled as dist/file-text-worker.js; from source it runs through tsx (see read-in-worker.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFile } from './read/read';
import type { ReadResult } from './read/types';

const { bytes, name } = workerData as { bytes: Uint8Array; name: string };
readFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name).then(
  (r) => parentPort!.postMessage(r),
  (e: Error) => parentPort!.postMessage({ ok: false, message: `无法读取《${name}》：${e.message}` } satisfies ReadResult),
);
