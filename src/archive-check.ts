import { createInflateRaw } from 'node:zlib';
import { LIMITS, limitMessage } from './limits';

/**
 * Checks a ZIP archive (XLSX, DOCX) *before* a library unpacks it: reads the end-of-central-directory
 * record and the central directory, refuses ZIP64, split, encrypted or inconsistent archives, and sums
 * the entries' uncompressed sizes against LIMITS.archiveInflatedBytes. Because the directory could lie,
 * each compressed entry is then inflated as a stream (off the event loop, nothing kept) and stopped as
 * soon as it gives more than its entry declared. A 460 KB workbook that inflates to 450 MB is refused
 * after reading 100 MB at most, with memory flat, instead of being unpacked whole.
 */
export class ArchiveRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveRefused';
  }
}

export interface ArchiveEntry {
  name: string;
  method: number; // 0 stored, 8 deflate
  compressedSize: number;
  size: number; // uncompressed, as declared
  localOffset: number;
}

const EOCD = 0x06054b50;
const CDH = 0x02014b50;
const LFH = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const MAX_COMMENT = 0xffff;

function findEocd(buf: Buffer): number {
  const stop = Math.max(0, buf.length - 22 - MAX_COMMENT);
  for (let i = buf.length - 22; i >= stop; i--) if (buf.readUInt32LE(i) === EOCD) return i;
  return -1;
}

/** The central directory's entries, checked for what the reader refuses. Pure and quick: no inflating. */
export function readCentralDirectory(buf: Buffer): ArchiveEntry[] {
  const bad = (why: string) => new ArchiveRefused(`不是有效的 ZIP 文件（${why}）`);
  if (buf.length < 22) throw bad('文件过短');
  const e = findEocd(buf);
  if (e < 0) throw bad('找不到目录结尾记录');
  if (e >= 20 && buf.readUInt32LE(e - 20) === ZIP64_LOCATOR) throw new ArchiveRefused('不支持 ZIP64 格式的压缩包，请用 Excel/WPS 另存后再上传');
  const [disk, cdDisk, onDisk, total] = [buf.readUInt16LE(e + 4), buf.readUInt16LE(e + 6), buf.readUInt16LE(e + 8), buf.readUInt16LE(e + 10)];
  const [cdSize, cdOffset] = [buf.readUInt32LE(e + 12), buf.readUInt32LE(e + 16)];
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ArchiveRefused('不支持 ZIP64 格式的压缩包，请用 Excel/WPS 另存后再上传');
  if (disk !== 0 || cdDisk !== 0 || onDisk !== total) throw new ArchiveRefused('不支持分卷压缩包');
  if (cdOffset + cdSize > e) throw bad('目录位置超出文件');
  const entries: ArchiveEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < total; i++) {
    if (p + 46 > cdOffset + cdSize || buf.readUInt32LE(p) !== CDH) throw bad(`第 ${i + 1} 个目录项损坏`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const [n, x, c] = [buf.readUInt16LE(p + 28), buf.readUInt16LE(p + 30), buf.readUInt16LE(p + 32)];
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + n).toString('utf8');
    if (flags & 0x1) throw new ArchiveRefused(`压缩包已加密（${name}），请取消密码后再上传`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw new ArchiveRefused('不支持 ZIP64 格式的压缩包，请用 Excel/WPS 另存后再上传');
    if (method !== 0 && method !== 8) throw bad(`${name} 使用了不支持的压缩方式 ${method}`);
    if (method === 0 && compressedSize !== size) throw bad(`${name} 的大小前后不一致`);
    if (localOffset + 30 + compressedSize > cdOffset) throw bad(`${name} 的数据超出文件`);
    entries.push({ name, method, compressedSize, size, localOffset });
    p += 46 + n + x + c;
  }
  if (p !== cdOffset + cdSize) throw bad('目录大小与记录不符');
  return entries;
}

/** Inflates one entry as a stream, counting, and refuses it the moment it gives more than it declared. */
function inflatedSize(buf: Buffer, entry: ArchiveEntry): Promise<number> {
  const at = entry.localOffset;
  if (buf.readUInt32LE(at) !== LFH) return Promise.reject(new ArchiveRefused(`不是有效的 ZIP 文件（${entry.name} 的本地记录损坏）`));
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Promise.resolve(data.length);
  return new Promise((resolve, reject) => {
    let n = 0;
    const z = createInflateRaw();
    const fail = (err: Error) => {
      z.destroy();
      reject(err);
    };
    z.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > entry.size) fail(new ArchiveRefused(`不是有效的 ZIP 文件（${entry.name} 解压后大于其记录的 ${entry.size.toLocaleString('en-US')} 字节）`));
    });
    z.on('error', (err) => fail(new ArchiveRefused(`不是有效的 ZIP 文件（${entry.name} 无法解压：${err.message}）`)));
    z.on('end', () => (n === entry.size ? resolve(n) : fail(new ArchiveRefused(`不是有效的 ZIP 文件（${entry.name} 解压后的大小与记录不符）`))));
    z.end(data);
  });
}

/**
 * Refuses an archive whose entries would inflate past LIMITS.archiveInflatedBytes (or that is not a
 * plain ZIP); answers its entries and total inflated size. Call it before handing the bytes to exceljs,
 * mammoth or any other unpacker.
 */
export async function checkArchive(buf: Buffer): Promise<{ entries: ArchiveEntry[]; inflatedBytes: number }> {
  const entries = readCentralDirectory(buf);
  const declared = entries.reduce((s, x) => s + x.size, 0);
  if (declared > LIMITS.archiveInflatedBytes) throw new ArchiveRefused(limitMessage('archiveInflatedBytes', declared));
  let inflatedBytes = 0;
  for (const entry of entries) inflatedBytes += await inflatedSize(buf, entry);
  return { entries, inflatedBytes };
}
