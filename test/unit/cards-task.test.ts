import { cardValueSchema } from '../../src/cards/actions';
import { cardButtons, cardText, formFields } from '../../src/cards/inspect';
import { cardBytes, checkCard, CARD_MAX_BYTES } from '../../src/cards/limits';
import { sampleOrg, sampleTask } from '../../src/cards/samples';
import { progressReplyText, taskCard, type TaskCardContext, type TaskCardMode } from '../../src/cards/task-card';
import type { Light } from '../../src/domain/lights';
import type { Task, TaskRequest, TaskState } from '../../src/domain/task';

const org = sampleOrg();
const today = '2026-11-20';
const yellow: Light = { color: 'yellow', reason: '剩 2 个工作日', overdueWorkdays: 0, workdaysLeft: 2, lag: 0 };
const none: Light = { color: 'none', reason: '按期办结', overdueWorkdays: 0, workdaysLeft: 0, lag: 0 };
const at = new Date('2026-11-20T02:00:00Z');
const req = (kind: TaskRequest['kind'], extra: Partial<TaskRequest> = {}): TaskRequest => ({ id: `${kind}-9`, kind, state: 'pending', at, by: 'P2', ...extra });
const closeReq = req('close', { content: '已全部完成' });
const extReq = req('extension', { newDeadline: '2026-12-31', reason: '等法院裁定' });
const escReq = req('escalation', { reason: '跨部门', units: ['ZJJ'] });

function taskIn(state: TaskState, requests: TaskRequest[] = state === 'submitted' ? [closeReq] : []): Task {
  return sampleTask({ state, requests });
}
function render(task: Task, ctx: Partial<TaskCardContext> = {}) {
  const light = task.state === 'closed' || task.state === 'cancelled' ? none : yellow;
  const card = taskCard(task, { org, view: 'unit', light, today, ...ctx });
  expect(checkCard(card)).toEqual([]);
  return card;
}
const texts = (card: unknown) => cardButtons(card).map((b) => b.text);
const fields = (card: unknown) => formFields(card).map((f) => `${f.name}:${f.tag}`);

describe('task card buttons by state and view (docs/rules.md#cards-and-buttons)', () => {
  test.each<[TaskState, 'unit' | 'group', string[]]>([
    ['dispatched', 'unit', ['签收']],
    ['in_progress', 'unit', ['反馈进度', '申请办结', '申请延期', '申请提级协调']],
    ['submitted', 'unit', []],
    ['closed', 'unit', []],
    ['cancelled', 'unit', []],
    ['dispatched', 'group', ['催办', '撤销']],
    ['in_progress', 'group', ['催办', '撤销']],
    ['submitted', 'group', ['审核通过', '退回', '催办', '撤销']],
    ['closed', 'group', []],
    ['cancelled', 'group', []],
  ])('%s × %s → %j', (state, view, expected) => {
    const card = render(taskIn(state), { view });
    expect(texts(card)).toEqual(expected);
    if (state === 'submitted' && view === 'unit') expect(cardText(card)).toContain('已申请办结，等待督导组审核');
    if (state === 'submitted' && view === 'group') expect(fields(card)).toEqual(['reason:input']);
    else expect(formFields(card)).toEqual([]);
  });

  test.each<[string, TaskState, TaskRequest[], string[], string[]]>([
    ['extension pending', 'in_progress', [extReq], ['同意延期', '不同意延期', '催办', '撤销'], ['opinion:input']],
    ['escalation pending', 'in_progress', [escReq], ['有所为·提级', '有所不为·退回自办', '催办', '撤销'], ['opinion:input']],
    ['all three pending', 'submitted', [closeReq, extReq, escReq], ['审核通过', '退回', '同意延期', '不同意延期', '有所为·提级', '有所不为·退回自办', '催办', '撤销'], ['reason:input', 'opinion:input']],
  ])('group copy, %s: one form with the inputs needed', (_name, state, requests, buttons, inputs) => {
    const card = render(taskIn(state, requests), { view: 'group' });
    expect(texts(card)).toEqual(buttons);
    expect(fields(card)).toEqual(inputs);
    expect(new Set(formFields(card).map((f) => f.form)).size).toBe(1);
    const reviews = cardButtons(card).filter((b) => b.form);
    expect(reviews.every((b) => b.submit && b.form === 'review_form')).toBe(true);
  });

  test('the unit copy disables 申请延期 / 申请提级协调 while one is pending', () => {
    const buttons = cardButtons(render(taskIn('in_progress', [extReq, escReq])));
    expect(buttons.filter((b) => b.disabled).map((b) => b.text)).toEqual(['申请延期', '申请提级协调']);
    expect(cardButtons(render(taskIn('in_progress'))).some((b) => b.disabled)).toBe(false);
  });

  test('撤销 asks for confirmation', () => {
    const cancel = cardButtons(render(taskIn('in_progress'), { view: 'group' })).find((b) => b.text === '撤销')!;
    expect(cancel.confirm).toBe(true);
  });
});

