import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ID_PATCH, patchSource } from '../../src/adapters/mongo/ferretdb';

/** The one line patched into FerretDB before it is built (docs/architecture.md#ferretdb-constraints). */
function moduleCopy(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferretdb-src-'));
  fs.mkdirSync(path.join(dir, path.dirname(ID_PATCH.file)), { recursive: true });
  fs.writeFileSync(path.join(dir, ID_PATCH.file), text);
  return dir;
}

test('the `_id` lookup expression becomes the one its index is built on', () => {
  const dir = moduleCopy(`package metadata\n\nconst (\n\tDefaultColumn = "_ferretdb_sjson"\n\t${ID_PATCH.from}\n)\n`);
  patchSource(dir);
  const text = fs.readFileSync(path.join(dir, ID_PATCH.file), 'utf8');
  expect(text).toContain('IDColumn = DefaultColumn + "->\\"_id\\""');
  expect(text).not.toContain(`'$._id'`);
});

test('a release without the line is refused by name, not built unpatched', () => {
  const dir = moduleCopy('package metadata\n\nconst IDColumn = "something else"\n');
  expect(() => patchSource(dir)).toThrow(/has no line IDColumn = DefaultColumn \+ "->'\$\._id'"; the patch does not fit this release/);
});
