import { z } from 'zod';
import type { CardAnswer } from '../../app/card-handler';
import type { AppDeps } from '../../app/deps';
import { RouteError, type Feature } from '../../app/feature';
import { fileTypeOf } from '../../app/files-out';
import { replyCard, replyFile, replyText } from '../../app/notify';
import { noticeCard } from '../../cards';
import { matchUnit } from '../../domain/dispatch';
import { hasRole, supervisedGroups, type Org, type Person } from '../../domain/org';
import { SOURCES } from '../../domain/task';
import { localDate } from '../../domain/time';
import { limitMessage, overLimit } from '../../limits';
import { gradeFormCard, resultsCard } from './cards';
import { resultsDocx } from './docx';
import type { YearFacts } from './facts';
import { GRADES, HIGHLIGHT_USAGE, parseHighlight } from './highlight';
import type { GradeDoc, HighlightDoc, ResultsStores } from './ports';
import { rateText, supervisorsRecord, type SupervisorsRecord } from './record';
import { yearResults, type YearResults } from './results';

/**
 * The supervisors' record and the year's 成效 (docs/rules.md#the-supervisors-record,
 * docs/rules.md#the-years-results): 亮点 (典型经验) and 定性评价 on the record, the record per group and
 * supervisor (in 统计 and the API), the 成效 card, JSON and Word document (sent in chat as a file).
 */
type Deps = Pick<AppDeps, 'clock' | 'orgs' | 'settings' | 'log' | 'files'>;

export const RESULTS_FILE = 'results';

const inCoordination = (p: Person, org: Org) => supervisedGroups(p).some((g) => org.group(g)?.kind === 'coordination');
const leadsCoordination = (p: Person, org: Org) => p.roles.some((r) => r.kind === 'supervisor' && (r.position === '组长' || r.position === '副组长') && org.group(r.group)?.kind === 'coordination');
/** Who sees the 成效 and the whole record: city leaders, the coordination group, admins. */
export const seesResults = (p: Person, org: Org) => hasRole(p, 'cityLeader') || hasRole(p, 'admin') || inCoordination(p, org);

export interface ResultsFeature extends Feature {
  /** The supervisors' record for the 统计 card (null for those who do not see it). */
  statsRows(p: Person, org: Org): Promise<{ formula: string; rows: { name: string; score: number; formula: string }[] } | undefined>;
  /** The year's 成效 card (sent with the December monthly summary). */
  yearCard(year: number): Promise<unknown>;
  /** The year's grades by unit (the evaluation XLSX). */
  gradesOf(year: number): Promise<Map<string, { grade: string; remarks: string }>>;
}

