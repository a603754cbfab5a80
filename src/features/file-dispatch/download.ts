import { createHash } from 'node:crypto';
import type { FetchedMessage, ResourceDownload } from '../../app/ports';
import { LIMITS, limitMessage } from '../../limits';

/** What this feature needs of Feishu: a message read back, and a resource it carries. */
export interface FileSource {
  getMessage(messageId: string): Promise<FetchedMessage | null>;
  messageResource(messageId: string, fileKey: string, type: 'file' | 'image'): Promise<ResourceDownload>;
}

const groups = (n: number) => n.toLocaleString('en-US');

/**
 * Downloads a message's file under LIMITS.fileBytes: refused from the declared Content-Length before a
 * byte is read, else stopped as soon as the bytes read pass the limit (a missing or lying length).
 */
export async function downloadFile(src: FileSource, messageId: string, fileKey: string, name: string): Promise<{ ok: true; bytes: Buffer; sha256: string } | { ok: false; message: string }> {
  const dl = await src.messageResource(messageId, fileKey, 'file');
  const tooBig = (what: string) => ({ ok: false as const, message: `《${name}》${what}，请拆分后重新发送，或只发送含督办事项的部分。` });
  if (dl.size !== undefined && dl.size > LIMITS.fileBytes) {
    dl.abort();
    return tooBig(limitMessage('fileBytes', dl.size));
  }
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let n = 0;
  for await (const chunk of dl.stream) {
    n += chunk.length;
    if (n > LIMITS.fileBytes) {
      dl.abort();
      return tooBig(`文件大小超过上限 ${groups(LIMITS.fileBytes)} 字节（读到 ${groups(n)} 字节时已停止下载）`);
    }
    hash.update(chunk);
    chunks.push(chunk);
  }
  return { ok: true, bytes: Buffer.concat(chunks, n), sha256: hash.digest('hex') };
}
