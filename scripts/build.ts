/**
 * `npm run build`: the production build, into dist/ (git-ignored).
 *
 * - the service and the product commands, each bundled by esbuild into one CommonJS file for Node 20
 *   (dist/main.js, dist/org-import.js, …) with its source map; node_modules stay external, so a
 *   production install is `npm ci && npm run build && npm prune --omit=dev && node dist/main.js`;
 * - the browser pages, minified, into dist/web, which the bundled service serves as they are.
 *
 * Bundled code knows it is bundled (`BUNDLED` in src/paths.ts): it serves dist/web instead of building
 * the pages, so production loads neither tsx nor esbuild. Prints one line; errors name file and line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WORKER_BUNDLE } from '../src/features/file-dispatch/read-in-worker';
import { buildWeb, writeWeb } from '../src/http/web-build';
import { PATHS, ROOT } from '../src/paths';

/** dist/NAME.js ← source. The npm scripts run them through scripts/run.js. */
export const PROGRAMS: Record<string, string> = {
  main: 'src/main.ts',
  'org-import': 'scripts/org-import.ts',
  job: 'scripts/job.ts',
  sandbox: 'scripts/sandbox.ts',
  calendar: 'scripts/calendar.ts',
  ferretdb: 'scripts/ferretdb.ts',
};

/** Worker threads the service starts (dist/NAME.js beside dist/main.js); not programs of their own. */
export const WORKERS: Record<string, string> = {
  [WORKER_BUNDLE]: 'src/features/file-dispatch/text-worker.ts',
};

interface Message {
  text: string;
  location?: { file: string; line: number; column: number } | null;
}

const describe = (m: Message) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text);

export async function buildAll(o: { out?: string } = {}): Promise<string> {
  const started = Date.now();
  const out = o.out ?? PATHS.dist;
  const esbuild = await import('esbuild');
  fs.rmSync(out, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries({ ...PROGRAMS, ...WORKERS }).map(([name, src]) => ({ in: src, out: name })),
    outdir: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: true,
    sourcesContent: false, // stack traces need the mappings only; the sources are in the repository
    define: { DUDAO_BUNDLE: 'true' },
    logLevel: 'silent',
    metafile: true,
  });
  const web = await buildWeb({ minify: true });
  writeWeb(web, path.join(out, 'web'));
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  const js = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith('.js'));
  const jsBytes = js.reduce((n, [, f]) => n + f.bytes, 0);
  const webBytes = [...web.assets.values()].reduce((n, a) => n + a.body.length, 0);
  const rel = path.relative(process.cwd(), out) || '.';
  return `built ${rel}/ in ${Date.now() - started} ms: ${js.length - Object.keys(WORKERS).length} programs (${Object.keys(PROGRAMS).join(', ')}; ${kb(jsBytes)}), ${web.assets.size} page files in ${rel}/web (${kb(webBytes)})`;
}

async function cli(argv: string[]): Promise<number> {
  const outIdx = argv.indexOf('--out');
  if (argv.some((a, i) => a !== '--out' && argv[i - 1] !== '--out') || (outIdx >= 0 && !argv[outIdx + 1])) {
    process.stderr.write('usage: npm run build [-- --out DIR]   (default dist/)\n');
    return 2;
  }
  try {
    process.stdout.write(`${await buildAll({ out: outIdx >= 0 ? path.resolve(argv[outIdx + 1]) : undefined })}\n`);
    return 0;
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    process.stderr.write(`build failed: ${errors?.length ? errors.slice(0, 5).map(describe).join('\n  ') : (e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) void cli(process.argv.slice(2)).then((code) => (process.exitCode = code));
