import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { ArchiveRefused, checkArchive, readCentralDirectory } from '../../src/archive-check';
import { LIMITS } from '../../src/limits';
import { OrgImportError, parseOrg, type Problem } from '../../src/org';

/** Imports within their resource limits: the archive's inflated size, rows and columns, YAML aliases. */
interface ZipEntry {
  name: string;
  data: Buffer; // as stored (deflated when method 8)
  method?: 0 | 8;
  size: number; // declared uncompressed size
  crc?: number;
  flags?: number;
}

/** A minimal ZIP writer, so the hostile archives are built here byte by byte. */
function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(e.flags ?? 0, 6);
    lh.writeUInt16LE(e.method ?? 8, 8);
    lh.writeUInt32LE(e.crc ?? 0, 14);
    lh.writeUInt32LE(e.data.length, 18);
    lh.writeUInt32LE(e.size, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(e.flags ?? 0, 8);
    ch.writeUInt16LE(e.method ?? 8, 10);
    ch.writeUInt32LE(e.crc ?? 0, 16);
    ch.writeUInt32LE(e.data.length, 20);
    ch.writeUInt32LE(e.size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, e.data);
    central.push(ch, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** `bytes` of zeros deflated as a stream (never held whole): a few hundred KB for hundreds of MB. */
async function deflatedZeros(bytes: number): Promise<Buffer> {
  const z = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  z.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => z.on('end', r));
  const chunk = Buffer.alloc(1 << 20);
  for (let left = bytes; left > 0; left -= chunk.length) {
    if (!z.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await done;
  return Buffer.concat(out);
}

async function refusal(p: Promise<unknown>): Promise<Problem[]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OrgImportError) return e.problems;
    throw e;
  }
  throw new Error('expected an OrgImportError');
}

const deflated = (s: string): ZipEntry => {
  const raw = Buffer.from(s);
  return { name: 'a.xml', data: deflateRawSync(raw), size: raw.length, crc: crc32(raw) };
};

describe('the archive check, before any unpacking', () => {
  test('a workbook of a few hundred KB that inflates to 450 MB is refused on its directory, naming the limit', async () => {
    const data = await deflatedZeros(450 * 1024 * 1024);
    expect(data.length).toBeLessThan(1024 * 1024);
    const bomb = zip([{ name: 'xl/worksheets/sheet1.xml', data, size: 450 * 1024 * 1024 }]);
    await expect(checkArchive(bomb)).rejects.toThrow('解压后大小 471,859,200 字节，超过上限 104,857,600 字节');
    const p = await refusal(parseOrg(bomb, 'org.xlsx'));
    expect(p).toEqual([{ file: 'org.xlsx', message: expect.stringContaining('解压后大小 471,859,200 字节，超过上限 104,857,600 字节') }]);
  }, 60_000);

  test('an entry that inflates past the size its directory declares is stopped as inconsistent', async () => {
    const data = await deflatedZeros(20 * 1024 * 1024);
    const liar = zip([{ name: 'xl/worksheets/sheet1.xml', data, size: 1024 }]);
    expect(readCentralDirectory(liar)[0].size).toBe(1024); // the directory alone looks harmless
    await expect(checkArchive(liar)).rejects.toThrow(/sheet1\.xml 解压后大于其记录的 1,024 字节/);
  });

  test('encrypted, ZIP64, truncated and not-a-zip archives are refused clearly', async () => {
    await expect(checkArchive(zip([{ ...deflated('<x/>'), flags: 1 }]))).rejects.toThrow('压缩包已加密');
    await expect(checkArchive(zip([{ ...deflated('<x/>'), size: 0xffffffff }]))).rejects.toThrow('不支持 ZIP64');
    const ok = zip([deflated('<x/>')]);
    await expect(checkArchive(ok.subarray(0, ok.length - 30))).rejects.toThrow(ArchiveRefused);
    await expect(checkArchive(Buffer.from('not a zip at all, just text'))).rejects.toThrow('找不到目录结尾记录');
    const lies = zip([{ ...deflated('<hello/>'), size: 3 }]);
    await expect(checkArchive(lies)).rejects.toThrow(ArchiveRefused);
  });

  test('a real workbook passes, with its entries and inflated size', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('units').addRows([['code', 'name'], ['MSZ', '梅山镇']]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const { entries, inflatedBytes } = await checkArchive(buf);
    expect(entries.map((e) => e.name)).toContain('xl/worksheets/sheet1.xml');
    expect(inflatedBytes).toBe(entries.reduce((s, e) => s + e.size, 0));
  });
});

describe('rows and columns of a sheet', () => {
  const sheet = async (rows: (string | number)[][]) => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('people').addRows(rows);
    return Buffer.from(await wb.xlsx.writeBuffer());
  };

  test(`more than ${LIMITS.sheetRows} rows is refused with the limit and the count`, async () => {
    const rows = [['code', 'name', 'roles'], ...Array.from({ length: LIMITS.sheetRows }, (_, i) => [`P${i}`, `人员${i}`, 'admin'])];
    const p = await refusal(parseOrg(await sheet(rows), 'people.xlsx'));
    expect(p).toEqual([{ file: 'people.xlsx', sheet: 'people', message: '表格行数 20,001 行，超过上限 20,000 行' }]);
  }, 60_000);

  test(`more than ${LIMITS.sheetColumns} columns is refused with the limit and the count`, async () => {
    const header = ['code', 'name', 'roles', ...Array.from({ length: LIMITS.sheetColumns - 2 }, (_, i) => `x${i}`)];
    const p = await refusal(parseOrg(await sheet([header, ['P1', '张三', 'admin']]), 'people.xlsx'));
    expect(p).toEqual([{ file: 'people.xlsx', sheet: 'people', message: '表格列数 101 列，超过上限 100 列' }]);
  });

  test('a CSV over the row limit is refused the same way', async () => {
    const csv = ['code,name,roles', ...Array.from({ length: LIMITS.sheetRows }, (_, i) => `P${i},人员${i},admin`)].join('\n');
    const p = await refusal(parseOrg(Buffer.from(csv), 'people.csv'));
    expect(p).toEqual([{ file: 'people.csv', message: '表格行数 20,001 行，超过上限 20,000 行' }]);
  });
});

test('a YAML billion laughs is refused as a problem of the file, not a server error', async () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const yaml = `${levels.join('\n')}\nunits: *i\n`;
  const p = await refusal(parseOrg(Buffer.from(yaml), 'org.yaml'));
  expect(p).toEqual([{ file: 'org.yaml', message: expect.stringMatching(/^别名（&\/\*）展开过多，超过上限 100 次/) }]);
});
