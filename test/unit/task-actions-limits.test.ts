import { chineseDaysSource } from '../../src/adapters/chinese-days-source';
import { WorkCalendar } from '../../src/domain/calendar';
import type { AuditEntry, Task } from '../../src/domain/task';
import { applyTaskCommand, type ActionContext, type TaskCommand } from '../../src/domain/task-actions';
import { LIMITS } from '../../src/limits';
import { org, orgData, task } from '../support/factories';

/** The pure task commands: text limits, the audit entry's seq after archiving, and the words of a refusal. */
const cal = new WorkCalendar(chineseDaysSource());
const person = (code: string) => orgData.people.find((p) => p.code === code)!;
const ctx = (who: string): ActionContext => ({ at: new Date('2026-12-02T02:00:00Z'), actor: person(who), org, tz: 'Asia/Shanghai', cal });
const entry = (seq: number): AuditEntry => ({ seq, at: new Date('2026-12-01T02:00:00Z'), by: 'P1', action: 'progress' });

const long = 'x'.repeat(700_000);
const pending = { id: 'r-1', state: 'pending' as const, at: new Date(), by: 'O1' };
const cases: [string, string, Partial<Task>, TaskCommand, string][] = [
  ['progress', 'O1', { state: 'in_progress' }, { type: 'progress', percent: 72, content: long, evidence: [], via: 'command' }, '进展情况'],
  ['submit', 'O1', { state: 'in_progress' }, { type: 'submit', content: long }, '完成情况'],
  ['return', 'P1', { state: 'submitted', requests: [{ ...pending, kind: 'close' }] }, { type: 'return', reason: long }, '退回理由'],
  ['request_extension', 'O1', { state: 'in_progress' }, { type: 'request_extension', newDeadline: '2026-12-31', reason: long }, '延期理由'],
  ['decide_extension', 'P1', { state: 'in_progress', requests: [{ ...pending, kind: 'extension', newDeadline: '2026-12-31' }] }, { type: 'decide_extension', approve: false, opinion: long }, '审核意见'],
  ['request_escalation', 'O1', { state: 'in_progress' }, { type: 'request_escalation', reason: long, units: [] }, '提级协调理由'],
  ['decide_escalation', 'P1', { state: 'in_progress', requests: [{ ...pending, kind: 'escalation' }] }, { type: 'decide_escalation', accept: true, opinion: long }, '审核意见'],
  ['cancel', 'P1', { state: 'in_progress' }, { type: 'cancel', reason: long }, '撤销说明'],
  ['urge', 'P1', { state: 'in_progress' }, { type: 'urge', note: long }, '催办说明'],
];

describe('a text over LIMITS.noteChars is refused with the limit named, and nothing is cut to fit', () => {
  test.each(cases)('%s', (_name, who, over, cmd, what) => {
    const out = applyTaskCommand(task(over), cmd, ctx(who));
    expect(out).toEqual({ ok: false, kind: 'invalid', message: `${what} 700,000 字，超过上限 2,000 字，请精简后重新提交。` });
  });

  test('exactly the limit is accepted and stored whole', () => {
    const content = '进'.repeat(LIMITS.noteChars);
    const out = applyTaskCommand(task({ state: 'in_progress' }), { type: 'progress', percent: 10, content, evidence: [], via: 'card' }, ctx('O1'));
    expect(out.ok).toBe(true);
    if (out.ok) expect(out.task.reports.at(-1)!.content).toBe(content);
  });
});

test('a progress report is stored once: the audit entry names the report instead of copying its text', () => {
  const content = '已完成3户签约，剩余2户正在协商';
  const out = applyTaskCommand(task({ state: 'in_progress', reports: [] }), { type: 'progress', percent: 72, content, evidence: [], via: 'command' }, ctx('O1'));
  if (!out.ok) throw new Error(out.message);
  expect(out.task.reports[0].content).toBe(content);
  expect(out.entry.note).toBe('梅山镇 72%，见第 1 条进度反馈');
  expect(JSON.stringify(out.task.history)).not.toContain(content);
});

test('the next entry follows the highest seq, not the count of embedded entries (older ones moved out)', () => {
  const history = Array.from({ length: LIMITS.historyEmbedded }, (_, i) => entry(i + 51));
  const out = applyTaskCommand(task({ state: 'in_progress', history }), { type: 'urge' }, ctx('P1'));
  if (!out.ok) throw new Error(out.message);
  expect(out.entry.seq).toBe(151);
});

test.each([
  ['closed', '签收', { type: 'accept' }, 'DB-2026-0001 已办结，无需再签收。'],
  ['cancelled', '反馈进度', { type: 'progress', percent: 10, content: '完成', evidence: [], via: 'card' }, 'DB-2026-0001 已撤销，无需再反馈进度。'],
] as const)('a %s task: the refusal says 已 once (%s)', (state, _verb, cmd, message) => {
  const out = applyTaskCommand(task({ state }), cmd as TaskCommand, ctx('O1'));
  expect(out).toEqual({ ok: false, kind: 'stale', message });
});