export function resultsFeature(deps: Deps, stores: ResultsStores): ResultsFeature {
  const { highlights, grades } = stores;
  const today = () => localDate(deps.clock.now(), deps.settings.tz);
  const thisYear = () => Number(today().slice(0, 4));

  async function facts(year: number): Promise<YearFacts> {
    const [base, hs, gs] = await Promise.all([stores.facts(year), highlights.records.all({ year }), grades.records.all({ year })]);
    return {
      ...base,
      highlights: hs.sort((a, b) => a.number - b.number).map((h) => ({ no: h.number, unit: h.unit, title: h.title, content: h.content, by: h.by, date: h.date })),
      grades: gs.sort((a, b) => a.unit.localeCompare(b.unit)).map((g) => ({ unit: g.unit, grade: g.grade, remarks: g.remarks })),
    };
  }

  async function results(year: number): Promise<YearResults> {
    return yearResults(await facts(year), { categories: deps.settings.categories, sources: [...SOURCES] });
  }

  async function record(year: number, org: Org): Promise<SupervisorsRecord> {
    const groupOf = (code: string) => {
      const p = org.person(code);
      return p ? supervisedGroups(p)[0] : undefined;
    };
    return supervisorsRecord(await facts(year), org.groups.map((g) => g.code), groupOf);
  }

  async function docx(year: number): Promise<{ name: string; bytes: Buffer }> {
    const org = await deps.orgs.get();
    const bytes = await resultsDocx(await results(year), { unitName: (c) => org.unitName(c), personName: (c) => org.personName(c) });
    return { name: `${year}年度大督导工作成效.docx`, bytes };
  }

  if (!deps.files.has(RESULTS_FILE)) {
    deps.files.add(RESULTS_FILE, async (args) => {
      const year = Number(args.year);
      if (!Number.isInteger(year)) return null;
      const f = await docx(year);
      return { name: f.name, bytes: f.bytes, fileType: fileTypeOf(f.name) };
    });
  }

  async function submitGrade(c: Parameters<NonNullable<Feature['actions']>[string]>[0]): Promise<CardAnswer> {
    const org = await deps.orgs.get();
    if (!leadsCoordination(c.person, org) && !hasRole(c.person, 'admin')) return { toast: { type: 'error', content: '定性评价由综合协调组组长、副组长录入。' } };
    const s = (k: string) => (c.form[k] === undefined || c.form[k] === null ? '' : String(c.form[k]).trim());
    const r = await grade(c.person, { unit: s('unit'), year: s('year'), grade: s('grade'), remarks: s('remarks') }, org);
    if (!r.ok) return { toast: { type: 'error', content: r.problems.join('；') }, card: { type: 'raw', data: gradeFormCard({ units: org.units.map((u) => ({ code: u.code, name: u.name })), year: thisYear(), error: r.problems.join('；') }) } };
    return { toast: { type: 'success', content: `已记录：${org.unitName(r.doc.unit)} ${r.doc.year}年度 ${r.doc.grade}` }, card: { type: 'raw', data: noticeCard({ title: '定性评价已记录', text: `${org.unitName(r.doc.unit)} ${r.doc.year}年度定性评价：${r.doc.grade}。${r.doc.remarks}`, color: 'green' }) } };
  }

  async function grade(p: Person, input: { unit: string; year: string; grade: string; remarks: string }, org: Org): Promise<{ ok: true; doc: GradeDoc } | { ok: false; problems: string[] }> {
    const problems: string[] = [];
    const found = input.unit ? (org.unit(input.unit) ? { ok: true as const, unit: org.unit(input.unit)! } : matchUnit(input.unit, org)) : null;
    if (!found) problems.push('请选择单位（unit）');
    else if (!found.ok) problems.push(`单位（unit）：${found.message}`);
    const year = Number(input.year);
    if (!/^\d{4}$/.test(input.year) || year < 2000 || year > thisYear()) problems.push(`年度（year）应为 2000 至 ${thisYear()} 的四位年份`);
    if (!(GRADES as readonly string[]).includes(input.grade)) problems.push('等次（grade）只能是 好、较好、一般 或 差');
    if (overLimit('noteChars', input.remarks.length)) problems.push(`评价意见（remarks）：${limitMessage('noteChars', input.remarks.length)}`);
    if (problems.length || !found?.ok) return { ok: false, problems };
    const id = `${year}-${found.unit.code}`;
    const doc: GradeDoc = { _id: id, year, unit: found.unit.code, grade: input.grade, remarks: input.remarks, by: p.code, at: deps.clock.now(), rev: 1 };
    const created = await grades.changes.create(doc, [], { action: 'grade', by: p.code, note: `${input.grade} ${input.remarks}`, after: { grade: input.grade } });
    if (!created) {
      await grades.changes.change(id, (g) => ({ doc: { ...doc, rev: g.rev }, audit: { action: 'grade', by: p.code, note: `${input.grade} ${input.remarks}`, before: { grade: g.grade }, after: { grade: input.grade } }, result: undefined }));
    }
    return { ok: true, doc };
  }

  const yearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100) }).strict();
  const resultsQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100), format: z.enum(['json', 'docx']).default('json') }).strict();
  const gradeBody = z.object({ unit: z.string().trim().min(1).max(50), year: z.number().int().min(2000).max(2100), grade: z.enum(GRADES), remarks: z.string().trim().max(2000).default(''), by: z.string().trim().min(1).max(60).describe('person code or open_id of a coordination group 组长/副组长') }).strict();

  return {
    name: 'results',
    commands: [
      {
        words: ['亮点'],
        async handle(m, p, body) {
          if (!supervisedGroups(p).length) return [replyText(m, '亮点（典型经验）由督导组成员标记。')];
          const org = await deps.orgs.get();
          const parsed = parseHighlight(body, org);
          if (!parsed.ok) return [replyText(m, parsed.message)];
          const year = thisYear();
          const doc = await highlights.records.withLock(`highlight:year:${year}`, async () => {
            const again = await highlights.records.all({ source: m.messageId });
            if (again.length) return again[0];
            const number = (await highlights.records.lastNumber(year)) + 1;
            const d: HighlightDoc = { _id: `${year}-${number}`, year, number, unit: parsed.unit, title: parsed.title, content: parsed.content, by: p.code, date: today(), source: m.messageId, rev: 1 };
            await highlights.changes.create(d, [], { action: 'highlight', by: p.code, note: `${parsed.title}：${parsed.content}`, after: { unit: parsed.unit } });
            return d;
          });
          return [replyText(m, `已记入${doc.year}年度典型经验第 ${doc.number} 项：${org.unitName(doc.unit)}「${doc.title}」。可在通报表扬中引用，年底随成效汇总。`)];
        },
      },
      {
        words: ['定性评价'],
        async handle(m, p) {
          const org = await deps.orgs.get();
          if (!leadsCoordination(p, org) && !hasRole(p, 'admin')) return [replyText(m, '定性评价由综合协调组组长、副组长录入。')];
          return [replyCard(m, gradeFormCard({ units: org.units.map((u) => ({ code: u.code, name: u.name })), year: thisYear() }))];
        },
      },
      {
        words: ['成效'],
        async handle(m, p, body) {
          const org = await deps.orgs.get();
          if (!seesResults(p, org)) return [replyText(m, '成效由挂钩市领导和综合协调组查看。')];
          const arg = body.trim().replace(/年$/, '');
          if (arg && !/^\d{4}$/.test(arg)) return [replyText(m, '请写四位年份，例如：成效 2026（不写年份为今年）。')];
          const year = arg ? Number(arg) : thisYear();
          if (year < 2000 || year > thisYear()) return [replyText(m, `年份应在 2000 至 ${thisYear()} 之间。`)];
          const card = resultsCard(await results(year), { asOf: today(), unitName: (c) => org.unitName(c) });
          return [replyCard(m, card), replyFile(m, { kind: RESULTS_FILE, args: { year } }, 1)];
        },
      },
    ],
    actions: { 'grade.submit': submitGrade },
    help: (p) => {
      const lines = [];
      if (supervisedGroups(p).length) lines.push({ command: '亮点 单位 标题 内容', what: '把单位的好做法记为典型经验', example: HIGHLIGHT_USAGE.split('\n').at(-1)! });
      if (hasRole(p, 'cityLeader') || hasRole(p, 'admin')) lines.push({ command: '成效 [年份]', what: '本年度督导成效（附 Word 版）；市领导、综合协调组可用', example: '成效 2026' });
      return lines;
    },
    routes: [
      {
        method: 'get',
        path: '/supervisors/record',
        doc: { summary: "The supervisors' own record for a year, per group and per supervisor, with its formula", query: yearQuery },
        handle: async (req) => {
          const q = req.query as z.infer<typeof yearQuery>;
          const org = await deps.orgs.get();
          const r = await record(q.year, org);
          const named = (rows: SupervisorsRecord['groups'], kind: 'group' | 'person') => rows.map((x) => ({ ...x, name: kind === 'group' ? (org.group(x.key)?.name ?? x.key) : org.personName(x.key), groupName: org.group(x.group)?.name ?? x.group }));
          return { body: { year: r.year, formula: r.formula, groups: named(r.groups, 'group'), people: named(r.people, 'person') } };
        },
      },
      {
        method: 'get',
        path: '/results',
        doc: { summary: "The year's 成效: JSON, or with format=docx the Word document (a 公文 attachment)", query: resultsQuery, answers: { 'application/json': 'the figures', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'format=docx' } },
        handle: async (req) => {
          const q = req.query as z.infer<typeof resultsQuery>;
          if (q.format === 'docx') {
            const f = await docx(q.year);
            return { file: { name: f.name, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', data: f.bytes } };
          }
          return { body: await results(q.year) };
        },
      },
      {
        method: 'get',
        path: '/highlights',
        doc: { summary: '典型经验 (亮点) marked in a year', query: yearQuery },
        handle: async (req) => ({ body: await highlights.records.list({ year: (req.query as z.infer<typeof yearQuery>).year }, { sort: { number: 1 }, limit: 500, offset: 0 }) }),
      },
      {
        method: 'get',
        path: '/grades',
        doc: { summary: "Units' yearly 定性评价", query: yearQuery },
        handle: async (req) => ({ body: await grades.records.list({ year: (req.query as z.infer<typeof yearQuery>).year }, { sort: { unit: 1 }, limit: 500, offset: 0 }) }),
      },
      {
        method: 'post',
        path: '/grades',
        doc: { summary: "Record a unit's yearly 定性评价 (好/较好/一般/差); the latest per unit and year is kept", body: gradeBody },
        handle: async (req) => {
          const b = req.body as z.infer<typeof gradeBody>;
          const org = await deps.orgs.get();
          const p = org.person(b.by) ?? org.byOpenId(b.by);
          if (!p) throw new RouteError(400, 'unknown_by', `by: no person ${b.by}`);
          if (!leadsCoordination(p, org) && !hasRole(p, 'admin')) throw new RouteError(403, 'forbidden', `by: ${p.code} is not a coordination group 组长 or 副组长`);
          const r = await grade(p, { unit: b.unit, year: String(b.year), grade: b.grade, remarks: b.remarks }, org);
          if (!r.ok) throw new RouteError(400, 'invalid_grade', r.problems.join('; '), r.problems);
          return { body: r.doc };
        },
      },
    ],
    relay: () => Promise.all([highlights.changes.relayAll(), grades.changes.relayAll()]),
    async statsRows(p, org) {
      if (!seesResults(p, org)) return undefined;
      const r = await record(thisYear(), org);
      return { formula: `${r.year}年督导组实绩：${r.formula}`, rows: r.groups.map((g) => ({ name: org.group(g.key)?.name ?? g.key, score: g.score, formula: `${g.terms}；按期率 ${rateText(g.onTimeRate)}；现场督导 ${g.visits} 次` })) };
    },
    async yearCard(year) {
      const org = await deps.orgs.get();
      return resultsCard(await results(year), { asOf: today(), unitName: (c) => org.unitName(c) });
    },
    async gradesOf(year) {
      return new Map((await grades.records.all({ year })).map((g) => [g.unit, { grade: g.grade, remarks: g.remarks }]));
    },
  };
}
