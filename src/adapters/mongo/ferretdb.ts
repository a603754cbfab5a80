/**
 * The project's own MongoDB: FerretDB 1.24.2 (MongoDB wire protocol) on an embedded SQLite directory
 * (default) or the machine's PostgreSQL. Built once from the Go module proxy into .tools/, reused after.
 *
 *   npm run db -- build                                build (or reuse) the binary
 *   npm run db -- start [--dir D] [--port P] [--detach]   start; prints MONGODB_URI=…
 *   npm run db -- stop [--dir D]                        stop a detached instance
 * (the command line is scripts/ferretdb.ts; sandbox mode and the product commands use this module)
 *
 * Env: DUDAO_FERRETDB_HANDLER=sqlite|postgresql, DUDAO_FERRETDB_PG_URL (postgresql handler).
 *
 * Why not `go install …@v1.24.2` alone: the binary it makes panics at start, because the module zip
 * lacks the generated build/version/version.txt. So we copy the same module (fetched by `go mod
 * download` through the proxy) into .tools/, write that file, and `go build` it.
 *
 * One line is patched before the build (ID_PATCH): the SQLite handler looks documents up by `_id` with
 * the expression `_ferretdb_sjson->'$._id'` while its `_id` index is on `_ferretdb_sjson->"_id"` (the
 * same value), so SQLite never uses the index: every find, update and delete by `_id` read the whole
 * table (an update of one task among 2,000: 75–95 ms, growing with the table). The patch makes the
 * lookups name the index's expression (docs/architecture.md#ferretdb-constraints).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import { PATHS, ROOT } from '../../paths';
import { machineNow } from '../../clock';

const VERSION = 'v1.24.2';
const TOOLS = PATHS.tools;
/** The build's name: the release and its patch (a new patch builds anew). */
const BUILD = `${VERSION}-idx1`;
export const FERRETDB_BIN = path.join(TOOLS, `ferretdb-${BUILD}`, 'ferretdb');

/** The patch: the file, the line as released, the line as built. */
export const ID_PATCH = {
  file: 'internal/backends/sqlite/metadata/metadata.go',
  from: `IDColumn = DefaultColumn + "->'$._id'"`,
  to: `IDColumn = DefaultColumn + "->\\"_id\\""`,
};

/** Applies ID_PATCH to a copy of the module; throws when the released line is not found (another version). */
export function patchSource(src: string): void {
  const file = path.join(src, ID_PATCH.file);
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(ID_PATCH.from)) throw new Error(`FerretDB ${VERSION}: ${ID_PATCH.file} has no line ${ID_PATCH.from}; the patch does not fit this release`);
  fs.writeFileSync(file, text.replace(ID_PATCH.from, ID_PATCH.to));
}

function findGo(): string {
  const onPath = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (onPath.status === 0) return 'go';
  for (const candidate of ['/usr/local/go/bin/go', '/usr/lib/go/bin/go']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    'FerretDB must be built once, and that needs Go (1.22 or newer), which was found neither on PATH nor at ' +
      '/usr/local/go/bin/go. Install Go, or set MONGODB_URI to a MongoDB you already run.',
  );
}

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0' }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

