/** Shared by the benchmarks: wall time and the highest RSS sampled while a step runs. */
export const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

export interface Measured<T> {
  ms: number;
  peak: number;
  value: T;
}

/** Runs `fn` once, prints `label`, its time, peak RSS and growth, and `note(value)`. */
export async function measure<T>(label: string, fn: () => Promise<T>, note: (v: T) => string = () => ''): Promise<Measured<T>> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`  ${label.padEnd(46)} ${ms.toFixed(0).padStart(8)} ms   peak RSS ${mb(peak).padStart(7)} (+${mb(peak - before)})  ${note(value)}`);
  return { ms, peak, value };
}

/** Lets a benchmark file run on its own (`tsx bench/NAME.bench.ts`) as well as from bench/run.ts. */
export function runWhenMain(mod: NodeModule, run: () => Promise<void>): void {
  if (require.main !== mod) return;
  run().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