describe('task card modes (unit copy, answered in place)', () => {
  test.each<[TaskCardMode, string[], string[], string]>([
    ['progress', ['反馈进度', '返回'], ['progress:input', 'content:input'], 'task.progress'],
    ['submit', ['申请办结', '返回'], ['content:input'], 'task.submit'],
    ['extension', ['申请延期', '返回'], ['new_deadline:date_picker', 'reason:input'], 'task.extension'],
    ['escalation', ['申请提级协调', '返回'], ['reason:input', 'units:multi_select_static'], 'task.escalation'],
  ])('%s', (mode, buttons, inputs, action) => {
    const unitOptions = org.units.map((u) => ({ code: u.code, name: u.name }));
    const card = render(taskIn('in_progress'), { mode, unitOptions });
    expect(texts(card)).toEqual(buttons);
    expect(fields(card)).toEqual(inputs);
    const [submit, back] = cardButtons(card);
    expect(submit).toMatchObject({ submit: true, value: { a: action, c: 'DB-2026-0012', s: 'in_progress' } });
    expect(submit.value).not.toHaveProperty('x');
    expect(back).toMatchObject({ submit: false, value: { a: 'task.back' } });
    expect(back.form).toBeUndefined();
    const required = formFields(card).filter((f) => f.required).map((f) => f.name);
    expect(required).toEqual(inputs.map((i) => i.split(':')[0]).filter((n) => n !== 'units'));
  });

  test('progress form shows the current progress; a mode on a task not in progress falls back to the main card', () => {
    const card = render(taskIn('in_progress'), { mode: 'progress' });
    expect(JSON.stringify(card)).toContain('"default_value":"60"');
    expect(texts(render(taskIn('dispatched'), { mode: 'progress' }))).toEqual(['签收']);
    expect(texts(render(taskIn('in_progress'), { view: 'group', mode: 'progress' }))).toEqual(['催办', '撤销']);
    expect(texts(render(taskIn('in_progress', [extReq]), { mode: 'extension' }))).toEqual(['反馈进度', '申请办结', '申请延期', '申请提级协调']);
  });

  test('many units: the escalation form takes unit names as text under the same name', () => {
    const unitOptions = Array.from({ length: 130 }, (_, i) => ({ code: `U${i}`, name: `单位${i}` }));
    const card = render(taskIn('in_progress'), { mode: 'escalation', unitOptions });
    expect(fields(card)).toEqual(['reason:input', 'units:input']);
  });

  test('the escalation form lists every unit of the organisation by default', () => {
    const card = render(taskIn('in_progress'), { mode: 'escalation' });
    const json = JSON.stringify(card);
    for (const u of org.units) expect(json).toContain(`"value":"${u.code}"`);
  });

  test('a note line shows on top', () => {
    const card = render(taskIn('in_progress'), { mode: 'progress', note: '进度请填写 0 到 100 之间的整数' });
    expect(cardText(card).split('\n')[0]).toContain('进度请填写 0 到 100 之间的整数');
  });
});

