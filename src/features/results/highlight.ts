import { matchUnit } from '../../domain/dispatch';
import type { Org } from '../../domain/org';
import { limitMessage, overLimit } from '../../limits';

/**
 * `亮点 单位 标题 内容` (典型经验, docs/rules.md#the-years-results), pure: a unit's practice a supervisor marks for
 * 通报表扬 and the year's list. All problems are named at once.
 */
export const HIGHLIGHT_USAGE = `亮点的写法：
亮点 单位 标题 内容
· 单位：单位名称或简称；标题：一句话（最多 40 字，不含空格）；内容：标题后面的文字
例如：
亮点 梅山镇 征迁工作包户到人 班子成员每人包3户，一周完成17户签约，做法可复制推广。`;

export type ParsedHighlight = { ok: true; unit: string; title: string; content: string } | { ok: false; message: string };

export function parseHighlight(body: string, org: Org): ParsedHighlight {
  const text = body.replace(/\u3000/g, ' ').trim();
  if (!text) return { ok: false, message: HIGHLIGHT_USAGE };
  if (overLimit('noteChars', text.length)) return { ok: false, message: `${limitMessage('noteChars', text.length, '亮点内容')}，请精简后重新发送。` };
  // split by hand (no backtracking regex): unit, title, then the rest as written
  const first = text.search(/\s/);
  const afterUnit = first < 0 ? '' : text.slice(first).trimStart();
  const second = afterUnit.search(/\s/);
  const m = first < 0 ? null : [text, text.slice(0, first), second < 0 ? afterUnit : afterUnit.slice(0, second), second < 0 ? '' : afterUnit.slice(second)];
  const problems: string[] = [];
  if (!m) return { ok: false, message: `请依次写单位、标题和内容，用空格分隔。\n${HIGHLIGHT_USAGE}` };
  const found = org.unit(m[1]) ? { ok: true as const, unit: org.unit(m[1])! } : matchUnit(m[1], org);
  if (!found.ok) problems.push(`单位：${found.message}`);
  const title = m[2].trim();
  if (overLimit('reportTitleChars', [...title].length)) problems.push(limitMessage('reportTitleChars', [...title].length));
  const content = (m[3] ?? '').trim();
  if (!content) problems.push('请在标题后写上内容（做法和成效）');
  if (problems.length || !found.ok) return { ok: false, message: `${problems.join('；')}。\n${HIGHLIGHT_USAGE}` };
  return { ok: true, unit: found.unit.code, title, content };
}

export const GRADES = ['好', '较好', '一般', '差'] as const;
export type Grade = (typeof GRADES)[number];
