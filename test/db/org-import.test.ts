import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { Locks } from '../../src/adapters/mongo/lock';
import {
  exportOrg,
  importOrg,
  loadOrg,
  OrgImportError,
  orgToYaml,
  parseOrg,
  readOrgFile,
  readOrgFiles,
  sandboxResolver,
  type ContactResolver,
  type ImportOptions,
  type OrgFile,
  type ParsedOrg,
} from '../../src/org';
import { openTestDb, type TestDb } from '../support/db';

const FIXTURES = path.join(__dirname, '../fixtures/org');
const DEMO = path.join(__dirname, '../../scripts/demo-org.yaml');
const now = new Date('2026-12-01T09:00:00+08:00');
const later = new Date('2026-12-02T09:00:00+08:00');

let db: TestDb;
let locks: Locks;
beforeAll(async () => {
  db = await openTestDb('org');
  locks = new Locks(db.models.locks);
});
afterAll(() => db.drop());
beforeEach(async () => {
  const m = db.models;
  await Promise.all([m.units.deleteMany({}), m.groups.deleteMany({}), m.people.deleteMany({}), m.audits.deleteMany({})]);
});

const opts = (over: Partial<ImportOptions> = {}): ImportOptions => ({ resolver: sandboxResolver(), by: 'P-ADMIN-1', now, ...over });
const run = (source: ParsedOrg, over: Partial<ImportOptions> = {}) => importOrg(db.models, locks, source, opts(over));
const fixture = (name: string) => readOrgFile(path.join(FIXTURES, name));
const yamlSource = (text: string, file = 'small.yaml') => parseOrg(Buffer.from(text), file);
const small = () => fs.readFileSync(path.join(FIXTURES, 'small.yaml'), 'utf8');
const counts = async () => ({
  units: await db.models.units.countDocuments(),
  groups: await db.models.groups.countDocuments(),
  people: await db.models.people.countDocuments(),
  audits: await db.models.audits.countDocuments(),
});

describe('importing the demo organisation', () => {
  it('imports cleanly, resolves the mobile/email-only people, and a second run changes nothing', async () => {
    const orgStamp = async () => (await db.models.counters.findById('org:version').lean())?.seq ?? 0;
    const before = await orgStamp();
    const first = await run(await readOrgFile(DEMO));
    expect(await orgStamp()).toBe(before + 1); // every instance's snapshot reloads (docs/architecture.md#the-hot-path)
    expect([first.created.units.length, first.created.groups.length, first.created.people.length]).toEqual([22, 7, 72]);
    expect(first.unresolved).toEqual([]);

    const org = await loadOrg(db.models);
    expect(org.groups.map((g) => g.code)).toEqual(['G0', 'G1', 'G2', 'G3', 'G4', 'G5', 'G6']);
    for (const g of org.groups) {
      expect(org.supervisorsOf(g.code).map((p) => p.roles[0]).map((r) => (r.kind === 'supervisor' ? r.position : '')).sort()).toEqual(['副组长', '副组长', '组员', '组长'].sort());
      expect(org.person(g.cityLeader)?.roles).toEqual([{ kind: 'cityLeader' }]);
    }
    expect(org.supervisorsOf('G1', '组长').map((p) => p.name)).toEqual(['张督导']);
    expect(org.byOpenId('ou_demo_off_1')).toMatchObject({ code: 'P-OFF-1', name: '李联络' });
    expect(org.officialsOf('MSZ', '联络员').map((p) => p.code)).toEqual(['P-OFF-1']);
    expect(org.unitsOfGroup('G1').map((u) => u.code)).toContain('MSZ');
    expect(org.unitsOfGroup('G0')).toHaveLength(22);
    expect(org.unit('ZJJ')).toMatchObject({ fullName: '县住房和城乡建设局', aliases: ['住建', '住建部门'] });
    const byContact = org.people.filter((p) => p.mobile || p.email);
    expect(byContact).toHaveLength(2);
    for (const p of byContact) expect(p.openId).toMatch(/^ou_[0-9a-f]{24}$/);

    const audit = await db.models.audits.findOne({ entity: 'org', action: 'import' }).lean();
    expect(audit).toMatchObject({ by: 'P-ADMIN-1', at: now, note: expect.stringContaining('新建 created 22') });
    expect(JSON.stringify(audit)).not.toMatch(/13800000031|example\.gov\.cn/); // never log contacts

    const stamp = (await db.models.people.findOne({ code: 'P-SUP-1' }).lean())!.updatedAt;
    const second = await run(await readOrgFile(DEMO), { now: later });
    expect(second.unchanged).toEqual({ units: first.created.units, groups: first.created.groups, people: first.created.people });
    for (const k of ['created', 'updated', 'deactivated', 'reactivated'] as const) expect(second[k]).toEqual({ units: [], groups: [], people: [] });
    expect((await db.models.people.findOne({ code: 'P-SUP-1' }).lean())!.updatedAt).toEqual(stamp);
    expect((await counts()).audits).toBe(2);
  });
});

