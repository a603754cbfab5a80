import type { ActionContext, CardAnswer } from '../../app/card-handler';
import type { FeatureCommand } from '../../app/feature';
import { replyCard, replyFile, replyText, type InboundMessage, type OutboxItem } from '../../app/notify';
import { noticeCard } from '../../cards';
import { hasRole, supervisedGroups, type Person } from '../../domain/org';
import { gradeFormCard, resultsCard } from './cards';
import { parseHighlight } from './highlight';
import type { HighlightDoc, ResultsStores } from './ports';
import { leadsCoordination, RESULTS_FILE, seesResults, type ResultsDeps, type ResultsService } from './service';

/** The results feature's chat side: 亮点, 定性评价 (the form and its button), 成效. */
const GRADE_REFUSAL = '定性评价由综合协调组组长、副组长录入。';

async function highlight(deps: ResultsDeps, svc: ResultsService, stores: ResultsStores, m: InboundMessage, p: Person, body: string): Promise<OutboxItem[]> {
  if (!supervisedGroups(p).length) return [replyText(m, '亮点（典型经验）由督导组成员标记。')];
  const org = await deps.orgs.get();
  const parsed = parseHighlight(body, org);
  if (!parsed.ok) return [replyText(m, parsed.message)];
  const { records, changes } = stores.highlights;
  const year = svc.thisYear();
  const doc = await records.withLock(`highlight:year:${year}`, async () => {
    const again = await records.all({ source: m.messageId });
    if (again.length) return again[0];
    const number = (await records.lastNumber(year)) + 1;
    const d: HighlightDoc = { _id: `${year}-${number}`, year, number, unit: parsed.unit, title: parsed.title, content: parsed.content, by: p.code, date: svc.today(), source: m.messageId, rev: 1 };
    await changes.create(d, [], { action: 'highlight', by: p.code, note: `${parsed.title}：${parsed.content}`, after: { unit: parsed.unit } });
    return d;
  });
  return [replyText(m, `已记入${doc.year}年度典型经验第 ${doc.number} 项：${org.unitName(doc.unit)}「${doc.title}」。可在通报表扬中引用，年底随成效汇总。`)];
}

async function results(deps: ResultsDeps, svc: ResultsService, m: InboundMessage, p: Person, body: string): Promise<OutboxItem[]> {
  const org = await deps.orgs.get();
  if (!seesResults(p, org)) return [replyText(m, '成效由挂钩市领导和综合协调组查看。')];
  const arg = body.trim().replace(/年$/, '');
  if (arg && !/^\d{4}$/.test(arg)) return [replyText(m, '请写四位年份，例如：成效 2026（不写年份为今年）。')];
  const year = arg ? Number(arg) : svc.thisYear();
  if (year < 2000 || year > svc.thisYear()) return [replyText(m, `年份应在 2000 至 ${svc.thisYear()} 之间。`)];
  const card = resultsCard(await svc.results(year), { asOf: svc.today(), unitName: (c) => org.unitName(c), fileFollows: true });
  return [replyCard(m, card), replyFile(m, { kind: RESULTS_FILE, args: { year } }, 1)];
}

export function resultsCommands(deps: ResultsDeps, svc: ResultsService, stores: ResultsStores): FeatureCommand[] {
  return [
    { words: ['亮点'], handle: (m, p, body) => highlight(deps, svc, stores, m, p, body) },
    {
      words: ['定性评价'],
      async handle(m, p) {
        const org = await deps.orgs.get();
        if (!leadsCoordination(p, org) && !hasRole(p, 'admin')) return [replyText(m, GRADE_REFUSAL)];
        return [replyCard(m, gradeFormCard({ units: org.units.map((u) => ({ code: u.code, name: u.name })), year: svc.thisYear() }))];
      },
    },
    { words: ['成效'], handle: (m, p, body) => results(deps, svc, m, p, body) },
  ];
}

/** The 定性评价 form's button: all or nothing, every problem named on the form. */
export async function submitGrade(deps: ResultsDeps, svc: ResultsService, c: ActionContext): Promise<CardAnswer> {
  const org = await deps.orgs.get();
  if (!leadsCoordination(c.person, org) && !hasRole(c.person, 'admin')) return { toast: { type: 'error', content: GRADE_REFUSAL } };
  const s = (k: string) => (c.form[k] === undefined || c.form[k] === null ? '' : String(c.form[k]).trim());
  const r = await svc.grade(c.person, { unit: s('unit'), year: s('year'), grade: s('grade'), remarks: s('remarks') }, org);
  if (!r.ok) return { toast: { type: 'error', content: r.problems.join('；') }, card: { type: 'raw', data: gradeFormCard({ units: org.units.map((u) => ({ code: u.code, name: u.name })), year: svc.thisYear(), error: r.problems.join('；') }) } };
  const text = `${org.unitName(r.doc.unit)} ${r.doc.year}年度定性评价：${r.doc.grade}。${r.doc.remarks}`;
  return { toast: { type: 'success', content: `已记录：${org.unitName(r.doc.unit)} ${r.doc.year}年度 ${r.doc.grade}` }, card: { type: 'raw', data: noticeCard({ title: '定性评价已记录', text, color: 'green' }) } };
}
