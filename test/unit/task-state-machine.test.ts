import { chineseDaysSource } from '../../src/adapters/chinese-days-source';
import { WorkCalendar } from '../../src/domain/calendar';
import { Org } from '../../src/domain/org';
import { refusal, type TaskAction } from '../../src/domain/permissions';
import { TASK_STATES, type Task, type TaskRequest, type TaskState } from '../../src/domain/task';
import { applyTaskCommand, type TaskCommand } from '../../src/domain/task-actions';
import { orgData, task } from '../support/factories';

/**
 * The task state machine and its permissions, table-driven: every state × command × role. The tables
 * below are written out by hand from the rules (docs/rules.md), not derived from the code's own tables,
 * so a change to who may do what, or from which state, fails here first.
 */
const org = new Org({
  ...orgData,
  people: [...orgData.people, { code: 'OB', name: '观察员', openId: 'ou_obs', roles: [{ kind: 'observer' }], active: true }],
});
const cal = new WorkCalendar(chineseDaysSource());
const at = new Date('2026-12-03T02:00:00Z'); // Thursday 10:00 in Shanghai; the task is due 12-15

// The people, by what they are to task DB-2026-0001 (group G1, lead unit 梅山镇 MSZ, co-unit 住建局 ZJJ).
const ROLES = {
  O1: 'lead unit official',
  O2: 'co-unit official',
  O3: 'official of an unrelated unit',
  P1: "the task's group supervisor",
  P0: 'coordination group supervisor',
  P2: "another group's supervisor",
  PL: "the group's city leader",
  PL2: 'another city leader',
  A1: 'admin',
  OB: 'observer',
} as const;
type Who = keyof typeof ROLES;
const WHO = Object.keys(ROLES) as Who[];

/** Who may issue each command (Y) — in the column order of ROLES. */
const MAY: Record<TaskCommand['type'], string> = {
  //                   O1 O2 O3 P1 P0 P2 PL PL2 A1 OB
  accept: /*         */ 'Y  N  N  N  N  N  N  N   Y  N',
  progress: /*       */ 'Y  Y  N  N  N  N  N  N   Y  N',
  submit: /*         */ 'Y  N  N  N  N  N  N  N   Y  N',
  request_extension: 'Y  N  N  N  N  N  N  N   Y  N',
  request_escalation: 'Y  N  N  Y  Y  N  N  N   Y  N',
  approve: /*        */ 'N  N  N  Y  Y  N  N  N   Y  N',
  return: /*         */ 'N  N  N  Y  Y  N  N  N   Y  N',
  decide_extension: /**/ 'N  N  N  Y  Y  N  N  N   Y  N',
  decide_escalation: 'N  N  N  Y  Y  N  Y  N   Y  N',
  cancel: /*         */ 'N  N  N  Y  Y  N  N  N   Y  N',
  urge: /*           */ 'N  N  N  Y  Y  N  N  N   Y  N',
};

/** From which states each command applies. */
const FROM: Record<TaskCommand['type'], TaskState[]> = {
  accept: ['dispatched'],
  progress: ['dispatched', 'in_progress'],
  submit: ['in_progress'],
  approve: ['submitted'],
  return: ['submitted'],
  request_extension: ['dispatched', 'in_progress'],
  decide_extension: ['dispatched', 'in_progress', 'submitted'],
  request_escalation: ['dispatched', 'in_progress'],
  decide_escalation: ['dispatched', 'in_progress', 'submitted'],
  cancel: ['dispatched', 'in_progress', 'submitted'],
  urge: ['dispatched', 'in_progress', 'submitted'],
};

/** The state after a successful command, from a given state ('=' keeps it). Progress by a co-unit keeps it. */
const TO: Record<TaskCommand['type'], TaskState | '='> = {
  accept: 'in_progress',
  progress: '=', // except the lead unit's first report, which signs for it (below)
  submit: 'submitted',
  approve: 'closed',
  return: 'in_progress',
  request_extension: '=',
  decide_extension: '=',
  request_escalation: '=',
  decide_escalation: '=',
  cancel: 'cancelled',
  urge: '=',
};

const COMMANDS: Record<TaskCommand['type'], TaskCommand> = {
  accept: { type: 'accept' },
  progress: { type: 'progress', percent: 40, content: '已完成2户签约', evidence: [], via: 'card' },
  submit: { type: 'submit', content: '已全部签约' },
  approve: { type: 'approve' },
  return: { type: 'return', reason: '缺少佐证材料' },
  request_extension: { type: 'request_extension', newDeadline: '2026-12-31', reason: '天气原因' },
  decide_extension: { type: 'decide_extension', approve: true, opinion: '同意' },
  request_escalation: { type: 'request_escalation', reason: '涉及资金协调', units: ['ZJJ'] },
  decide_escalation: { type: 'decide_escalation', accept: true, opinion: '需市级协调' },
  cancel: { type: 'cancel', reason: '重复派单' },
  urge: { type: 'urge', note: '请加快进度' },
};

