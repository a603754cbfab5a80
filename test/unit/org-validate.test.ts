import path from 'node:path';
import { OrgImportError, parseOrg, readOrgFile, validateOrg, type Problem } from '../../src/org';

const FIXTURES = path.join(__dirname, '../fixtures/org');

async function problemsOf(text: string, file = 'org.yaml'): Promise<Problem[]> {
  try {
    validateOrg(await parseOrg(Buffer.from(text), file));
  } catch (e) {
    if (e instanceof OrgImportError) return e.problems;
    throw e;
  }
  throw new Error('expected an OrgImportError');
}

const ORG = (over: { units?: string; groups?: string; people?: string } = {}) => `
units:
${over.units ?? '  - { code: MSZ, name: 梅山镇, kind: township, chatId: oc_msz }'}
groups:
${over.groups ?? '  - { code: G1, name: 第一专项督导组, kind: special, cityLeader: P-LEADER-1, units: [MSZ] }'}
people:
  - { code: P-LEADER-1, name: 王市长, openId: ou_leader, roles: [cityLeader] }
  - { code: P-SUP-1, name: 张督导, openId: ou_sup1, roles: [{ supervisor: G1, position: 组长 }] }
${over.people ?? '  - { code: P-OFF-1, name: 李联络, openId: ou_off1, roles: [{ official: MSZ, position: 联络员 }] }'}
`;

describe('validateOrg: a good file', () => {
  it('accepts the demo organisation and normalises roles to the domain union', async () => {
    const v = validateOrg(await readOrgFile(path.join(__dirname, '../../scripts/demo-org.yaml')));
    expect(v.groups).toHaveLength(7);
    expect(v.units!.length).toBeGreaterThanOrEqual(20);
    const sup1 = v.people!.find((p) => p.item.code === 'P-SUP-1')!.item;
    expect(sup1).toMatchObject({ name: '张督导', roles: [{ kind: 'supervisor', group: 'G1', position: '组长' }] });
    const zjj = v.units!.find((u) => u.item.code === 'ZJJ')!.item;
    expect(zjj).toMatchObject({ fullName: '县住房和城乡建设局', aliases: expect.arrayContaining(['住建']), kind: 'department' });
    expect(v.units!.filter((u) => !u.item.chatId)).toHaveLength(2);
  });

  it('accepts Chinese kinds and role names, numbers for mobiles, lists written as text, blank optional fields', async () => {
    const v = validateOrg(
      await parseOrg(
        Buffer.from(
          ORG({
            units: '  - { code: MSZ, name: 梅山镇, kind: 乡镇, aliases: "梅山、梅山镇人民政府", fullName: "", chatId: }',
            people: '  - { code: P-OFF-1, name: 李联络, mobile: 13800000001, roles: [{ 单位: MSZ, 职务: 负责人 }, 管理员] }',
          }),
        ),
        'org.yml',
      ),
    );
    expect(v.units![0].item).toEqual({ code: 'MSZ', name: '梅山镇', kind: 'township', aliases: ['梅山', '梅山镇人民政府'] }); // blanks are absent
    expect(v.people![2].item).toMatchObject({ mobile: '13800000001', roles: [{ kind: 'official', unit: 'MSZ', position: '负责人' }, { kind: 'admin' }] });
  });
});

