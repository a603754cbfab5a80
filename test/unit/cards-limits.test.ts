import { CARD_MAX_BYTES, checkCard, inspectCard } from '../../src/cards/limits';

type El = Record<string, unknown>;
const text = (content: string) => ({ tag: 'plain_text', content });
const md = (content: string): El => ({ tag: 'markdown', content });
const button = (label: string, extra: El = {}): El => ({ tag: 'button', text: text(label), behaviors: [{ type: 'callback', value: { a: 'task.accept', v: 1 } }], ...extra });
const submit = (name: string): El => button('提交', { name, form_action_type: 'submit' });
const form = (name: string, elements: El[]): El => ({ tag: 'form', name, elements });
const column = (elements: El[]): El => ({ tag: 'column', width: 'auto', elements });
const columns = (...cols: El[][]): El => ({ tag: 'column_set', columns: cols.map(column) });
const card = (elements: El[], extra: El = {}): El => ({
  schema: '2.0',
  config: { update_multi: true, width_mode: 'fill', summary: { content: 's' } },
  header: { title: text('督办单'), subtitle: text('DB-2026-0001'), template: 'red', text_tag_list: [{ tag: 'text_tag', text: text('红灯'), color: 'red' }] },
  body: { elements },
  ...extra,
});
const problems = (c: unknown) => checkCard(c).join('\n');

