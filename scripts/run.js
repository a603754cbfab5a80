#!/usr/bin/env node
/**
 * What the npm scripts run: `node scripts/run.js PROGRAM [args…]`, PROGRAM one of the programs that
 * `npm run build` bundles (main, org-import, job, sandbox, calendar, ferretdb), or `start`.
 *
 * - In a development checkout (tsx installed) a program runs from source: `node --import tsx
 *   scripts/PROGRAM.ts` (src/main.ts for main), so it never runs a stale build.
 * - In a production install (`npm prune --omit=dev`: no tsx) it runs the bundle: `node dist/PROGRAM.js`.
 * - `start` builds first when it can (`npm run build`, one line), then runs dist/main.js either way: the
 *   service runs from the bundle in both, serving the prebuilt pages.
 *
 * Plain JavaScript on purpose: it must run where neither tsx nor TypeScript is installed.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PROGRAMS = ['main', 'org-import', 'job', 'sandbox', 'calendar', 'ferretdb'];

function hasTsx() {
  try {
    require.resolve('tsx', { paths: [ROOT] });
    return true;
  } catch {
    return false;
  }
}

const sourceOf = (name) => path.join(ROOT, name === 'main' ? 'src/main.ts' : `scripts/${name}.ts`);
const bundleOf = (name) => path.join(ROOT, 'dist', `${name}.js`);

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** The node arguments that run `name`, or a reason it cannot run. */
function command(name, dev) {
  if (dev && fs.existsSync(sourceOf(name))) return ['--import', 'tsx', sourceOf(name)];
  if (fs.existsSync(bundleOf(name))) return ['--enable-source-maps', bundleOf(name)];
  fail(`dist/${name}.js is missing${dev ? '' : ' and tsx is not installed'}: run "npm run build" (it needs the dev dependencies: npm ci) first`);
}

/** Runs node with `args`, passing signals on and leaving with the child's exit code. */
function exec(args) {
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal); // die of the same signal, as a shell would report it
    }
    process.exit(code ?? 1);
  });
}

function main(argv) {
  const [name, ...args] = argv;
  const dev = hasTsx();
  if (name === 'start') {
    if (dev) {
      const built = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/build.ts')], { stdio: 'inherit' });
      if (built.status !== 0) process.exit(built.status ?? 1);
    }
    return exec([...command('main', false), ...args]);
  }
  if (!PROGRAMS.includes(name)) fail(`usage: node scripts/run.js start | ${PROGRAMS.join(' | ')} [args…]`);
  exec([...command(name, dev), ...args]);
}

main(process.argv.slice(2));
