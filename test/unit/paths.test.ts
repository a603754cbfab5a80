import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findRoot, isEntry, PATHS, ROOT } from '../../src/paths';

/** src/paths.ts: the project's folders, the same from src/, scripts/ and dist/. */
describe('paths', () => {
  test('the root is the folder with dudao\'s package.json, whichever folder below it asks', () => {
    expect(ROOT).toBe(path.resolve(__dirname, '../..'));
    for (const from of ['src', 'src/http', 'scripts', 'dist', 'dist/web']) expect(findRoot(path.join(ROOT, from))).toBe(ROOT);
    for (const [name, dir] of Object.entries(PATHS)) expect([name, path.relative(ROOT, dir).startsWith('..')]).toEqual([name, false]);
    for (const dir of [PATHS.cards, PATHS.cardSamples, PATHS.web, PATHS.demoOrg]) expect(fs.existsSync(dir)).toBe(true);
  });

  test('another package.json (a dependency\'s, a parent project\'s) is not the root; none at all says so', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-paths-'));
    try {
      fs.writeFileSync(path.join(tmp, 'package.json'), '{"name":"dudao"}');
      fs.mkdirSync(path.join(tmp, 'node_modules/x/lib'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'node_modules/x/package.json'), '{"name":"x"}');
      expect(findRoot(path.join(tmp, 'node_modules/x/lib'))).toBe(tmp);
      fs.rmSync(path.join(tmp, 'package.json'));
      expect(() => findRoot(path.join(tmp, 'node_modules/x/lib'))).toThrow(/package\.json was not found above/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('isEntry: only the module node started, and only under its own name (a bundle shares one module)', () => {
    const argv = process.argv;
    try {
      expect(isEntry(module, 'paths.test')).toBe(false); // jest required this file: not the main module
      const main = require.main as NodeModule;
      process.argv = [argv[0], '/srv/dudao/dist/job.js'];
      expect(isEntry(main, 'job')).toBe(true);
      expect(isEntry(main, 'main')).toBe(false);
      process.argv = [argv[0], '/srv/dudao/src/main.ts'];
      expect(isEntry(main, 'main')).toBe(true);
    } finally {
      process.argv = argv;
    }
  });
});
