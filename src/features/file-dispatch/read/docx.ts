import mammoth from 'mammoth';
import { htmlParts } from './html-parts';
import type { ReadResult } from './types';

/** A Word .docx: its paragraphs (numbering restored) and tables, in order. The archive is checked before this runs. */
export async function readDocx(bytes: Buffer): Promise<ReadResult> {
  const { value } = await mammoth.convertToHtml({ buffer: bytes }, { ignoreEmptyParagraphs: true, convertImage: mammoth.images.imgElement(async () => ({ src: '' })) });
  return { ok: true, format: 'docx', parts: htmlParts(value) };
}
