import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm run bench [-- NAME…]`: runs every bench/*.bench.ts (or the named ones) in turn. Each prints its
 * figures and ratios; nothing here is a pass/fail test (the machines are shared and noisy).
 */
async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !wanted.length || wanted.some((w) => f.startsWith(w)))
    .sort();
  if (!files.length) throw new Error(`no benchmark matches ${wanted.join(' ')}`);
  for (const f of files) {
    console.log(`\n=== ${f.replace('.bench.ts', '')} ===`);
    const mod = (await import(path.join(__dirname, f))) as { run(): Promise<void> };
    await mod.run();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
