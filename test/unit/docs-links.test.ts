import fs from 'node:fs';
import path from 'node:path';

/**
 * The repository explains itself: comments and documents cite `docs/*.md#anchor`, every such anchor
 * exists, and nothing cites the product specification or the Feishu contract that lived outside the
 * repository (their names are written with a character class below, so that a plain grep for them
 * finds only real citations).
 */
const ROOT = path.resolve(__dirname, '../..');
const DIRS = ['src', 'test', 'scripts', 'bench', 'web', 'cards', 'docs'];
const TEXT = /\.(ts|js|md|json|html|css|yaml|yml)$/;
const OUTSIDE = /\b(?:S[P]EC|CON[T]RACT)(?:\.md\b|\s*§)|\bthe S[P]EC\b/;
const DOC_LINK = /docs\/(rules|feishu|architecture)\.md#([\w\-\u4e00-\u9fff]+)/g;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) out.push(...files(p));
    } else if (TEXT.test(e.name)) out.push(p);
  }
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
}

function anchorsOf(doc: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of fs.readFileSync(path.join(ROOT, 'docs', doc), 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6} (.+)$/.exec(line);
    if (m) out.add(slug(m[1]));
  }
  return out;
}

const all = [...DIRS.flatMap((d) => files(path.join(ROOT, d))), path.join(ROOT, 'README.md')];
const rel = (p: string) => path.relative(ROOT, p);

describe('docs in the repository', () => {
  test('the three documents exist and the README links them', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const doc of ['architecture', 'rules', 'feishu']) {
      expect(fs.existsSync(path.join(ROOT, 'docs', `${doc}.md`))).toBe(true);
      expect(readme).toContain(`(docs/${doc}.md)`);
    }
  });

  test('slugs follow GitHub', () => {
    expect(slug('Deadlines and workdays')).toBe('deadlines-and-workdays');
    expect(slug('The 14-day edit window')).toBe('the-14-day-edit-window');
    expect(slug('Feishu / Lark: the facts')).toBe('feishu--lark-the-facts');
  });

  test('every docs/…md#anchor cited anywhere exists', () => {
    const anchors = { rules: anchorsOf('rules.md'), feishu: anchorsOf('feishu.md'), architecture: anchorsOf('architecture.md') };
    const broken: string[] = [];
    for (const f of all) {
      fs.readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(DOC_LINK)) if (!anchors[m[1] as keyof typeof anchors].has(m[2])) broken.push(`${rel(f)}:${i + 1}: ${m[0]}`);
        });
    }
    expect(broken).toEqual([]);
  });

  test('links between the documents point at headings that exist', () => {
    const broken: string[] = [];
    for (const doc of ['rules.md', 'feishu.md', 'architecture.md']) {
      const text = fs.readFileSync(path.join(ROOT, 'docs', doc), 'utf8');
      for (const m of text.matchAll(/\]\(((?:rules|feishu|architecture)\.md)?#([^)]+)\)/g)) {
        if (!anchorsOf(m[1] ?? doc).has(m[2])) broken.push(`docs/${doc}: ${m[0]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  test('nothing cites a document outside the repository', () => {
    const found: string[] = [];
    for (const f of all) {
      fs.readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (OUTSIDE.test(line)) found.push(`${rel(f)}:${i + 1}: ${line.trim().slice(0, 120)}`);
        });
    }
    expect(found).toEqual([]);
  });
});
