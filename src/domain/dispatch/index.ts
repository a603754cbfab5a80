/** The dispatch-text parser (清单式派单, docs/rules.md#the-dispatch-grammar): pure, time and organisation come in the context. */
import { limitMessage, overLimit } from '../../limits';
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
export { parseTsv, isHeader as isDispatchHeader } from './table';
export { parseBlocks } from './blocks';

export type { Steps } from './steps';

const refuse = (where: string, message: string): ParseResult => ({ ok: false, problems: [{ where, message }] });

/**
 * `text` is everything after the 派单 command word. All or nothing: any problem means no tasks. The size
 * limits (src/limits.ts) are checked before any work, and every step is linear in the text's length.
 */
export function parseDispatch(text: string, ctx: ParseContext): ParseResult {
  if (overLimit('dispatchChars', text.length)) return refuse('全文', `${limitMessage('dispatchChars', text.length)}，请分批派发`);
  const src = text.replace(/\r\n?/g, '\n').replace(/^[\s:：]+/, '');
  const raw = parseTable(src, ctx.categories, ctx.steps) ?? parseBlocks(src, ctx.categories, ctx.steps);
  if (overLimit('dispatchItems', raw.tasks.length)) return refuse('全文', `${limitMessage('dispatchItems', raw.tasks.length)}，请分批派发`);
  // 1000. …: a number past the limit is refused, never merged into the item before it
  const far = raw.tasks.find((t) => t.number !== undefined && overLimit('dispatchItems', t.number));
  if (far) return refuse(far.ref, `${far.ref}：${limitMessage('dispatchItems', far.number!, '事项编号')}，请分批派发`);
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
