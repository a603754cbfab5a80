import { parseDispatch } from '../src/domain/dispatch';
import { LIMITS } from '../src/limits';
import { HOSTILE } from '../test/fixtures/dispatch/hostile';
import { ctx } from '../test/fixtures/dispatch/org';
import { runWhenMain } from './measure';

/**
 * The dispatch parser on the hostile inputs of test/fixtures/dispatch/hostile.ts at the size limit (just
 * under LIMITS.dispatchChars): the time of one parse each (best of 5, after a warm-up) and the parser's
 * counted steps per KB. The service's promise is that no input holds the event loop past 50 ms.
 */
export async function run(): Promise<void> {
  const c = ctx();
  const size = LIMITS.dispatchChars - 100;
  let worst = { name: '', perKb: 0 };
  for (const [name, make] of Object.entries(HOSTILE)) {
    const text = make(size);
    parseDispatch(text, c);
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t = process.hrtime.bigint();
      parseDispatch(text, c);
      best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
    }
    const steps = { n: 0 };
    parseDispatch(text, ctx({ steps }));
    const perKb = steps.n / (text.length / 1024);
    if (perKb > worst.perKb) worst = { name, perKb };
    console.log(`  ${name.padEnd(32)} ${String(text.length).padStart(6)} chars ${best.toFixed(1).padStart(7)} ms ${perKb.toFixed(0).padStart(7)} steps/KB`);
  }
  console.log(`  worst steps per KB: ${worst.perKb.toFixed(0)} (${worst.name})`);
}

runWhenMain(module, run);
