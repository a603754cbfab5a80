import { cardValue } from '../../cards/actions';
import { cut, summaryText } from '../../cards/common';
import { renderCard, type Card } from '../../cards/template';
import { percent, resultSentences, type YearResults } from './results';

const HIGHLIGHTS_SHOWN = 8;

/** `fileFollows`: the Word document is sent right after the card (the 成效 command); else the card says how to get it. */
export function resultsCard(r: YearResults, o: { asOf: string; unitName: (c: string) => string; fileFollows: boolean }): Card {
  const grades = r.grades.length ? ['好', '较好', '一般', '差'].map((g) => `${g} ${r.grades.filter((x) => x.grade === g).length}`).join('　') : null;
  return renderCard('results', {
    summary: summaryText(`${r.year}年度成效：协调问题 ${r.totals.dispatched} 项，办结 ${r.totals.closed} 项，按期率 ${percent(r.totals.onTimeRate)}`),
    year: r.year,
    asOf: o.asOf,
    sentences: resultSentences(r),
    hasCategories: r.byCategory.some((c) => c.dispatched),
    byCategory: r.byCategory.filter((c) => c.dispatched).map((c) => ({ name: c.name, dispatched: c.dispatched, closed: c.closed, onTime: c.onTime })),
    wordNote: o.fileFollows ? 'Word 版（公文附件格式）随后以文件发送，可直接编入工作总结。' : `发送“成效 ${r.year}”可收到 Word 版（公文附件格式）。`,
    bySource: r.bySource.filter((s) => s.dispatched).map((s) => `${s.name} ${s.dispatched}`).join('、') || null,
    highlights: r.highlights.slice(0, HIGHLIGHTS_SHOWN).map((h) => ({ unit: o.unitName(h.unit), title: cut(h.title, 40, true) })),
    highlightCount: r.highlights.length,
    grades,
  });
}

export function gradeFormCard(o: { units: { code: string; name: string }[]; year: number; error?: string }): Card {
  const unitSelect = o.units.length > 0 && o.units.length <= 150;
  return renderCard('grade-form', {
    summary: summaryText('定性评价'),
    error: o.error ? cut(o.error, 300) : null,
    unitSelect,
    unitText: !unitSelect,
    units: o.units.map((u) => ({ code: u.code, name: cut(u.name, 40, true) })),
    year: String(o.year),
    submit: cardValue('grade.submit'),
  });
}
