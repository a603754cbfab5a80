/**
 * A small multipart/form-data reader that keeps every part's raw bytes. `Response.formData()` turns a
 * part without `filename` into a UTF-8 string, and the SDK sends a Buffer that way (form-data appends
 * it with no filename), which would corrupt binary images.
 */

export interface Part {
  name: string;
  bytes: Buffer;
  filename?: string;
  contentType?: string;
}

export function parseMultipart(raw: Buffer, contentType: string): Map<string, Part> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) throw new Error('multipart without boundary');
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts = new Map<string, Part>();
  let pos = raw.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart boundary not found');
  for (;;) {
    pos += delimiter.length;
    if (raw.subarray(pos, pos + 2).toString() === '--') break; // closing delimiter
    pos += 2; // CRLF after the delimiter
    const headerEnd = raw.indexOf('\r\n\r\n', pos);
    const next = raw.indexOf(delimiter, pos);
    if (headerEnd < 0 || next < 0) throw new Error('truncated multipart body');
    const headers = raw.subarray(pos, headerEnd).toString('utf8');
    const bytes = raw.subarray(headerEnd + 4, next - 2); // the part ends with CRLF before the delimiter
    const name = /[;\s]name="([^"]*)"/i.exec(headers)?.[1];
    if (name !== undefined) {
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      const type = /^content-type:[^\S\n]*(\S.*)$/im.exec(headers)?.[1]?.trim();
      parts.set(name, { name, bytes: Buffer.from(bytes), ...(filename !== undefined && { filename }), ...(type && { contentType: type }) });
    }
    pos = next;
  }
  return parts;
}

/** A part's text value (for plain fields such as `image_type`). */
export function fieldText(parts: Map<string, Part> | undefined, name: string): string | undefined {
  const p = parts?.get(name);
  return p ? p.bytes.toString('utf8') : undefined;
}
