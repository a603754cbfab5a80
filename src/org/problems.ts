/** What is wrong with an organisation file, and where: every problem names its file and line (or sheet and row). */

export interface Where {
  file: string;
  line?: number; // YAML/JSON: 1-based line
  sheet?: string; // XLSX: the worksheet
  row?: number; // CSV/XLSX: 1-based row as the spreadsheet shows it
}

export interface Problem extends Where {
  field?: string; // e.g. groups[1].cityLeader (YAML/JSON) or cityLeader (CSV/XLSX)
  message: string;
}

export function formatProblem(p: Problem): string {
  const place = [p.file, p.sheet ? `工作表 ${p.sheet}` : '', p.line ? `第${p.line}行` : p.row ? `第${p.row}行` : ''].filter(Boolean).join(' ');
  return `${place}${p.field ? ` ${p.field}` : ''}: ${p.message}`;
}

function order(a: Problem, b: Problem): number {
  return a.file.localeCompare(b.file) || (a.sheet ?? '').localeCompare(b.sheet ?? '') || (a.line ?? a.row ?? 0) - (b.line ?? b.row ?? 0);
}

/** Thrown before anything is written: the file (or files) cannot be imported as they are. */
export class OrgImportError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    const sorted = [...problems].sort(order);
    super(
      `组织架构导入失败，共 ${sorted.length} 处问题，未写入任何数据 (org import failed: ${sorted.length} problem${sorted.length === 1 ? '' : 's'}, nothing written):\n` +
        sorted.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'OrgImportError';
    this.problems = sorted;
  }
}

/** Collects problems while checking; `throwIfAny` ends the check with one error naming them all. */
export class ProblemList {
  readonly items: Problem[] = [];

  add(where: Where, field: string | undefined, message: string): void {
    this.items.push({ ...where, ...(field ? { field } : {}), message });
  }

  throwIfAny(): void {
    if (this.items.length) throw new OrgImportError(this.items);
  }
}
