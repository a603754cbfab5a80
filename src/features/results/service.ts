import type { AppDeps } from '../../app/deps';
import { fileTypeOf } from '../../app/files-out';
import { matchUnit } from '../../domain/dispatch';
import { hasRole, supervisedGroups, type Org, type Person } from '../../domain/org';
import { SOURCES } from '../../domain/task';
import { localDate } from '../../domain/time';
import { limitMessage, overLimit } from '../../limits';
import { resultsDocx } from './docx';
import type { YearFacts } from './facts';
import { GRADES } from './highlight';
import type { GradeDoc, ResultsStores } from './ports';
import { supervisorsRecord, type SupervisorsRecord } from './record';
import { yearResults, type YearResults } from './results';

/**
 * The results feature's data side (docs/rules.md#the-supervisors-record, docs/rules.md#the-years-results):
 * the year's facts with 亮点 and grades, the 成效 figures, the record, the Word document, recording a grade.
 */
export type ResultsDeps = Pick<AppDeps, 'clock' | 'orgs' | 'settings' | 'log' | 'files'>;

export const RESULTS_FILE = 'results';

const inCoordination = (p: Person, org: Org) => supervisedGroups(p).some((g) => org.group(g)?.kind === 'coordination');
export const leadsCoordination = (p: Person, org: Org) => p.roles.some((r) => r.kind === 'supervisor' && (r.position === '组长' || r.position === '副组长') && org.group(r.group)?.kind === 'coordination');
/** Who sees the 成效 and the whole record: city leaders, the coordination group, admins. */
export const seesResults = (p: Person, org: Org) => hasRole(p, 'cityLeader') || hasRole(p, 'admin') || inCoordination(p, org);

export type GradeInput = { unit: string; year: string; grade: string; remarks: string };

export class ResultsService {
  constructor(
    private readonly deps: ResultsDeps,
    private readonly stores: ResultsStores,
  ) {
    if (!deps.files.has(RESULTS_FILE)) {
      deps.files.add(RESULTS_FILE, async (args) => {
        const year = Number(args.year);
        if (!Number.isInteger(year)) return null;
        const f = await this.docx(year);
        return { name: f.name, bytes: f.bytes, fileType: fileTypeOf(f.name) };
      });
    }
  }

  today(): string {
    return localDate(this.deps.clock.now(), this.deps.settings.tz);
  }

  thisYear(): number {
    return Number(this.today().slice(0, 4));
  }

  async facts(year: number): Promise<YearFacts> {
    const { highlights, grades } = this.stores;
    const [base, hs, gs] = await Promise.all([this.stores.facts(year), highlights.records.all({ year }), grades.records.all({ year })]);
    return {
      ...base,
      highlights: hs.sort((a, b) => a.number - b.number).map((h) => ({ no: h.number, unit: h.unit, title: h.title, content: h.content, by: h.by, date: h.date })),
      grades: gs.sort((a, b) => a.unit.localeCompare(b.unit)).map((g) => ({ unit: g.unit, grade: g.grade, remarks: g.remarks })),
    };
  }

  async results(year: number): Promise<YearResults> {
    return yearResults(await this.facts(year), { categories: this.deps.settings.categories, sources: [...SOURCES] });
  }

  async record(year: number, org: Org): Promise<SupervisorsRecord> {
    const groupOf = (code: string) => {
      const p = org.person(code);
      return p ? supervisedGroups(p)[0] : undefined;
    };
    return supervisorsRecord(await this.facts(year), org.groups.map((g) => g.code), groupOf);
  }

  async docx(year: number): Promise<{ name: string; bytes: Buffer }> {
    const org = await this.deps.orgs.get();
    const bytes = await resultsDocx(await this.results(year), { unitName: (c) => org.unitName(c), personName: (c) => org.personName(c) });
    return { name: `${year}年度大督导工作成效.docx`, bytes };
  }

  /** A unit's 定性评价 for a year, every problem named; the latest per unit and year is kept. */
  async grade(p: Person, input: GradeInput, org: Org): Promise<{ ok: true; doc: GradeDoc } | { ok: false; problems: string[] }> {
    const problems: string[] = [];
    const found = input.unit ? (org.unit(input.unit) ? { ok: true as const, unit: org.unit(input.unit)! } : matchUnit(input.unit, org)) : null;
    if (!found) problems.push('请选择单位（unit）');
    else if (!found.ok) problems.push(`单位（unit）：${found.message}`);
    const year = Number(input.year);
    const last = this.thisYear();
    if (!/^\d{4}$/.test(input.year) || year < 2000 || year > last) problems.push(`年度（year）应为 2000 至 ${last} 的四位年份`);
    if (!(GRADES as readonly string[]).includes(input.grade)) problems.push('等次（grade）只能是 好、较好、一般 或 差');
    if (overLimit('noteChars', input.remarks.length)) problems.push(`评价意见（remarks）：${limitMessage('noteChars', input.remarks.length)}`);
    if (problems.length || !found?.ok) return { ok: false, problems };
    const id = `${year}-${found.unit.code}`;
    const doc: GradeDoc = { _id: id, year, unit: found.unit.code, grade: input.grade, remarks: input.remarks, by: p.code, at: this.deps.clock.now(), rev: 1 };
    const { changes } = this.stores.grades;
    const note = `${input.grade} ${input.remarks}`;
    const created = await changes.create(doc, [], { action: 'grade', by: p.code, note, after: { grade: input.grade } });
    // the same grade again (a press handled twice, or submitted twice) changes nothing and records nothing
    const same = (g: GradeDoc) => g.grade === doc.grade && g.remarks === doc.remarks && g.by === doc.by;
    if (!created) await changes.change(id, (g) => (same(g) ? { result: undefined } : { doc: { ...doc, rev: g.rev }, audit: { action: 'grade', by: p.code, note, before: { grade: g.grade }, after: { grade: input.grade } }, result: undefined }));
    return { ok: true, doc };
  }

  async gradesOf(year: number): Promise<Map<string, { grade: string; remarks: string }>> {
    return new Map((await this.stores.grades.records.all({ year })).map((g) => [g.unit, { grade: g.grade, remarks: g.remarks }]));
  }
}