async function withBuildLock<T>(fn: () => T): Promise<T> {
  fs.mkdirSync(TOOLS, { recursive: true });
  const lock = path.join(TOOLS, '.build-lock');
  for (let i = 0; ; i++) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // another process builds: wait for it (a stale lock older than 15 min is taken over)
      const age = machineNow() - fs.statSync(lock, { throwIfNoEntry: false })!?.mtimeMs;
      if (age > 15 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds FerretDB into .tools/ unless it is there already. Returns the binary's path. */
export async function ensureFerretDB(log: (s: string) => void = (s) => process.stderr.write(s + '\n')): Promise<string> {
  if (fs.existsSync(FERRETDB_BIN)) return FERRETDB_BIN;
  return withBuildLock(() => {
    if (fs.existsSync(FERRETDB_BIN)) return FERRETDB_BIN;
    const go = findGo();
    log(`Building FerretDB ${BUILD} once into .tools/ (about 2–4 minutes)…`);
    const info = JSON.parse(run(go, ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${VERSION}`])) as { Dir: string };
    const src = path.join(TOOLS, `ferretdb-src-${VERSION}`);
    fs.rmSync(src, { recursive: true, force: true });
    fs.cpSync(info.Dir, src, { recursive: true });
    run('chmod', ['-R', 'u+w', src]);
    fs.writeFileSync(path.join(src, 'build/version/version.txt'), VERSION + '\n');
    patchSource(src);
    const out = FERRETDB_BIN + '.tmp';
    run(go, ['build', '-o', out, './cmd/ferretdb'], src);
    fs.renameSync(out, FERRETDB_BIN);
    fs.rmSync(src, { recursive: true, force: true });
    log(`FerretDB built: ${path.relative(ROOT, FERRETDB_BIN)}`);
    return FERRETDB_BIN;
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function waitForHello(uri: string, timeoutMs = 30_000): Promise<void> {
  const until = machineNow() + timeoutMs;
  let last: unknown;
  while (machineNow() < until) {
    const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.connect();
      await client.db('admin').command({ hello: 1 });
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 150));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`FerretDB did not answer hello at ${uri} within ${timeoutMs} ms: ${String(last)}`);
}

export interface RunningFerretDB {
  uri: string;
  port: number;
  dir: string;
  pid: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  dir: string; // state + data folder
  port?: number;
  detach?: boolean;
  handler?: 'sqlite' | 'postgresql';
}

export async function startFerretDB(opts: StartOptions): Promise<RunningFerretDB> {
  const bin = await ensureFerretDB();
  const handler = opts.handler ?? ((process.env.DUDAO_FERRETDB_HANDLER as 'sqlite' | 'postgresql') || 'sqlite');
  if (opts.port !== undefined && !(await portIsFree(opts.port))) {
    throw new Error(`port ${opts.port} is already in use (another FerretDB?); choose another --port or leave it out for a free one`);
  }
  const port = opts.port ?? (await freePort());
  const dir = path.resolve(opts.dir);
  const data = path.join(dir, 'data');
  fs.mkdirSync(data, { recursive: true });
  const args = [
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${dir}`,
    '--debug-addr=127.0.0.1:0', // the default 8088 collides when two run
    '--telemetry=disable',
    '--log-level=warn',
    `--handler=${handler}`,
    handler === 'sqlite'
      ? `--sqlite-url=file:${data}/`
      : `--postgresql-url=${process.env.DUDAO_FERRETDB_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/ferretdb'}`,
  ];
  const logFd = fs.openSync(path.join(dir, 'ferretdb.log'), 'a');
  const child: ChildProcess = spawn(bin, args, {
    stdio: ['ignore', logFd, logFd],
    detached: Boolean(opts.detach),
  });
  fs.closeSync(logFd);
  const uri = `mongodb://127.0.0.1:${port}/`;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    await Promise.race([
      waitForHello(uri),
      exited.then((code) => {
        throw new Error(`FerretDB exited (code ${code}); see ${path.join(dir, 'ferretdb.log')}`);
      }),
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  fs.writeFileSync(path.join(dir, 'ferretdb.pid'), `${child.pid}\n${port}\n`);
  if (opts.detach) child.unref();
  return {
    uri,
    port,
    dir,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(path.join(dir, 'ferretdb.pid'), { force: true });
    },
  };
}

export async function stopDetached(dir: string): Promise<boolean> {
  const pidFile = path.join(path.resolve(dir), 'ferretdb.pid');
  if (!fs.existsSync(pidFile)) return false;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    fs.rmSync(pidFile, { force: true });
    return false;
  }
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(pid, 0);
      await new Promise((r) => setTimeout(r, 100));
    } catch {
      break;
    }
  }
  fs.rmSync(pidFile, { force: true });
  return true;
}

/**
 * For command-line scripts (org import, jobs): MONGODB_URI when set; else the sandbox's running FerretDB
 * (started by `npm start`); else a FerretDB started on the sandbox's data folder for the script's run.
 */
export const SANDBOX_DB_DIR = path.join(PATHS.data, 'sandbox');

export async function mongoForScripts(): Promise<{ uri: string; stop(): Promise<void> }> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, stop: async () => undefined };
  const pidFile = path.join(SANDBOX_DB_DIR, 'ferretdb.pid');
  if (fs.existsSync(pidFile)) {
    const [pid, port] = fs.readFileSync(pidFile, 'utf8').split('\n').map(Number);
    try {
      process.kill(pid, 0);
      const uri = `mongodb://127.0.0.1:${port}/`;
      await waitForHello(uri, 3000);
      return { uri, stop: async () => undefined };
    } catch {
      /* stale pid file: start our own below */
    }
  }
  const db = await startFerretDB({ dir: SANDBOX_DB_DIR });
  return { uri: db.uri, stop: () => db.stop() };
}
