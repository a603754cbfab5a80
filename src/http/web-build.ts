/**
 * The browser pages (web/: the sandbox console and the admin dashboard), bundled by esbuild. No CDN,
 * no framework: plain TypeScript over a tiny DOM helper.
 *
 * `npm run build` writes them minified into dist/web, which the bundled service (`node dist/main.js`)
 * serves as they are: production needs no esbuild. Running from source (tsx, tests), the service builds
 * them in memory the first time a page is asked for, and again when a file under web/ is newer than the
 * last build, so an edit shows at the next reload and no output can go stale (src/http/web-routes.ts).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PATHS } from '../paths';
import { machineNow } from '../clock';

export const WEB_DIR = PATHS.web;

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
  const started = machineNow();
  const sourceTime = newestSource();
  // required lazily: esbuild is a dev dependency; the bundle serves prebuilt pages and never loads it
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
  return { assets, sourceTime, ms: machineNow() - started };
}

/** Writes a build's files into `dir` (which it empties first). */
export function writeWeb(bundle: WebBundle, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, a] of bundle.assets) fs.writeFileSync(path.join(dir, name), a.body);
}

/** The pages `npm run build` wrote into `dir` (dist/web), read once: what the bundled service serves. */
export async function loadBuiltWeb(dir: string): Promise<WebBundle> {
  const started = machineNow();
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => fs.statSync(path.join(dir, n)).isFile());
  } catch {
    throw new WebBuildError(`the built pages are missing (${dir}): run "npm run build"`);
  }
  const missing = [...Object.keys(SCRIPTS).map((n) => `${n}.js`), ...Object.keys(STYLES).map((n) => `${n}.css`), ...STATIC].filter((n) => !names.includes(n));
  if (missing.length) throw new WebBuildError(`the built pages in ${dir} lack ${missing.join(', ')}: run "npm run build"`);
  const assets = new Map<string, WebAsset>();
  for (const name of names) assets.set(name, asset(name, fs.readFileSync(path.join(dir, name))));
  return { assets, sourceTime: 0, ms: machineNow() - started };
}
