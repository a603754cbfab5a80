/**
 * Builds the browser pages (web/: the sandbox console and the admin dashboard) with esbuild.
 *
 * The service builds them itself, in memory, the first time a page is asked for (src/http/web-routes.ts),
 * and again when a file under web/ is newer than the last build: there is no build step to forget, no
 * output that can go stale, and no postinstall. esbuild is what `tsx` (which runs the service) already
 * ships, so this adds no download. No CDN, no framework: plain TypeScript over a tiny DOM helper.
 *
 *   tsx scripts/build-web.ts [--out dist/web] [--minify]   writes the files (to inspect, or to serve
 *                                                           from a reverse proxy); prints their sizes
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const WEB_DIR = path.resolve(__dirname, '../web');

export interface WebAsset {
  body: Buffer;
  type: string;
  etag: string;
}

export interface WebBundle {
  /** By file name, as served under /assets/ (the pages themselves: sandbox.html, admin.html). */
  assets: Map<string, WebAsset>;
  /** Newest source file's mtime when the build started. */
  sourceTime: number;
  ms: number;
}

const SCRIPTS = { sandbox: 'sandbox/main.ts', admin: 'admin/main.ts' };
const STYLES = { app: 'styles/app.css' };
const STATIC = ['sandbox.html', 'admin.html', 'favicon.svg']; // copied as they are

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function asset(name: string, body: Buffer): WebAsset {
  return { body, type: TYPES[path.extname(name)] ?? 'application/octet-stream', etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"` };
}

/** The newest modification time of any file under web/ (to rebuild after an edit). */
export function newestSource(dir = WEB_DIR): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

export class WebBuildError extends Error {}

export async function buildWeb(o: { minify?: boolean } = {}): Promise<WebBundle> {
  const started = Date.now();
  const sourceTime = newestSource();
  // required lazily: the service should start even where esbuild is missing (the pages then answer 500)
  const esbuild = await import('esbuild');
  const entryPoints: Record<string, string> = {};
  for (const [out, src] of Object.entries({ ...SCRIPTS, ...STYLES })) entryPoints[out] = path.join(WEB_DIR, src);
  let result;
  try {
    result = await esbuild.build({
      entryPoints,
      outdir: '/assets',
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      charset: 'utf8',
      minify: o.minify ?? false,
      sourcemap: 'linked',
      logLevel: 'silent',
      tsconfig: path.join(WEB_DIR, 'tsconfig.json'),
    });
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [];
    const first = errors[0];
    throw new WebBuildError(first ? `web build failed: ${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}` : `web build failed: ${(e as Error).message}`);
  }
  const assets = new Map<string, WebAsset>();
  for (const f of result.outputFiles) {
    const name = path.basename(f.path);
    assets.set(name, asset(name, Buffer.from(f.contents)));
  }
  for (const f of STATIC) assets.set(f, asset(f, fs.readFileSync(path.join(WEB_DIR, f))));
  return { assets, sourceTime, ms: Date.now() - started };
}

async function cli(argv: string[]): Promise<number> {
  const outIdx = argv.indexOf('--out');
  const out = path.resolve(outIdx >= 0 ? (argv[outIdx + 1] ?? '') : 'dist/web');
  const unknown = argv.filter((a, i) => a.startsWith('--') && !['--out', '--minify'].includes(a) && argv[i - 1] !== '--out');
  if (unknown.length || (outIdx >= 0 && !argv[outIdx + 1])) {
    process.stderr.write(`usage: tsx scripts/build-web.ts [--out DIR] [--minify]${unknown.length ? ` (unknown: ${unknown.join(' ')})` : ''}\n`);
    return 2;
  }
  try {
    const bundle = await buildWeb({ minify: argv.includes('--minify') });
    fs.mkdirSync(out, { recursive: true });
    for (const [name, a] of bundle.assets) {
      fs.writeFileSync(path.join(out, name), a.body);
      process.stdout.write(`${name.padEnd(18)} ${(a.body.length / 1024).toFixed(1).padStart(7)} KB\n`);
    }
    process.stdout.write(`built ${bundle.assets.size} files into ${path.relative(process.cwd(), out) || out} in ${bundle.ms} ms\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) void cli(process.argv.slice(2)).then((code) => (process.exitCode = code));