describe('task card values and content', () => {
  test('every callback value is a valid card value naming the task and the state shown', () => {
    const cards = [
      render(taskIn('dispatched')),
      render(taskIn('in_progress')),
      render(taskIn('submitted', [closeReq, extReq, escReq]), { view: 'group' }),
      ...(['progress', 'submit', 'extension', 'escalation'] as const).map((mode) => render(taskIn('in_progress'), { mode })),
    ];
    for (const card of cards) {
      for (const b of cardButtons(card)) {
        const v = cardValueSchema.parse(b.value);
        expect(v.c).toBe('DB-2026-0012');
        expect(v.s).toBeDefined();
      }
    }
    const group = cardButtons(cards[2]);
    expect(group.find((b) => b.text === '审核通过')!.value).toEqual({ a: 'task.approve', v: 1, c: 'DB-2026-0012', s: 'submitted', r: 'close-9' });
    expect(group.find((b) => b.text === '有所不为·退回自办')!.value).toMatchObject({ a: 'task.escalation_decline', r: 'escalation-9' });
    expect(cardButtons(cards[1]).map((b) => b.value!.x)).toEqual(['form', 'form', 'form', 'form']);
  });

  test('header: code, colour by light, state and light tags; grey once closed', () => {
    const open = render(taskIn('in_progress'), { light: { color: 'red', reason: '已超期 4 个工作日', overdueWorkdays: 4, workdaysLeft: -4, lag: 0 } }) as { header: Record<string, unknown>; config: { summary: { content: string } } };
    expect(open.header).toMatchObject({ title: { content: '督办单' }, subtitle: { content: 'DB-2026-0012' }, template: 'red' });
    expect((open.header.text_tag_list as { text: { content: string } }[]).map((t) => t.text.content)).toEqual(['办理中', '🔴 红灯', '紧急']);
    expect(open.config.summary.content).toContain('DB-2026-0012');
    expect(cardText(open)).toContain('已超期 4 个工作日');
    const closed = render(taskIn('closed')) as { header: Record<string, unknown> };
    expect(closed.header.template).toBe('grey');
    expect((closed.header.text_tag_list as unknown[]).length).toBe(2);
  });

  test('the title, content and report are escaped: no mention, link or bold can be injected', () => {
    const evil = '**加粗** <at id=all></at> [x](https://evil.example)';
    const task = sampleTask({ title: evil, content: `说明\n# 标题\n- ${evil}` });
    task.reports = [{ ...task.reports[0], content: evil }];
    const card = render(task);
    const t = cardText(card);
    expect(t).not.toMatch(/<at/);
    expect(t).not.toContain('[x](');
    expect(t).not.toContain('**加粗**');
    expect(t).toContain('&#60;at id=all&#62;');
    expect(t).toContain('说明\n&#35; 标题\n&#45; &#42;&#42;加粗');
  });

  test('the largest realistic card stays under 30 KB', () => {
    const long = (n: number) => '推进征迁扫尾工作，落实包户责任，做好群众思想工作并建立台账。'.repeat(Math.ceil(n / 30)).slice(0, n);
    const base = sampleTask();
    const task: Task = {
      ...base,
      title: long(300),
      content: long(5000),
      coUnits: org.units.map((u) => u.code).filter((c) => c !== 'MSZ').slice(0, 10),
      milestones: Array.from({ length: 10 }, (_, i) => ({ date: `2026-12-${String(i + 10)}`, label: long(100) })),
      reports: Array.from({ length: 20 }, (_, i) => ({ ...base.reports[0], content: long(2000), percent: i * 5, evidence: Array.from({ length: 10 }, () => ({ kind: 'docno' as const, text: long(40) })) })),
      requests: [{ ...extReq, reason: long(2000) }, { ...escReq, reason: long(2000), units: org.units.map((u) => u.code) }],
      history: Array.from({ length: 40 }, (_, i) => ({ seq: i + 1, at, by: 'P2', action: 'progress', note: long(500) })),
      state: 'submitted',
    };
    task.requests.push({ ...closeReq, content: long(3000) });
    expect(task.coUnits).toHaveLength(10);
    const unitOptions = Array.from({ length: 120 }, (_, i) => ({ code: `UNIT${i}`, name: `某某县某某某某局${i}` }));
    for (const ctx of [{ view: 'group' as const }, { view: 'unit' as const }, { view: 'unit' as const, mode: 'escalation' as const, unitOptions }]) {
      const t = ctx.mode ? { ...task, state: 'in_progress' as const, requests: [] } : task;
      const card = render(t, { ...ctx, note: long(500) });
      expect(cardBytes(card)).toBeLessThan(CARD_MAX_BYTES);
    }
  });
});

