/**
 * Card previews from sample inputs (cards/samples/NAME.json):
 *   tsx scripts/card-preview.ts NAME     prints the card as JSON to paste into Feishu's card builder
 *   tsx scripts/card-preview.ts --all    builds every sample and checks it against the card limits
 *   tsx scripts/card-preview.ts --list   lists the samples
 */
import { inspectCard } from '../src/cards/limits';
import { buildSample, listSamples } from '../src/cards/samples';

function main(argv: string[]): number {
  const arg = argv[0];
  if (!arg || arg === '--help' || arg === '-h') {
    process.stdout.write('usage: tsx scripts/card-preview.ts NAME | --all | --list\n');
    return arg ? 0 : 2;
  }
  if (arg === '--list') {
    process.stdout.write(`${listSamples().join('\n')}\n`);
    return 0;
  }
  if (arg === '--all') {
    let failed = 0;
    for (const name of listSamples()) {
      try {
        const { problems, stats } = inspectCard(buildSample(name));
        const info = `${(stats.bytes / 1024).toFixed(1)} KB, ${stats.elements} elements, depth ${stats.depth}`;
        if (problems.length) {
          failed++;
          process.stdout.write(`✗ ${name} (${info})\n${problems.map((p) => `    ${p}`).join('\n')}\n`);
        } else process.stdout.write(`✓ ${name} (${info})\n`);
      } catch (e) {
        failed++;
        process.stdout.write(`✗ ${name}: ${(e as Error).message}\n`);
      }
    }
    process.stdout.write(failed ? `${failed} sample(s) failed\n` : 'all samples pass\n');
    return failed ? 1 : 0;
  }
  const name = arg.replace(/\.json$/, '').replace(/^.*\//, '');
  if (!listSamples().includes(name)) {
    process.stderr.write(`no sample "${name}"; try --list\n`);
    return 2;
  }
  const card = buildSample(name);
  process.stdout.write(`${JSON.stringify(card, null, 2)}\n`);
  const { problems } = inspectCard(card);
  for (const p of problems) process.stderr.write(`warning: ${p}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