/** A task in `state`, carrying the pending request the command decides (as it would in real life). */
function taskIn(state: TaskState, cmd: TaskCommand['type']): Task {
  const pending = (kind: TaskRequest['kind'], extra: Partial<TaskRequest> = {}): TaskRequest => ({ id: `${kind}-1`, kind, state: 'pending', at, by: 'O1', ...extra });
  const requests: TaskRequest[] = [];
  if (state === 'submitted' || state === 'closed') requests.push(pending('close', { content: '已全部签约' }));
  if (cmd === 'decide_extension') requests.push(pending('extension', { newDeadline: '2026-12-31', reason: '天气原因' }));
  if (cmd === 'decide_escalation') requests.push(pending('escalation', { reason: '涉及资金协调', units: ['ZJJ'] }));
  return task({ state, requests, acceptedAt: state === 'dispatched' ? undefined : at });
}

const person = (code: Who) => org.person(code)!;
const cases = Object.keys(COMMANDS).flatMap((c) => TASK_STATES.flatMap((s) => WHO.map((w) => [c as TaskCommand['type'], s, w] as const)));

describe('task state machine: every state × command × role', () => {
  test.each(cases)('%s from %s by %s', (cmd, state, who) => {
    const allowed = MAY[cmd].split(/\s+/)[WHO.indexOf(who)] === 'Y';
    const before = taskIn(state, cmd);
    const out = applyTaskCommand(before, COMMANDS[cmd], { at, actor: person(who), org, tz: 'Asia/Shanghai', cal });
    if (!allowed) {
      expect(out).toMatchObject({ ok: false, kind: 'forbidden' });
      return;
    }
    if (!FROM[cmd].includes(state)) {
      // an open task says what it is now; a finished one says the button is moot
      expect(out).toMatchObject({ ok: false, kind: state === 'closed' || state === 'cancelled' ? 'stale' : 'invalid' });
      if (!out.ok) expect(out.message).toContain('DB-2026-0001');
      return;
    }
    if (!out.ok) throw new Error(`refused: ${out.message}`);
    const leadSigns = cmd === 'progress' && state === 'dispatched' && (who === 'O1' || who === 'A1');
    const expected = leadSigns ? 'in_progress' : TO[cmd] === '=' ? state : TO[cmd];
    expect(out.task.state).toBe(expected);
    expect(out.task.rev).toBe(before.rev + 1);
    expect(out.task.history).toHaveLength(before.history.length + 1);
    expect(out.entry).toMatchObject({ seq: before.history.length + 1, by: who, action: cmd });
    expect(out.toast).not.toBe('');
  });

  test('the input task is never changed (the caller persists the result)', () => {
    for (const [cmd, state, who] of cases) {
      const before = taskIn(state, cmd);
      const frozen = JSON.stringify(before);
      applyTaskCommand(before, COMMANDS[cmd], { at, actor: person(who), org, tz: 'Asia/Shanghai', cal });
      expect(JSON.stringify(before)).toBe(frozen);
    }
  });

  test('a button pressed on a card that showed another state is stale, whoever presses it', () => {
    const t = taskIn('in_progress', 'accept');
    const out = applyTaskCommand(t, COMMANDS.accept, { at, actor: person('O1'), org, tz: 'Asia/Shanghai', cal, expectState: 'dispatched' });
    expect(out).toMatchObject({ ok: false, kind: 'stale' });
  });

  test('a progress report from a chat message is recorded once, however often the message is handled', () => {
    const ctx = { at, actor: person('O1'), org, tz: 'Asia/Shanghai', cal };
    const cmd: TaskCommand = { type: 'progress', percent: 40, content: '已完成3户签约', evidence: [], via: 'reply', source: 'om_1' };
    const first = applyTaskCommand(taskIn('in_progress', 'progress'), cmd, ctx);
    if (!first.ok) throw new Error(first.message);
    expect(first.task.reports.at(-1)).toMatchObject({ source: 'om_1', percent: 40 });
    expect(applyTaskCommand(first.task, cmd, ctx)).toMatchObject({ ok: false, kind: 'stale', message: '这条进度反馈已记录。' });
    expect(applyTaskCommand(first.task, { ...cmd, source: 'om_2' }, ctx)).toMatchObject({ ok: true });
  });

  test('an urge from a message or a card is sent once, however often it is handled (a held click retried)', () => {
    const ctx = { at, actor: person('P1'), org, tz: 'Asia/Shanghai', cal };
    const cmd: TaskCommand = { type: 'urge', note: '请本周五前反馈', source: 'card:ev_1' };
    const first = applyTaskCommand(taskIn('in_progress', 'urge'), cmd, ctx);
    if (!first.ok) throw new Error(first.message);
    expect(first.notices).toEqual([{ to: 'urge_card', note: '请本周五前反馈' }]);
    expect(first.task.history.at(-1)).toMatchObject({ action: 'urge', source: 'card:ev_1' });
    expect(applyTaskCommand(first.task, cmd, ctx)).toMatchObject({ ok: false, kind: 'stale', message: '这次催办已发出。' });
    expect(applyTaskCommand(first.task, { ...cmd, source: 'card:ev_2' }, ctx)).toMatchObject({ ok: true }); // a second press: a second urge
    expect(applyTaskCommand(first.task, { type: 'urge' }, ctx)).toMatchObject({ ok: true }); // no source: as before
  });

  test('any command from a card is applied once for its press, even when the task came back to where it allowed it', () => {
    const unit = { at, actor: person('O1'), org, tz: 'Asia/Shanghai', cal };
    const group = { ...unit, actor: person('P1') };
    const press: TaskCommand = { type: 'submit', content: '已全部签约', source: 'card:ev_submit' };
    const submitted = applyTaskCommand(taskIn('in_progress', 'submit'), press, unit);
    if (!submitted.ok) throw new Error(submitted.message);
    expect(submitted.task.history.at(-1)).toMatchObject({ action: 'submit', source: 'card:ev_submit' });
    const returned = applyTaskCommand(submitted.task, { type: 'return', reason: '佐证材料不全', source: 'card:ev_return' }, group);
    if (!returned.ok) throw new Error(returned.message);
    expect(returned.task.state).toBe('in_progress');
    // the first press run again (its handler retried after the group returned it): refused, not a second request
    expect(applyTaskCommand(returned.task, press, unit)).toMatchObject({ ok: false, kind: 'stale' });
    expect(applyTaskCommand(returned.task, { ...press, source: 'card:ev_submit2' }, unit)).toMatchObject({ ok: true });
  });
});