describe('validateOrg: problems name file, line and field', () => {
  it('unknown city leader reads like the example in docs/rules.md', async () => {
    const ps = await problemsOf(ORG({ groups: '  - { code: G1, name: 第一专项督导组, kind: special, cityLeader: P-LEADER-9, units: [MSZ] }' }), 'demo.yaml');
    expect(ps).toEqual([{ file: 'demo.yaml', line: 5, field: 'groups[0].cityLeader', message: expect.stringContaining('找不到人员 P-LEADER-9') }]);
    const err = new OrgImportError(ps);
    expect(err.message).toContain('demo.yaml 第5行 groups[0].cityLeader: 找不到人员 P-LEADER-9');
  });

  it('a cityLeader who is not a city leader, a group with no 组长', async () => {
    const ps = await problemsOf(
      ORG({
        groups: [
          '  - { code: G1, name: 第一专项督导组, kind: special, cityLeader: P-OFF-1, units: [MSZ] }',
          '  - { code: G2, name: 第二专项督导组, kind: special, cityLeader: P-LEADER-1 }',
        ].join('\n'),
      }),
    );
    expect(ps.map((p) => [p.line, p.field, p.message])).toEqual([
      [5, 'groups[0].cityLeader', expect.stringContaining('没有 cityLeader')],
      [6, 'groups[1]', expect.stringContaining('没有组长')],
    ]);
  });

  it('bad kind, position, chat id, open id, mobile, email, a person with no contact, unknown fields', async () => {
    const ps = await problemsOf(
      ORG({
        units: '  - { code: MSZ, name: 梅山镇, kind: village, chatId: xx_1 }',
        people: [
          '  - { code: P-OFF-1, name: 李联络, openId: uo_1, roles: [{ official: MSZ, position: 局长 }] }',
          '  - { code: P-OFF-2, name: 周明辉, mobile: "1380000", email: nope, roles: [{ supervisor: G1, position: 组长 }] }',
          '  - { code: P-OFF-3, name: 夏雪梅, roles: [boss] }',
          '  - { code: P-OFF-4, name: 钟婷婷, openId: ou_4, phone: 1, roles: [admin] }',
        ].join('\n'),
      }),
    );
    const at = (field: string) => ps.find((p) => p.field === field)?.message;
    expect(at('units[0].kind')).toMatch(/取值无效 "village"/);
    expect(at('units[0].chatId')).toMatch(/oc_/);
    expect(at('people[2].openId')).toMatch(/ou_/);
    expect(at('people[2].roles[0].position')).toMatch(/单位职务无效 "局长"/);
    expect(at('people[3].mobile')).toMatch(/11 位/);
    expect(at('people[3].email')).toMatch(/邮箱/);
    expect(at('people[4].roles[0]')).toMatch(/未知角色 "boss"/);
    expect(at('people[4].openId')).toMatch(/mobile \/ email/);
    expect(at('people[5].phone')).toMatch(/未知字段/);
    expect(ps.find((p) => p.field === 'people[3].mobile')!.line).toBe(10);
    // a mobile or email is never echoed back
    expect(JSON.stringify(ps)).not.toContain('1380000"');
    expect(JSON.stringify(ps)).not.toContain('nope');
  });

  it('duplicate codes and open ids point at the later entry and name the first', async () => {
    const ps = await problemsOf(ORG({ people: '  - { code: P-SUP-1, name: 李联络, openId: ou_sup1, roles: [admin] }' }));
    expect(ps.map((p) => [p.line, p.field])).toEqual([
      [9, 'people[2].code'],
      [9, 'people[2].openId'],
    ]);
    expect(ps[0].message).toContain('org.yaml 第8行');
  });

  it('block-style entries give the line of the field itself', async () => {
    const ps = await problemsOf(ORG({ units: '  - code: MSZ\n    name: 梅山镇\n    kind: township\n    chatId: bad' }));
    expect(ps).toEqual([expect.objectContaining({ line: 6, field: 'units[0].chatId' })]);
  });

  it('a table left out is not checked against nothing: references need the database (pure check fails them)', async () => {
    const ps = await problemsOf('people:\n  - { code: P1, name: 王五, openId: ou_1, roles: [{ supervisor: G1, position: 组长 }] }\n');
    expect(ps).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('找不到督导组 G1') })]);
  });
});

describe('reading files', () => {
  it('broken YAML, broken JSON, empty files, unknown extensions and tables are clear errors', async () => {
    const yaml = await problemsOf((await import('node:fs')).readFileSync(path.join(FIXTURES, 'bad-syntax.yaml'), 'utf8'), 'bad-syntax.yaml');
    expect(yaml[0]).toMatchObject({ file: 'bad-syntax.yaml', line: 5, message: expect.stringMatching(/^YAML 语法错误/) });
    expect(await problemsOf('{\n  "units": [\n    { "code": "A", }\n  ]\n}', 'org.json')).toEqual([expect.objectContaining({ file: 'org.json', line: 3, message: expect.stringMatching(/^JSON 语法错误/) })]);
    expect(await problemsOf('  \n', 'org.yaml')).toEqual([expect.objectContaining({ message: expect.stringContaining('文件为空') })]);
    expect(await problemsOf('x', 'org.txt')).toEqual([expect.objectContaining({ message: expect.stringContaining('不支持的文件类型 ".txt"') })]);
    expect(await problemsOf('- a\n- b\n')).toEqual([expect.objectContaining({ line: 1, message: expect.stringContaining('顶层') })]);
    expect(await problemsOf('unit:\n  - { code: A }\npeople:\n')).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringContaining('未知的表 "unit"') }),
      expect.objectContaining({ line: 3, field: 'people', message: expect.stringContaining('应为列表') }),
    ]);
  });

  it('JSON files are read with lines too', async () => {
    const json = JSON.stringify({ units: [{ code: 'A', name: '甲', kind: 'nope' }] }, null, 2);
    expect(await problemsOf(json, 'org.json')).toEqual([expect.objectContaining({ line: 6, field: 'units[0].kind' })]);
  });
});
