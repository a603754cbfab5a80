import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { openTestDb, type TestDb } from '../support/db';

const ROOT = path.join(__dirname, '../..');
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('orgcli');
});
afterAll(() => db.drop());

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/org-import.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, MONGODB_URI: `${db.uri.replace(/\/?$/, '/')}${db.dbName}`, FEISHU_APP_ID: '' },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run org:import', () => {
  it('imports the demo organisation and prints the report; exit 0', () => {
    const r = cli('scripts/demo-org.yaml');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('单位 units: 新建 created 22');
    expect(r.out).toContain('人员 people: 新建 created 72');
    expect(r.out).not.toMatch(/13800000031|example\.gov\.cn/);
  });

  it('a second run finds nothing to change', async () => {
    const r = cli('scripts/demo-org.yaml', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toContain('试运行 dry run');
    expect(r.out).toContain('人员 people: 新建 created 0 · 更新 updated 0 · 未变 unchanged 72');
    expect(await db.models.people.countDocuments({ active: true })).toBe(72);
  });

  it('a bad file: exit 1, every problem with its line, nothing written', async () => {
    const before = await db.models.audits.countDocuments();
    const r = cli('test/fixtures/org/bad-group.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toContain('共 3 处问题');
    expect(r.err).toContain('bad-group.yaml 第5行 groups[1].cityLeader: 找不到人员 P-LEADER-9');
    expect(await db.models.audits.countDocuments()).toBe(before);
  });

  it('a missing file: exit 1, named', () => {
    const r = cli('test/fixtures/org/nope.csv');
    expect(r.code).toBe(1);
    expect(r.err).toContain('nope.csv: 无法读取文件 (ENOENT)');
  });
});
