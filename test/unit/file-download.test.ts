import { downloadFile, type FileSource } from '../../src/features/file-dispatch/download';
import { LIMITS } from '../../src/limits';

/** A resource that counts what is pulled from it: 1 MB chunks, as many as asked, with or without a declared size. */
function source(o: { size?: number; chunks: number }) {
  const seen = { pulled: 0, aborted: false };
  const src: FileSource = {
    getMessage: async () => null,
    messageResource: async () => ({
      size: o.size,
      stream: (async function* () {
        for (let i = 0; i < o.chunks && !seen.aborted; i++) {
          seen.pulled++;
          yield Buffer.alloc(1024 * 1024, 0x41);
        }
      })(),
      abort: () => void (seen.aborted = true),
    }),
  };
  return { src, seen };
}

describe('downloading a file under the size limit', () => {
  test('a declared Content-Length over the limit is refused before a byte is read', async () => {
    const { src, seen } = source({ size: LIMITS.fileBytes + 1, chunks: 100 });
    const r = await downloadFile(src, 'om_1', 'file_1', '大文件.docx');
    expect(r).toEqual({ ok: false, message: expect.stringContaining('文件大小 31,457,281 字节，超过上限 31,457,280 字节') });
    expect(seen).toEqual({ pulled: 0, aborted: true });
  });

  test('without a length (or with a false one) the download stops at the limit, not at the end', async () => {
    const { src, seen } = source({ chunks: 1000 }); // a 1 GB stream
    const r = await downloadFile(src, 'om_1', 'file_1', '无长度.docx');
    expect(r).toEqual({ ok: false, message: expect.stringContaining('已停止下载') });
    expect(seen.pulled).toBe(LIMITS.fileBytes / (1024 * 1024) + 1);
    expect(seen.aborted).toBe(true);
  });

  test('a file under the limit is read whole, with its SHA-256', async () => {
    const { src } = source({ size: 2 * 1024 * 1024, chunks: 2 });
    const r = await downloadFile(src, 'om_1', 'file_1', '通知.docx');
    expect(r).toMatchObject({ ok: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(r.ok && r.bytes.length).toBe(2 * 1024 * 1024);
  });
});
