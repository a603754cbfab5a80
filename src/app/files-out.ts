import type { FileRef, FileType, OutFile } from './ports';

/**
 * Files the bot sends in chat (docs/architecture.md#files-out). An outbox row of msgType `file` holds a
 * `FileRef` — a maker's name and its arguments — never the bytes; the worker asks the maker for the
 * file when it sends the row, uploads it and sends the file message. A maker returns null when what
 * it would show no longer exists (the row is then superseded); a throw is retried like an outage.
 */
export type FileMaker = (args: FileRef['args']) => Promise<OutFile | null>;

export class FileMakers {
  private readonly makers = new Map<string, FileMaker>();

  /** Registers the maker of one kind of file, e.g. 'ledger'; a kind is registered once. */
  add(kind: string, maker: FileMaker): void {
    if (this.makers.has(kind)) throw new Error(`a file maker for ${kind} is already registered`);
    this.makers.set(kind, maker);
  }

  has(kind: string): boolean {
    return this.makers.has(kind);
  }

  /** The file, made now; undefined when no maker knows the kind (a wiring fault: the row fails for good). */
  async make(ref: FileRef): Promise<OutFile | null | undefined> {
    const maker = this.makers.get(ref.kind);
    return maker ? maker(ref.args) : undefined;
  }
}

/** Feishu's upload type for a file name: xlsx/xls as xls, docx/doc as doc, pdf, anything else as stream. */
export function fileTypeOf(name: string): FileType {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'xlsx' || ext === 'xls') return 'xls';
  if (ext === 'docx' || ext === 'doc') return 'doc';
  if (ext === 'pptx' || ext === 'ppt') return 'ppt';
  if (ext === 'pdf' || ext === 'mp4' || ext === 'opus') return ext;
  return 'stream';
}
