/** The dispatch-text parser (SPEC §4 清单式派单): pure, time and organisation come in the context. */
import { localDate } from '../time';
import { parseBlocks } from './blocks';
import { buildTasks } from './build';
import { exampleDeadline } from './deadline';
import { parseTable } from './table';
import type { DraftTask, ParseContext, ParseProblem, ParseResult } from './types';

export type { DraftTask, ParseContext, ParseProblem, ParseResult } from './types';
export { parseDeadline, type DeadlineContext, type DeadlineResult } from './deadline';
export { matchUnit, closeMatches, splitUnits, type UnitMatch, type UnitItem } from './units';
export { mapPriority, mapCategory, mapSource } from './fields';
export { parseTsv } from './table';

/** `text` is everything after the 派单 command word. All or nothing: any problem means no tasks. */
export function parseDispatch(text: string, ctx: ParseContext): ParseResult {
  const src = text.replace(/\r\n?/g, '\n').replace(/^[\s:：]+/, '');
  const raw = parseTable(src, ctx.categories) ?? parseBlocks(src, ctx.categories);
  const problems: ParseProblem[] = [...raw.problems];
  const tasks: DraftTask[] = [];
  for (const r of raw.tasks) {
    const built = buildTasks(r, ctx);
    problems.push(...built.problems);
    tasks.push(...built.tasks);
  }
  if (!problems.length && !tasks.length) problems.push(nothingFound(ctx));
  return problems.length ? { ok: false, problems } : { ok: true, tasks };
}

function nothingFound(ctx: ParseContext): ParseProblem {
  const unit = ctx.allowedUnits.map((c) => ctx.org.unit(c)?.name).find(Boolean) ?? '梅山镇';
  return {
    where: '全文',
    message: '没有找到要派发的事项：每项至少写明事项、责任单位和完成时限，可参照下面的格式',
    example: `1. 推进某某工作\n责任单位：${unit}\n完成时限：${exampleDeadline(localDate(ctx.now, ctx.tz))}\n工作要求：……`,
  };
}
