import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The import rules (docs/architecture.md#import-rules) catch a wrong import: a small project in a temp
 * folder, laid out like src/, breaks each rule once, and dependency-cruiser run with the repository's
 * own configuration fails naming every rule. `npm run lint` runs the same configuration over src/.
 */
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'node_modules/.bin/depcruise');

const FILES: Record<string, string> = {
  'tsconfig.json': '{ "compilerOptions": { "module": "commonjs", "moduleResolution": "node", "strict": true } }\n',
  // the deliberate wrong imports: the app reaches into the Mongo adapter and mongoose
  'src/app/use-case.ts': "import { taskModel } from '../adapters/mongo/models';\nimport type { Model } from 'mongoose';\nexport const m: Model<unknown> | number = taskModel;\n",
  'src/adapters/mongo/models.ts': 'export const taskModel = 1;\n',
  // the domain reads the file system
  'src/domain/rule.ts': "import fs from 'node:fs';\nexport const exists = fs.existsSync;\n",
  // an HTTP route reaches the mongoose model without the adapter, and a test helper
  'src/http/route.ts': "import mongoose from 'mongoose';\nimport { helper } from '../../test/helper';\nexport const r = [mongoose, helper];\n",
  'test/helper.ts': 'export const helper = 1;\n',
  // a cycle
  'src/org/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
  'src/org/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
};

function depcruise(cwd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(BIN, ['src', '--config', path.join(ROOT, '.dependency-cruiser.cjs'), ...args], { cwd, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe('import rules', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-boundaries-'));
    for (const [file, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a deliberate wrong import fails, naming the rule it breaks', async () => {
    const { code, out } = await depcruise(dir, []);
    expect(code).not.toBe(0);
    expect(out).toMatch(/error app-not-to-outer-layers: src\/app\/use-case\.ts → src\/adapters\/mongo\/models\.ts/);
    expect(out).toMatch(/error app-not-to-outer-layers: src\/app\/use-case\.ts → mongoose/);
    expect(out).toMatch(/error domain-is-pure: src\/domain\/rule\.ts → (node:)?fs/);
    expect(out).toMatch(/error mongoose-only-in-mongo-adapter: src\/http\/route\.ts → mongoose/);
    expect(out).toMatch(/error src-not-to-test-or-scripts: src\/http\/route\.ts → test\/helper\.ts/);
    expect(out).toMatch(/error no-circular: src\/org\/a\.ts →/);
  });

  test('the known-violations list excuses only what it lists', async () => {
    // the repository's baseline names src/app files of the real tree, not this one: nothing is excused
    fs.copyFileSync(path.join(ROOT, '.dependency-cruiser-known-violations.json'), path.join(dir, '.dependency-cruiser-known-violations.json'));
    const { code, out } = await depcruise(dir, ['--ignore-known']);
    expect(code).not.toBe(0);
    expect(out).toMatch(/app-not-to-outer-layers: src\/app\/use-case\.ts → src\/adapters\/mongo\/models\.ts/);
  });
});
