import { ArchiveRefused, checkArchive } from '../../../archive-check';
import { LIMITS, limitMessage } from '../../../limits';
import { readDoc } from './doc';
import { readDocx } from './docx';
import { broken, noTextLayer, saveAsDocx, saveAsXlsx, unsupported } from './messages';
import { readPdf } from './pdf';
import type { Part, ReadResult } from './types';
import { readXlsx } from './xlsx';

/**
 * A file's bytes → its text and tables with where each piece is, or the answer naming what to send
 * instead. The kind is told from the bytes (a .doc renamed .docx is still read), the name only
 * settles what the bytes cannot (an old binary .xls and .doc look alike). Runs in a worker thread.
 */
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ext = (name: string) => /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';

function isImage(b: Buffer): boolean {
  const head = b.subarray(0, 12);
  return (
    head.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) || // PNG
    (head[0] === 0xff && head[1] === 0xd8) || // JPEG
    head.subarray(0, 3).toString('latin1') === 'GIF' ||
    head.subarray(0, 2).toString('latin1') === 'BM' ||
    ['II*\0', 'MM\0*'].includes(head.subarray(0, 4).toString('latin1')) || // TIFF
    (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP')
  );
}

function plainText(b: Buffer): Part[] | null {
  if (b.includes(0)) return null;
  const text = b.toString('utf8').replace(/^\uFEFF/, '');
  if (text.includes('\uFFFD')) return null;
  return text.split(/\r\n?|\n/).flatMap((line, i) => (line.trim() ? [{ kind: 'para' as const, text: line.trim(), where: `第${i + 1}行` }] : []));
}

async function readZip(bytes: Buffer, name: string): Promise<ReadResult> {
  const { entries } = await checkArchive(bytes);
  const names = new Set(entries.map((e) => e.name));
  if (names.has('word/document.xml')) return readDocx(bytes);
  if (names.has('xl/workbook.xml')) return readXlsx(bytes, name);
  return { ok: false, message: unsupported(name) };
}

async function readOle(bytes: Buffer, name: string): Promise<ReadResult> {
  const e = ext(name);
  if (e === 'xls' || e === 'et' || e === 'ett' || e === 'xlt') return { ok: false, message: saveAsXlsx(name) };
  try {
    return await readDoc(bytes, e === 'wps' ? 'wps' : 'doc');
  } catch {
    return { ok: false, message: saveAsDocx(name) };
  }
}

export async function readFile(bytes: Buffer, name: string): Promise<ReadResult> {
  if (bytes.length > LIMITS.fileBytes) return { ok: false, message: `${limitMessage('fileBytes', bytes.length)}，请拆分后重新发送。` };
  if (!bytes.length) return { ok: false, message: broken(name, '文件是空的') };
  try {
    if (bytes.readUInt32LE(0) === 0x04034b50) return await readZip(bytes, name);
    if (bytes.subarray(0, 8).equals(OLE)) return await readOle(bytes, name);
    if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return await readPdf(bytes, name);
    if (isImage(bytes)) return { ok: false, message: noTextLayer(name) };
    if (['xls', 'et'].includes(ext(name))) return { ok: false, message: saveAsXlsx(name) };
    const text = ['txt', 'text', ''].includes(ext(name)) ? plainText(bytes) : null;
    if (text) return { ok: true, format: 'text', parts: text };
    return { ok: false, message: unsupported(name) };
  } catch (e) {
    if (e instanceof ArchiveRefused) return { ok: false, message: `无法读取《${name}》：${e.message}。` };
    return { ok: false, message: broken(name, '文件已损坏或格式不符') };
  }
}