describe('changes between imports', () => {
  it('a person removed is deactivated and kept; back in the file, reactivated; a removed chat is unset', async () => {
    await run(await yamlSource(small()));
    const without = small()
      .replace(/^.*P-SUP-2.*\n/m, '')
      .replace(', chatId: oc_t_msz', '')
      .replace('name: 梅山镇', 'name: 梅山镇人民政府');
    const r = await run(await yamlSource(without), { now: later });
    expect(r.deactivated.people).toEqual(['P-SUP-2']);
    expect(r.updated.units).toEqual(['MSZ']);
    const doc = await db.models.people.findOne({ code: 'P-SUP-2' }).lean();
    expect(doc).toMatchObject({ active: false, name: '刘建华', openId: 'ou_t_sup2' });
    const msz = await db.models.units.findOne({ code: 'MSZ' }).lean();
    expect(msz!.chatId).toBeUndefined();
    expect(msz!.name).toBe('梅山镇人民政府');
    const org = await loadOrg(db.models);
    expect(org.person('P-SUP-2')).toBeUndefined();
    expect(org.supervisorsOf('G1').map((p) => p.code)).toEqual(['P-SUP-1']);

    const back = await run(await yamlSource(small()), { now: later });
    expect(back.reactivated.people).toEqual(['P-SUP-2']);
    expect(back.updated.units).toEqual(['MSZ']);
    expect((await loadOrg(db.models)).person('P-SUP-2')).toMatchObject({ active: true });
    expect((await counts()).people).toBe(8);
    const raw = await db.models.people.collection.findOne({ code: 'P-SUP-2' });
    expect(raw).toMatchObject({ active: true, schemaVersion: 1, createdAt: now, updatedAt: later, roles: [{ kind: 'supervisor', group: 'G1', position: '副组长' }] });
  });

  it('a dry run reports and writes nothing', async () => {
    const r = await run(await yamlSource(small()), { dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.created.people).toHaveLength(8);
    expect(await counts()).toEqual({ units: 0, groups: 0, people: 0, audits: 0 });
  });

  it('two imports at once take turns (org:import lock)', async () => {
    const source = await yamlSource(small());
    const [a, b] = await Promise.all([run(source), run(source)]);
    expect([a.created.units.length, b.created.units.length].sort()).toEqual([0, 2]);
    expect([a.unchanged.people.length, b.unchanged.people.length].sort()).toEqual([0, 8]);
    expect(await counts()).toEqual({ units: 2, groups: 2, people: 8, audits: 2 });
  });
});

describe('bad files write nothing', () => {
  it.each([
    ['bad-unknown-unit.yaml', /第4行 groups\[0\]\.units: 找不到单位 NOPE/],
    ['bad-duplicate.yaml', /第3行 units\[1\]\.code: 编码 MSZ 重复/],
    ['bad-group.yaml', /第4行 groups\[0\]: 督导组 G1 第一专项督导组 没有组长[\s\S]*第5行 groups\[1\]\.cityLeader: 找不到人员 P-LEADER-9[\s\S]*第6行 groups\[2\]\.cityLeader: 缺少挂钩市领导/],
  ])('%s', async (file, message) => {
    await run(await yamlSource(small()));
    const before = await exportOrg(db.models);
    const err = await run(await fixture(file)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrgImportError);
    expect((err as Error).message).toMatch(message);
    expect(await exportOrg(db.models)).toEqual(before);
    expect((await counts()).audits).toBe(1);
  });

  it('broken YAML is refused while reading, naming the line', async () => {
    const err = await fixture('bad-syntax.yaml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrgImportError);
    expect((err as OrgImportError).problems[0]).toMatchObject({ file: 'bad-syntax.yaml', line: 5 });
  });
});

describe('CSV and XLSX', () => {
  it('three CSV files import the same organisation as the YAML', async () => {
    const r = await run(await readOrgFiles(['units.csv', 'groups.csv', 'people.csv'].map((f) => path.join(FIXTURES, f))));
    expect(r.tables).toEqual(['units', 'groups', 'people']);
    const fromCsv = await exportOrg(db.models);
    const again = await run(await yamlSource(small()));
    expect(again.unchanged.people).toHaveLength(8);
    expect(again.updated).toEqual({ units: [], groups: [], people: [] });
    expect(await exportOrg(db.models)).toEqual(fromCsv);
  });

  it('a people-only CSV leaves units and groups alone and is checked against them', async () => {
    await run(await yamlSource(small()));
    const people = fs.readFileSync(path.join(FIXTURES, 'people.csv'), 'utf8');
    const r = await run(await parseOrg(Buffer.from(people.replace(/^7,P-OFF-3.*\n/m, '')), 'people.csv'));
    expect(r.tables).toEqual(['people']);
    expect(r.deactivated).toEqual({ units: [], groups: [], people: ['P-OFF-3'] });
    expect(await db.models.units.countDocuments({ active: true })).toBe(2);

    const bad = people.replace('official:ZJJ:联络员', 'official:XYZ:联络员').replace('supervisor:G1:组长', 'supervisor:G1:组员');
    const err = (await run(await parseOrg(Buffer.from(bad), 'people.csv')).catch((e: unknown) => e)) as OrgImportError;
    expect(err.problems).toEqual([
      expect.objectContaining({ file: 'people.csv', field: 'groups(G1, 已有数据 existing)', message: expect.stringContaining('没有组长') }),
      expect.objectContaining({ file: 'people.csv', row: 8, field: 'roles[0].official', message: expect.stringContaining('找不到单位 XYZ') }),
    ]);
  });

  it('a units-only import cannot drop a unit that a group still names', async () => {
    await run(await yamlSource(small()));
    const err = (await run(await parseOrg(Buffer.from('code,name,kind\nMSZ,梅山镇,township\n'), 'units.csv')).catch((e: unknown) => e)) as OrgImportError;
    expect(err.message).toContain('groups(G1, 已有数据 existing): 找不到单位 ZJJ');
    expect(err.message).toContain('people(P-OFF-3, 已有数据 existing): 找不到单位 ZJJ');
  });

  it('an XLSX workbook (built from an export) imports the same organisation', async () => {
    await run(await readOrgFile(DEMO));
    const exported = await exportOrg(db.models);
    const buf = await toWorkbook(exported);
    await Promise.all([db.models.units.deleteMany({}), db.models.groups.deleteMany({}), db.models.people.deleteMany({})]);
    const r = await run(await parseOrg(buf, 'org.xlsx'));
    expect(r.created.people).toHaveLength(72);
    expect(await exportOrg(db.models)).toEqual(exported);
  });

  it('an XLSX workbook with a bad row is refused naming the sheet and row, and the stored organisation is unchanged', async () => {
    await run(await yamlSource(small()));
    const before = await exportOrg(db.models);
    const countsBefore = await counts();
    // other changes in the same workbook (a renamed unit, a person left out) must not be written either
    const edited: OrgFile = structuredClone(before);
    edited.units[0].name = '梅山镇人民政府';
    edited.people = edited.people.filter((p) => p.code !== 'P-SUP-2');
    edited.units[1].kind = 'town' as never; // units sheet: header on row 1, so the second unit is row 3
    const buf = await toWorkbook(edited);

    const err = await parseOrg(buf, 'org.xlsx')
      .then((source) => run(source, { now: later }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrgImportError);
    expect((err as OrgImportError).problems).toEqual([expect.objectContaining({ file: 'org.xlsx', sheet: 'units', row: 3, field: 'kind' })]);
    expect((err as Error).message).toContain('org.xlsx 工作表 units 第3行 kind: 取值无效 "town"');
    expect(await exportOrg(db.models)).toEqual(before);
    expect(await counts()).toEqual(countsBefore);
    expect(await db.models.units.countDocuments({ updatedAt: later })).toBe(0);
  });
});

describe('mobile/email resolution', () => {
  it('unresolved people are imported without an open_id and reported; a later resolution fills it in', async () => {
    const resolver = sandboxResolver({ unknown: ['13800000002'] });
    const r = await run(await yamlSource(small()), { resolver });
    expect(r.unresolved).toEqual([{ code: 'P-OFF-2', name: '周明辉', via: 'mobile' }]);
    const p = (await loadOrg(db.models)).person('P-OFF-2');
    expect(p).toMatchObject({ active: true, mobile: '13800000002' });
    expect(p!.openId).toBeUndefined();
    expect((await loadOrg(db.models)).person('P-OFF-3')!.openId).toMatch(/^ou_/);

    const again = await run(await yamlSource(small()));
    expect(again.updated.people).toEqual(['P-OFF-2']);
    expect(again.unresolved).toEqual([]);
  });

  it('without a resolver, an open_id resolved earlier for the same contact is kept; others are unresolved', async () => {
    await run(await yamlSource(small()));
    const r = await run(await yamlSource(small().replace('xia.xm@example.gov.cn', 'xia.new@example.gov.cn')), { resolver: undefined });
    expect(r.unresolved).toEqual([{ code: 'P-OFF-3', name: '夏雪梅', via: 'email' }]);
    expect(r.unchanged.people).toContain('P-OFF-2');
    expect(r.updated.people).toEqual(['P-OFF-3']);
  });

  it('the resolver is asked once with the contacts as written; an open_id already given to someone else is refused', async () => {
    const asked: unknown[] = [];
    const clash: ContactResolver = {
      async resolve(q) {
        asked.push(q);
        return new Map([['13800000002', 'ou_t_sup1']]);
      },
    };
    const err = (await run(await yamlSource(small()), { resolver: clash }).catch((e: unknown) => e)) as OrgImportError;
    expect(asked).toEqual([{ mobiles: ['13800000002'], emails: ['xia.xm@example.gov.cn'] }]);
    expect(err).toBeInstanceOf(OrgImportError);
    expect(err.message).toMatch(/people\[5\]\.openId: openId ou_t_sup1 与 P-SUP-1 张督导 重复/);
    expect(await counts()).toEqual({ units: 0, groups: 0, people: 0, audits: 0 });
  });
});

describe('export', () => {
  it('round-trips through YAML and import unchanged', async () => {
    await run(await readOrgFile(DEMO));
    const exported = await exportOrg(db.models);
    expect(exported.people.find((p) => p.code === 'P-SUP-1')).toEqual({ code: 'P-SUP-1', name: '张督导', openId: 'ou_demo_sup_1', roles: [{ supervisor: 'G1', position: '组长' }] });
    const text = orgToYaml(exported);
    expect(text).toContain('- { code: MSZ, name: 梅山镇, kind: township, area: 西片区, chatId: oc_demo_msz }');
    const r = await run(await parseOrg(Buffer.from(text), 'export.yaml'), { now: later });
    expect(r.unchanged.people).toHaveLength(72);
    expect(r.updated).toEqual({ units: [], groups: [], people: [] });
  });
});

async function toWorkbook(org: OrgFile): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const cell = (v: unknown): string => (Array.isArray(v) ? v.join('、') : String(v ?? ''));
  const roleCell = (roles: OrgFile['people'][number]['roles']) =>
    roles.map((r) => (typeof r === 'string' ? r : 'supervisor' in r ? `supervisor:${r.supervisor}:${r.position}` : `official:${r.official}:${r.position}`)).join('; ');
  const sheet = (name: string, cols: string[], rows: Record<string, unknown>[]) => {
    const ws = wb.addWorksheet(name);
    ws.addRow(cols);
    for (const r of rows) ws.addRow(cols.map((c) => (c === 'roles' ? roleCell(r.roles as never) : cell(r[c]))));
  };
  sheet('units', ['code', 'name', 'fullName', 'aliases', 'kind', 'area', 'chatId'], org.units as never);
  sheet('督导组', ['code', 'name', 'kind', 'cityLeader', 'units', 'chatId'], org.groups as never);
  sheet('people', ['code', 'name', 'openId', 'mobile', 'email', 'roles'], org.people as never);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
