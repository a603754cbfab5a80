import fs from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { OrgImportError, type Problem } from './problems';
import { readCsv, readXlsx } from './sheets';
import { mergeSources, TABLES, type ParsedOrg, type SourceEntry, type TableName } from './source';

/** Reads organisation files: one YAML/JSON file with all tables, one XLSX workbook, or CSV tables. */

export async function readOrgFile(file: string): Promise<ParsedOrg> {
  let buffer: Buffer;
  try {
    buffer = await fs.readFile(file);
  } catch (e) {
    throw new OrgImportError([{ file: path.basename(file), message: `无法读取文件 (${(e as NodeJS.ErrnoException).code ?? String(e)})` }]);
  }
  return parseOrg(buffer, path.basename(file));
}

/** Several files read as one import (e.g. units.csv + groups.csv + people.csv); every file's problems are reported. */
export async function readOrgFiles(files: string[]): Promise<ParsedOrg> {
  const problems: Problem[] = [];
  const sources: ParsedOrg[] = [];
  for (const f of files) {
    try {
      sources.push(await readOrgFile(f));
    } catch (e) {
      if (!(e instanceof OrgImportError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length) throw new OrgImportError(problems);
  return mergeSources(sources);
}

export async function parseOrg(buffer: Buffer, filename: string): Promise<ParsedOrg> {
  const ext = path.extname(filename).toLowerCase();
  if (!buffer.length || (ext !== '.xlsx' && !buffer.toString('utf8').trim())) throw new OrgImportError([{ file: filename, message: '文件为空 (empty file)' }]);
  switch (ext) {
    case '.yaml':
    case '.yml':
      return parseStructured(buffer.toString('utf8'), filename, false);
    case '.json':
      return parseStructured(buffer.toString('utf8'), filename, true);
    case '.csv':
      return readCsv(buffer, filename);
    case '.xlsx':
      return readXlsx(buffer, filename);
    default:
      throw new OrgImportError([{ file: filename, message: `不支持的文件类型 "${ext || '(无扩展名)'}"，可用 .yaml .yml .json .xlsx .csv` }]);
  }
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function parseStructured(text: string, file: string, json: boolean): ParsedOrg {
  const src = text.replace(/^\uFEFF/, '');
  if (json) {
    try {
      JSON.parse(src);
    } catch (e) {
      const msg = (e as Error).message;
      const pos = /position (\d+)/.exec(msg);
      throw new OrgImportError([{ file, ...(pos ? { line: lineAt(src, Number(pos[1])) } : {}), message: `JSON 语法错误: ${msg.replace(/\s?\(line \d+ column \d+\)/, '')}` }]);
    }
  }
  const lc = new LineCounter();
  const doc = parseDocument(src, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    throw new OrgImportError(
      doc.errors.map((e) => ({ file, line: lc.linePos(e.pos[0]).line, message: `${json ? 'JSON' : 'YAML'} 语法错误: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` })),
    );
  }
  return tablesOf(doc, lc, file);
}

/**
 * Aliases expand on conversion: a "billion laughs" file of a few hundred bytes would expand to
 * gigabytes. yaml stops past maxAliasCount expansions (its ReferenceError): that is a refusal of the
 * file like any other, not a server error.
 */
const MAX_ALIAS_COUNT = 100;

function toJS(doc: Document, file: string): Record<string, unknown> {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof ReferenceError || /alias/i.test((e as Error).message)) {
      throw new OrgImportError([{ file, message: `别名（&/*）展开过多，超过上限 ${MAX_ALIAS_COUNT} 次 (${(e as Error).message})；请直接写出各项内容` }]);
    }
    throw e;
  }
}

function tablesOf(doc: Document, lc: LineCounter, file: string): ParsedOrg {
  const line = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lc.linePos(range[0]).line : undefined;
  };
  const root = doc.contents;
  if (!isMap(root)) {
    throw new OrgImportError([{ file, line: line(root) ?? 1, message: '顶层应为包含 units、groups、people 的对象 (expected a map with units / groups / people)' }]);
  }
  const js = toJS(doc, file);
  const out: ParsedOrg = { files: [file], tables: {} };
  const problems: Problem[] = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!(TABLES as readonly string[]).includes(key)) {
      problems.push({ file, line: line(pair.key), field: key, message: `未知的表 "${key}"，可用 units、groups、people` });
      continue;
    }
    const table = key as TableName;
    if (!isSeq(pair.value)) {
      problems.push({ file, line: line(pair.value) ?? line(pair.key), field: table, message: `${table} 应为列表 (a list)` });
      continue;
    }
    const items = js[table] as unknown[];
    out.tables[table] = pair.value.items.map((node, i): SourceEntry => ({
      value: items[i],
      where: { file, line: line(node) ?? line(pair.key) },
      prefix: `${table}[${i}]`,
      lineOf: (p) => line(doc.getIn([table, i, ...p], true)),
    }));
  }
  if (problems.length) throw new OrgImportError(problems);
  if (!Object.keys(out.tables).length) throw new OrgImportError([{ file, line: 1, message: '文件中没有 units、groups 或 people' }]);
  return out;
}