describe('the 签收 deadline on the card (issue 14, rough edge 17)', () => {
  test('a dispatched task shows 请于 … 前签收; later states do not', () => {
    expect(cardText(render(taskIn('dispatched'), { signBy: '2026-12-02' }))).toContain('请于 12月2日 前签收');
    expect(cardText(render(taskIn('dispatched'), { view: 'group', signBy: '2027-01-04' }))).toContain('请于 2027年1月4日 前签收');
    expect(cardText(render(taskIn('in_progress'), { signBy: '2026-12-02' }))).not.toContain('前签收');
  });
});

describe("a co-unit's copy offers only what a co-unit may do (issue 14, rough edge 6)", () => {
  test.each<[TaskState, string[]]>([
    ['dispatched', ['反馈进度']],
    ['in_progress', ['反馈进度']],
    ['submitted', []],
    ['closed', []],
    ['cancelled', []],
  ])('%s → %j', (state, expected) => {
    const card = render(taskIn(state), { view: 'co' });
    expect(texts(card)).toEqual(expected);
    expect(formFields(card)).toEqual([]);
    if (expected.length) expect(cardText(card)).toContain('签收、办结、延期和提级协调由责任单位');
  });

  test('its 反馈进度 opens the progress form; other modes fall back to the main view', () => {
    const progress = render(taskIn('in_progress'), { view: 'co', mode: 'progress' });
    expect(fields(progress)).toEqual(['progress:input', 'content:input']);
    expect(texts(progress)).toEqual(['反馈进度', '返回']);
    for (const mode of ['submit', 'extension', 'escalation'] as TaskCardMode[]) expect(texts(render(taskIn('in_progress'), { view: 'co', mode }))).toEqual(['反馈进度']);
  });
});

describe("the card lists all the task's evidence, not only the latest report's (issue 14, item 8)", () => {
  const rep = (evidence: Task['reports'][number]['evidence'], content: string): Task['reports'][number] => ({ unit: 'MSZ', by: 'P2', at, percent: 50, content, evidence, via: 'reply' });
  test('an earlier image, 文号 and link stay on the card beside the latest file', () => {
    const t = sampleTask({
      state: 'in_progress',
      reports: [
        rep([{ kind: 'image', key: 'img_1' }, { kind: 'docno', text: '梅政〔2026〕12号' }, { kind: 'link', url: 'https://example.org/a' }], '第一次'),
        rep([{ kind: 'file', key: 'file_1', name: '方案.docx' }], '第二次'),
      ],
    } as Partial<Task>);
    const text = cardText(render(t));
    expect(text).toContain('佐证材料（共 4 项）：图片 1 · 文件 1 · 文号 1（梅政〔2026〕12号） · 链接 1');
  });
  test('many 文号: two named, then …等 N 项; the card stays within its limits', () => {
    const docs = Array.from({ length: 40 }, (_, i) => ({ kind: 'docno' as const, text: `梅政〔2026〕${i + 1}号` }));
    const t = sampleTask({ state: 'in_progress', reports: Array.from({ length: 20 }, (_, i) => rep(docs.slice(i * 2, i * 2 + 2), `第${i + 1}次`)) } as Partial<Task>);
    const text = cardText(render(t));
    expect(text).toContain('佐证材料（共 40 项）：文号 40（梅政〔2026〕1号、梅政〔2026〕2号…等 40 项）');
  });
  test('no evidence: no line', () => {
    expect(cardText(render(sampleTask({ state: 'in_progress', reports: [] })))).not.toContain('佐证材料');
  });
});

describe('the 进度 reply counts evidence (issue 14, item 8)', () => {
  test.each([
    [0, 0, '已记录 DB-2026-0001 的进度 60%，卡片已更新。'],
    [2, 2, '已记录 DB-2026-0001 的进度 60%，附 2 项佐证（本事项共 2 项），卡片已更新。'],
    [0, 3, '已记录 DB-2026-0001 的进度 60%，本事项共 3 项佐证材料，卡片已更新。'],
  ])('added %i of %i', (added, total, text) => {
    expect(progressReplyText('DB-2026-0001', 60, added, total)).toBe(text);
  });
});
