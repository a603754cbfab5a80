import { limitMessage, overLimit } from '../../limits';
import { trimEndChars } from '../../domain/trim';

/**
 * 重大事项报告 (重大事项报告权, docs/rules.md#major-reports), pure: the number's label and what a report says.
 * Numbers run per year without a gap, like the 督导提示函's.
 */
export function reportLabel(year: number, number: number): string {
  return `〔${year}〕重报第${number}号`;
}

const LABEL = /^〔(\d{4})〕重报第(\d{1,5})号$/;

/** `〔2026〕重报第3号` → the report's id `2026-3`; anything else → null. */
export function reportIdOf(label: string): string | null {
  const m = LABEL.exec(label.trim());
  return m ? `${m[1]}-${Number(m[2])}` : null;
}

export const MAJOR_REPORT_USAGE = `重大事项报告的写法：
重大事项报告 内容
· 第一行是标题（最多 40 字），其余是报告正文；只写一行时，这一行既是标题也是正文
· 由督导组组长、副组长发送，报挂钩市领导，并抄送综合协调组
例如：
重大事项报告 茂盛路征迁扫尾遇阻
3户因安置面积争议拒签，涉及规划调整，需市领导协调住建局、自然资源局。`;

export type ParsedReport = { ok: true; title: string; content: string } | { ok: false; message: string };

export function parseReport(body: string): ParsedReport {
  const text = body.replace(/\r\n?/g, '\n').trim();
  if (!text) return { ok: false, message: MAJOR_REPORT_USAGE };
  if (overLimit('noteChars', text.length)) return { ok: false, message: `${limitMessage('noteChars', text.length, '报告内容')}，请精简后重新发送。` };
  const [first, ...rest] = text.split('\n');
  const title = trimEndChars(first.trim(), '。；;，,：:').trim();
  const chars = [...title];
  if (overLimit('reportTitleChars', chars.length)) return { ok: false, message: `${limitMessage('reportTitleChars', chars.length, '报告标题（第一行）')}。请把标题写短，正文另起一行。` };
  if (!title) return { ok: false, message: MAJOR_REPORT_USAGE };
  const content = rest.join('\n').trim() || first.trim();
  return { ok: true, title, content };
}
