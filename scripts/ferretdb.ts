/**
 * `npm run db -- build | start [--dir D] [--port P] [--detach] | stop [--dir D]`: the project's FerretDB
 * from the command line (src/adapters/mongo/ferretdb.ts builds and runs it; its exports are re-exported
 * here for the tests and benches that start one).
 */
import path from 'node:path';
import { ensureFerretDB, startFerretDB, stopDetached } from '../src/adapters/mongo/ferretdb';
import { isEntry, PATHS } from '../src/paths';

export * from '../src/adapters/mongo/ferretdb';

const USAGE = 'usage: npm run db -- build | start [--dir D] [--port P] [--detach] | stop [--dir D]';

async function cli(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const opt = (name: string) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  const dir = opt('dir') ?? path.join(PATHS.data, 'ferretdb');
  switch (cmd) {
    case 'build':
      console.log(await ensureFerretDB());
      return;
    case 'start': {
      const db = await startFerretDB({ dir, port: opt('port') ? Number(opt('port')) : undefined, detach: rest.includes('--detach') });
      console.log(`MONGODB_URI=${db.uri}`);
      if (rest.includes('--detach')) process.exit(0);
      const stop = () => void db.stop().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return;
    }
    case 'stop':
      console.log((await stopDetached(dir)) ? 'stopped' : 'not running');
      return;
    default:
      console.error(USAGE);
      process.exit(2);
  }
}

if (isEntry(module, 'ferretdb')) {
  cli(process.argv.slice(2)).catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
