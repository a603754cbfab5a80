import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's folders, found the same way whether the code runs from source (`src/`, `scripts/`
 * under tsx or jest) or from the bundle (`dist/*.js`, where every module's `__dirname` is `dist/`):
 * walk up from here to the folder that holds the project's package.json.
 */
export function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dudao') return dir;
    if (path.dirname(dir) === dir) throw new Error(`dudao's package.json was not found above ${from}`);
  }
}

export const ROOT = findRoot(__dirname);

export const PATHS = {
  /** Card templates (JSON 2.0) and, under samples/, their sample inputs. */
  cards: path.join(ROOT, 'cards'),
  cardSamples: path.join(ROOT, 'cards', 'samples'),
  /** The browser pages' sources (built in memory when running from source). */
  web: path.join(ROOT, 'web'),
  /** What `npm run build` writes: the programs, and the pages under web/ (served by the bundle). */
  dist: path.join(ROOT, 'dist'),
  distWeb: path.join(ROOT, 'dist', 'web'),
  /** The demo organisation that sandbox mode imports. */
  demoOrg: path.join(ROOT, 'scripts', 'demo-org.yaml'),
  /** The FerretDB binary (built once) and local data (git-ignored). */
  tools: path.join(ROOT, '.tools'),
  data: path.join(ROOT, '.data'),
} as const;

// Set to true by scripts/build.ts (esbuild `define`); undeclared when running from source.
declare const DUDAO_BUNDLE: boolean | undefined;

/** True in `dist/*.js` (built by `npm run build`), false when running from source. */
export const BUNDLED = typeof DUDAO_BUNDLE !== 'undefined' && DUDAO_BUNDLE === true;

/**
 * Whether `mod` is the program that was started as `name` (`tsx src/NAME.ts`, `node dist/NAME.js`).
 * `require.main === module` alone is not enough: in a bundle every source file shares one module, so
 * dist/job.js would also start the service that main.ts starts.
 */
export function isEntry(mod: NodeModule, name: string): boolean {
  if (require.main !== mod) return false;
  const started = path.basename(process.argv[1] ?? '').replace(/\.[cm]?[jt]s$/, '');
  return started === name;
}