describe('checkCard', () => {
  test('a sound card has no problems', () => {
    const c = card([md('**hi**'), columns([button('催办')], [button('撤销', { confirm: { title: text('t'), text: text('x') } })]), form('f', [{ tag: 'input', name: 'reason', required: true }, submit('ok')])]);
    expect(checkCard(c)).toEqual([]);
    expect(inspectCard(c).stats).toMatchObject({ tables: 0, charts: 0, depth: 2 }) // column_set + column;
  });

  test('too big', () => {
    const c = card([md('字'.repeat(Math.ceil(CARD_MAX_BYTES / 3) + 10))]);
    expect(problems(c)).toMatch(/too big/);
  });

  test('form nested inside another container or form', () => {
    expect(problems(card([columns([form('f', [submit('s')])])]))).toMatch(/form may only sit at the root/);
    expect(problems(card([form('outer', [form('inner', [submit('s1')]), submit('s2')])]))).toMatch(/form may only sit at the root/);
    expect(problems(card([{ tag: 'collapsible_panel', header: { title: text('x') }, elements: [form('f', [submit('s')])] }]))).toMatch(/form may only sit at the root/);
  });

  test('duplicate and missing names of form fields', () => {
    const dup = card([form('f', [{ tag: 'input', name: 'reason' }, { tag: 'input', name: 'reason' }, submit('s')])]);
    expect(problems(dup)).toMatch(/name "reason" is already used/);
    const acrossForms = card([form('a', [{ tag: 'input', name: 'x' }, submit('s1')]), form('b', [{ tag: 'input', name: 'x' }, submit('s2')])]);
    expect(problems(acrossForms)).toMatch(/name "x" is already used/);
    expect(problems(card([form('f', [{ tag: 'input' }, submit('s')])]))).toMatch(/input inside a form needs a name/);
    expect(problems(card([form('f', [button('提交', { form_action_type: 'submit' })])]))).toMatch(/button inside a form needs a name/);
    expect(problems(card([form('f', [{ tag: 'input', name: 'x' }])]))).toMatch(/needs a submit button/);
  });

  test('unknown tags, 1.0-only tags and 1.0 buttons', () => {
    expect(problems(card([{ tag: 'blink' }]))).toMatch(/unknown tag "blink"/);
    expect(problems(card([{ tag: 'action', actions: [button('x')] }]))).toMatch(/"action" is a JSON 1.0 tag/);
    expect(problems(card([{ tag: 'note', elements: [text('x')] }]))).toMatch(/"note" is a JSON 1.0 tag/);
    expect(problems(card([{ tag: 'button', text: text('x'), value: { a: 1 } }]))).toMatch(/button "value" is JSON 1.0/);
    expect(problems(card([{ tag: 'div' }, 'oops' as unknown as El]))).toMatch(/not a component/);
  });

  test('top level, config and header', () => {
    expect(problems(card([], { elements: [] }))).toMatch(/unknown top-level key "elements"/);
    expect(problems(card([], { i18n_elements: {} }))).toMatch(/unknown top-level key "i18n_elements"/);
    expect(problems({ ...card([]), schema: '1.0' })).toMatch(/schema must be "2.0"/);
    expect(problems({ ...card([]), config: { width_mode: 'fill' } })).toMatch(/update_multi must be true/);
    expect(problems({ ...card([]), config: { update_multi: true, wide_screen_mode: true } })).toMatch(/unknown key config.wide_screen_mode/);
    const h = card([]) as { header: El };
    expect(problems({ ...h, header: { ...h.header, template: 'pink' } })).toMatch(/header colour "pink"/);
    expect(problems({ ...h, header: { ...h.header, title: 'x' } })).toMatch(/header.title/);
  });

  test('tables: at most five, root only, page_size 1–10, at most 50 columns', () => {
    const table = (extra: El = {}): El => ({ tag: 'table', page_size: 5, columns: [{ name: 'a', data_type: 'text' }], rows: [{ a: 'x' }], ...extra });
    expect(checkCard(card([table()]))).toEqual([]);
    expect(problems(card(Array.from({ length: 6 }, () => table())))).toMatch(/too many tables: 6/);
    expect(problems(card([table({ page_size: 11 })]))).toMatch(/page_size must be 1–10/);
    expect(problems(card([table({ page_size: 0 })]))).toMatch(/page_size must be 1–10/);
    expect(problems(card([table({ columns: Array.from({ length: 51 }, (_, i) => ({ name: `c${i}` })) })]))).toMatch(/51 columns/);
    expect(problems(card([columns([table()])]))).toMatch(/table may only sit at the root/);
  });

  test('charts: at most five, a spec object, no JavaScript', () => {
    const chart = (spec: El): El => ({ tag: 'chart', chart_spec: spec });
    expect(checkCard(card([chart({ type: 'bar', data: { values: [] } })]))).toEqual([]);
    expect(problems(card(Array.from({ length: 6 }, () => chart({ type: 'bar' }))))).toMatch(/too many charts: 6/);
    expect(problems(card([chart({ type: 'bar', label: { formatMethod: 'function (v) { return v }' } })]))).toMatch(/JavaScript/);
    expect(problems(card([chart({ type: 'bar', tooltip: { content: '(d) => d.x' } })]))).toMatch(/JavaScript/);
    expect(problems(card([{ tag: 'chart' }]))).toMatch(/chart_spec/);
  });

  test('containers nested more than five deep', () => {
    let el: El = md('deep');
    for (let i = 0; i < 3; i++) el = columns([el]); // 3 column_sets + 3 columns = 6 levels
    expect(problems(card([el]))).toMatch(/nested 6 deep/);
    expect(checkCard(card([columns([columns([md('ok')])])]))).toEqual([]);
  });

  test('more than 200 elements', () => {
    expect(problems(card(Array.from({ length: 201 }, (_, i) => md(String(i)))))).toMatch(/too many elements/);
  });

  test('form-only components and form attributes outside a form', () => {
    expect(problems(card([{ tag: 'multi_select_static', name: 'u', options: [] }]))).toMatch(/only works inside a form/);
    expect(problems(card([{ tag: 'input', name: 'x', required: true }]))).toMatch(/"required" only works inside a form/);
    expect(problems(card([button('x', { form_action_type: 'submit' })]))).toMatch(/form_action_type outside a form/);
    expect(problems(card([{ tag: 'button', text: text('x') }]))).toMatch(/needs behaviors/);
  });

  test('template directives left in a card', () => {
    expect(problems(card([{ tag: 'markdown', content: 'x', $if: 'y' }]))).toMatch(/directive left/);
  });
});
