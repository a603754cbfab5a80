import path from 'node:path';
import ExcelJS from 'exceljs';
import { OrgImportError, parseOrg, readOrgFiles, validateOrg, type Problem } from '../../src/org';
import { parseRolesCell } from '../../src/org/sheets';

const FIXTURES = path.join(__dirname, '../fixtures/org');

async function problems(p: Promise<unknown>): Promise<Problem[]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OrgImportError) return e.problems;
    throw e;
  }
  throw new Error('expected an OrgImportError');
}

async function workbook(sheets: Record<string, (string | number | null)[][]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('roles cells', () => {
  it('reads the compact form', () => {
    expect(parseRolesCell('supervisor:G1:组长; official：MSZ：联络员；cityLeader\nadmin')).toEqual([
      { supervisor: 'G1', position: '组长' },
      { official: 'MSZ', position: '联络员' },
      'cityLeader',
      'admin',
    ]);
  });
});

describe('CSV', () => {
  it('three tables in three files, detected from their headers, merged into one import', async () => {
    const v = validateOrg(await readOrgFiles(['people.csv', 'units.csv', 'groups.csv'].map((f) => path.join(FIXTURES, f))));
    expect(v.units!.map((u) => u.item.code)).toEqual(['MSZ', 'ZJJ']);
    expect(v.groups![1].item.units).toEqual(['MSZ', 'ZJJ']);
    expect(v.people!.find((p) => p.item.code === 'P-ADMIN-1')!.item.roles).toEqual([{ kind: 'admin' }, { kind: 'observer' }]);
    expect(v.units![1].src.where).toEqual({ file: 'units.csv', row: 3 });
  });

  it('GBK-encoded CSV as saved by Excel/WPS, Chinese headers, a numbered column ignored', async () => {
    const text = '序号,编码,名称,类型,片区\n1,MSZ,梅山镇,乡镇,西片区\n';
    const gbk = Buffer.from(new Uint8Array([...encodeGbk(text)]));
    const s = await parseOrg(gbk, '单位.csv');
    expect(s.tables.units![0].value).toEqual({ code: 'MSZ', name: '梅山镇', kind: '乡镇', area: '西片区' });
  });

  it('errors name the file and row; an unrecognised header is an error', async () => {
    const ps = await problems(
      (async () => validateOrg(await parseOrg(Buffer.from('code,name,openId,roles\nP1,王五,,cityLeader\n\nP2,赵六,ou_2,"supervisor:G9:组长"\n'), 'people.csv')))(),
    );
    expect(ps).toEqual([
      { file: 'people.csv', row: 2, field: 'openId', message: expect.stringContaining('mobile / email') },
      { file: 'people.csv', row: 4, field: 'roles[0].supervisor', message: expect.stringContaining('找不到督导组 G9') },
    ]);
    expect(await problems(parseOrg(Buffer.from('foo,bar\n1,2\n'), 'x.csv'))).toEqual([expect.objectContaining({ file: 'x.csv', row: 1, message: expect.stringContaining('表头') })]);
  });
});

describe('XLSX', () => {
  it('reads sheets named in English or Chinese, with Chinese headers and numeric mobiles', async () => {
    const buf = await workbook({
      说明: [['这张表不是数据']],
      单位: [
        ['编码', '名称', '类型', '片区', '群聊'],
        ['MSZ', '梅山镇', '乡镇', '西片区', 'oc_msz'],
      ],
      groups: [
        ['code', 'name', 'kind', 'cityLeader', 'units', 'chatId'],
        ['G1', '第一专项督导组', 'special', 'P-LEADER-1', 'MSZ', 'oc_g1'],
      ],
      人员: [
        ['编码', '姓名', 'open_id', '手机', '角色', '备注'],
        ['P-LEADER-1', '王市长', 'ou_leader', null, '挂钩市领导', '市长'],
        ['P-SUP-1', '张督导', null, 13800000001, 'supervisor:G1:组长', null],
      ],
    });
    const v = validateOrg(await parseOrg(buf, 'org.xlsx'));
    expect(v.people!.map((p) => p.item)).toEqual([
      { code: 'P-LEADER-1', name: '王市长', openId: 'ou_leader', roles: [{ kind: 'cityLeader' }] },
      { code: 'P-SUP-1', name: '张督导', mobile: '13800000001', roles: [{ kind: 'supervisor', group: 'G1', position: '组长' }] },
    ]);
  });

  it('errors name the sheet and row', async () => {
    const buf = await workbook({
      units: [['code', 'name', 'kind'], ['MSZ', '梅山镇', 'township'], [], ['MSZ', '梅山', 'town']],
    });
    const ps = await problems((async () => validateOrg(await parseOrg(buf, 'org.xlsx')))());
    expect(ps).toEqual([
      { file: 'org.xlsx', sheet: 'units', row: 4, field: 'code', message: expect.stringContaining('重复') },
      { file: 'org.xlsx', sheet: 'units', row: 4, field: 'kind', message: expect.stringContaining('取值无效') },
    ]);
    expect(new OrgImportError(ps).message).toContain('org.xlsx 工作表 units 第4行 kind: 取值无效 "town"');
    const none = await workbook({ Sheet1: [['a']] });
    expect(await problems(parseOrg(none, 'x.xlsx'))).toEqual([expect.objectContaining({ message: expect.stringContaining('没有名为 units') })]);
    expect(await problems(parseOrg(Buffer.from('not a zip'), 'x.xlsx'))).toEqual([expect.objectContaining({ message: expect.stringContaining('XLSX') })]);
  });
});

/** A tiny GBK encoder for the test (TextEncoder only does UTF-8): decode every 2-byte code until it matches. */
function encodeGbk(text: string): number[] {
  const dec = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = dec.decode(new Uint8Array([hi, lo]));
      if (!table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  return [...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : table.get(ch)!));
}
