/**
 * Chat commands, docs/rules.md#commands (Chinese first, English aliases; full-width and half-width forms alike).
 * Pure: text in (mentions already stripped), a command or a usage error out.
 */
export type Command =
  | { cmd: 'dispatch'; body: string }
  | { cmd: 'my' }
  | { cmd: 'query'; code: string }
  | { cmd: 'progress'; code: string; percent: number; text: string }
  | { cmd: 'urge'; code: string; note: string }
  | { cmd: 'escalate'; code: string; reason: string }
  | { cmd: 'stats' }
  | { cmd: 'help' }
  | { cmd: 'minutes' }
  | { cmd: 'bulletin'; body: string }
  | { cmd: 'appeal'; code: string; reason: string }
  | { cmd: 'usage'; message: string }
  | { cmd: 'unknown'; text: string };

const CODE = /^(DB)[-－—_ ]?(\d{4})[-－—_ ]?(\d{1,6})$/i;

/** Full-width letters, digits, colon, percent and spaces become half-width. */
export function normalize(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/\r\n?/g, '\n')
    .trim();
}

export function normalizeCode(raw: string): string | null {
  const m = CODE.exec(normalize(raw).trim());
  if (!m) return null;
  return `DB-${m[2]}-${m[3].padStart(4, '0')}`;
}

const WORDS: [RegExp, string][] = [
  [/^(派单|dispatch)(?=$|[\s:])/i, 'dispatch'],
  [/^(我的任务|待办|my\s*tasks|todo)(?=$|[\s:])/i, 'my'],
  [/^(查询|query|show)(?=$|[\s:])/i, 'query'],
  [/^(进度|progress)(?=$|[\s:])/i, 'progress'],
  [/^(催办|urge)(?=$|[\s:])/i, 'urge'],
  [/^(提级协调|提级|escalate)(?=$|[\s:])/i, 'escalate'],
  [/^(统计|stats)(?=$|[\s:])/i, 'stats'],
  [/^(帮助|help|\?|？)(?=$|[\s:])/i, 'help'],
  [/^(会议纪要|minutes)(?=$|[\s:])/i, 'minutes'],
  [/^(通报|bulletin)(?=$|[\s:])/i, 'bulletin'],
  [/^(申诉|appeal)(?=$|[\s:])/i, 'appeal'],
];

export function parseCommand(input: string): Command {
  // keep the original text of the dispatch body (its colons and numbering matter to the parser)
  const text = input.replace(/\u3000/g, ' ').replace(/\r\n?/g, '\n').trim();
  const head = normalize(text);
  for (const [re, name] of WORDS) {
    const m = re.exec(head);
    if (!m) continue;
    const restNorm = head.slice(m[0].length).replace(/^[\s:]+/, '');
    const restRaw = text.slice(m[0].length).replace(/^[\s:：]+/, '');
    switch (name) {
      case 'dispatch':
        return { cmd: 'dispatch', body: restRaw };
      case 'my':
        return { cmd: 'my' };
      case 'stats':
        return { cmd: 'stats' };
      case 'help':
        return { cmd: 'help' };
      case 'minutes':
        return { cmd: 'minutes' };
      case 'bulletin':
        return { cmd: 'bulletin', body: restRaw };
      case 'query':
      case 'urge':
      case 'escalate':
      case 'appeal': {
        const [first = '', ...more] = restNorm.split(/\s+/);
        const code = normalizeCode(first);
        const example = { query: '查询 DB-2026-0001', urge: '催办 DB-2026-0001', escalate: '提级 DB-2026-0001 涉及多个部门，需市领导协调', appeal: '申诉 DB-2026-0001 超期 系因上级政策调整' }[name];
        if (!code) return { cmd: 'usage', message: `请在“${m[1]}”后写上督办单编号，例如：${example}` };
        const tail = more.join(' ').trim();
        if (name === 'query') return { cmd: 'query', code };
        if (name === 'urge') return { cmd: 'urge', code, note: tail };
        if (!tail) return { cmd: 'usage', message: `请写明理由，例如：${example}` };
        return name === 'escalate' ? { cmd: 'escalate', code, reason: tail } : { cmd: 'appeal', code, reason: tail };
      }
      case 'progress': {
        const pm = /^(\S+)\s+(\d{1,3})/.exec(restNorm);
        const code = pm ? normalizeCode(pm[1]) : null;
        if (!pm || !code) return { cmd: 'usage', message: '进度请这样写：进度 DB-2026-0001 60% 已完成3户签约' };
        const percent = Number(pm[2]);
        if (percent > 100) return { cmd: 'usage', message: `进度 ${percent}% 超过 100%，请写 0 到 100 之间的数，例如：进度 ${code} 60% 已完成3户签约` };
        const after = restNorm.slice(pm[0].length).trimStart();
        return { cmd: 'progress', code, percent, text: (after.startsWith('%') ? after.slice(1) : after).trim() };
      }
    }
  }
  return { cmd: 'unknown', text: head };
}

/**
 * `进度 60% 已完成3户签约` written as a reply to a task card: the card names the task, so no code is
 * needed. Returns null when the text is not a 进度 command without a code (with a code it is the command
 * itself); else the percent (if written) and the report, or a usage error for an empty or impossible one.
 */
export function progressWithoutCode(input: string): { percent?: number; text: string } | { usage: string } | null {
  const text = input.replace(/\u3000/g, ' ').replace(/\r\n?/g, '\n').trim();
  const m = /^(进度|progress)(?=$|[\s:：,，])[\s:：,，]*/i.exec(text);
  if (!m) return null;
  const rest = text.slice(m[0].length).trim();
  if (normalizeCode(rest.split(/[\s:：,，]+/)[0] ?? '')) return null;
  const example = '进度 60% 已完成3户签约';
  if (!rest) return { usage: `请写明进展，例如回复卡片：${example}` };
  // a leading number is the percent (`进度 60 已完成`); else the first `N%` anywhere (`已完成3户，进度60%`)
  const lead = /^([0-9０-９]+)\s*[%％]?(?=$|[\s,，;；。、])[\s,，;；。、]*/.exec(rest);
  const any = /(?<![0-9０-９.．])([0-9０-９]+)\s*[%％]/.exec(rest);
  const raw = lead?.[1] ?? any?.[1];
  const percent = raw === undefined ? undefined : Number(normalize(raw));
  if (percent !== undefined && percent > 100) return { usage: `进度 ${percent}% 超过 100%，请写 0 到 100 之间的数，例如回复卡片：${example}` };
  return { percent, text: lead ? rest.slice(lead[0].length) : rest };
}
