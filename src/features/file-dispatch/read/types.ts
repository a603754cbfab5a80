/**
 * What a file reader gives back (docs/rules.md#dispatch-from-a-file): the document's paragraphs and
 * tables in order, each piece with where it is in the file in words a reader of the file understands
 * (第3段, 第1个表格第4行, 工作表“清单”第5行, 第2页第7行).
 */
export type FileFormat = 'docx' | 'xlsx' | 'doc' | 'pdf' | 'wps' | 'text';

export interface Para {
  kind: 'para';
  text: string; // may hold line breaks (a soft break inside one paragraph)
  where: string;
}

export interface TableRow {
  cells: string[];
  where: string;
}

export interface Table {
  kind: 'table';
  where: string; // 第1个表格, 工作表“清单”
  rows: TableRow[];
}

export type Part = Para | Table;

export type ReadResult =
  | { ok: true; format: FileFormat; parts: Part[]; pages?: number; note?: string }
  | { ok: false; message: string };
