import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BUNDLED, ROOT } from '../../paths';
import type { ReadResult } from './read/types';

/** The bundle's name for text-worker.ts (scripts/build.ts builds it beside dist/main.js). */
export const WORKER_BUNDLE = 'file-text-worker';

/** How long one file may take to read before the worker is stopped. */
const READ_TIMEOUT_MS = 60_000;
/** Heap for one read: a 30 MB workbook unpacked by exceljs needs a few hundred MB. */
const WORKER_HEAP_MB = 768;

function startWorker(workerData: unknown): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (BUNDLED) return new Worker(path.join(__dirname, `${WORKER_BUNDLE}.js`), { workerData, resourceLimits });
  // from source (tsx, jest): the worker registers tsx itself, since a worker starts with a fresh loader
  const tsx = require.resolve('tsx/cjs', { paths: [ROOT] });
  const boot = `require(${JSON.stringify(tsx)}); require(${JSON.stringify(path.join(__dirname, 'text-worker.ts'))});`;
  return new Worker(boot, { eval: true, workerData, resourceLimits });
}

/** Reads a file off the event loop; never rejects (a crash or a timeout is an answer too). */
export function readInWorker(bytes: Buffer, name: string, timeoutMs = READ_TIMEOUT_MS): Promise<ReadResult> {
  return new Promise((resolve) => {
    const worker = startWorker({ bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), name });
    let done = false;
    const finish = (r: ReadResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ ok: false, message: `读取《${name}》超过 ${timeoutMs / 1000} 秒仍未完成，请拆分文件或改发 Word/Excel 原件。` }), timeoutMs);
    worker.once('message', (r: ReadResult) => finish(r));
    worker.once('error', (e) => finish({ ok: false, message: `无法读取《${name}》：${/memory/i.test(e.message) ? '文件内容过大' : '文件已损坏或格式不符'}。` }));
    worker.once('exit', () => finish({ ok: false, message: `无法读取《${name}》：读取中断，请重新发送。` }));
  });
}