describe('permissions: every action × role', () => {
  /** The matrix of refusal(): Y allowed, N refused with words. */
  const ACTIONS: Record<TaskAction, string> = {
    //                   O1 O2 O3 P1 P0 P2 PL PL2 A1 OB
    view: /*           */ 'Y  Y  N  Y  Y  N  Y  N   Y  Y',
    accept: /*         */ 'Y  N  N  N  N  N  N  N   Y  N',
    progress: /*       */ 'Y  Y  N  N  N  N  N  N   Y  N',
    submit: /*         */ 'Y  N  N  N  N  N  N  N   Y  N',
    request_extension: 'Y  N  N  N  N  N  N  N   Y  N',
    request_escalation: 'Y  N  N  N  N  N  N  N   Y  N',
    approve: /*        */ 'N  N  N  Y  Y  N  N  N   Y  N',
    return: /*         */ 'N  N  N  Y  Y  N  N  N   Y  N',
    decide_extension: /**/ 'N  N  N  Y  Y  N  N  N   Y  N',
    decide_escalation: 'N  N  N  Y  Y  N  Y  N   Y  N',
    raise_escalation: 'N  N  N  Y  Y  N  N  N   Y  N',
    cancel: /*         */ 'N  N  N  Y  Y  N  N  N   Y  N',
    urge: /*           */ 'N  N  N  Y  Y  N  N  N   Y  N',
  };
  const t = task();
  const rows = Object.keys(ACTIONS).flatMap((a) => WHO.map((w) => [a as TaskAction, w] as const));
  test.each(rows)('%s by %s', (action, who) => {
    const allowed = ACTIONS[action].split(/\s+/)[WHO.indexOf(who)] === 'Y';
    const said = refusal(person(who), action, t, org);
    if (allowed) expect(said).toBeNull();
    else expect(said).toMatch(/\S{6,}/); // a refusal in words, never an empty string
  });

  test('a co-unit is told that only progress is theirs, naming the lead unit', () => {
    expect(refusal(person('O2'), 'accept', t, org)).toContain('梅山镇');
    expect(refusal(person('O2'), 'accept', t, org)).toContain('配合单位只能反馈进度');
  });
});
