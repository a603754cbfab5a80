import { CardTemplateError, escapeMarkdown, renderTemplate } from '../../src/cards/template';

const card = (elements: unknown[], extra: Record<string, unknown> = {}) => ({ schema: '2.0', body: { elements }, ...extra });
const els = (out: Record<string, unknown>) => (out.body as { elements: unknown[] }).elements;

describe('card template engine', () => {
  test('interpolates ${a.b} inside strings', () => {
    const out = renderTemplate(card([{ tag: 'div', text: { tag: 'plain_text', content: '${task.code}：${task.title}（${n} 项）' } }]), { task: { code: 'DB-2026-0001', title: '标题' }, n: 3 });
    expect(els(out)).toEqual([{ tag: 'div', text: { tag: 'plain_text', content: 'DB-2026-0001：标题（3 项）' } }]);
  });

  test('a whole-string ${x} keeps the value type, except under content', () => {
    const out = renderTemplate(
      card([{ tag: 'button', disabled: '${off}', behaviors: [{ type: 'callback', value: '${v}' }] }, { tag: 'markdown', content: '${n}' }]),
      { off: true, v: { a: 'task.accept', c: 'DB-1' }, n: 7 },
    );
    expect(els(out)).toEqual([{ tag: 'button', disabled: true, behaviors: [{ type: 'callback', value: { a: 'task.accept', c: 'DB-1' } }] }, { tag: 'markdown', content: '7' }]);
  });

  test('a null value drops the property; a missing one throws', () => {
    const t = card([{ tag: 'date_picker', name: 'd', initial_date: '${d}' }]);
    expect(els(renderTemplate(t, { d: null }))).toEqual([{ tag: 'date_picker', name: 'd' }]);
    expect(() => renderTemplate(t, {})).toThrow(CardTemplateError);
    expect(() => renderTemplate(card([{ tag: 'markdown', content: 'x ${nope}' }]), {})).toThrow(/missing \$\{nope\}/);
  });

  test('$if keeps an element only when truthy (empty lists are falsy), and drops object properties', () => {
    const t = card([
      { $if: 'a', tag: 'hr' },
      { $if: 'list', tag: 'markdown', content: 'list' },
      { $if: 'missing', tag: 'markdown', content: 'never' },
      { tag: 'button', confirm: { $if: 'ask', title: { tag: 'plain_text', content: 'sure?' } } },
    ]);
    expect(els(renderTemplate(t, { a: 1, list: [], ask: false }))).toEqual([{ tag: 'hr' }, { tag: 'button' }]);
    expect(els(renderTemplate(t, { a: 0, list: [1], ask: true }))).toEqual([
      { tag: 'markdown', content: 'list' },
      { tag: 'button', confirm: { title: { tag: 'plain_text', content: 'sure?' } } },
    ]);
  });

  test('$each + $as repeats an element per item, nested lists and outer names stay in scope', () => {
    const t = card([
      {
        $each: 'units',
        $as: 'u',
        tag: 'collapsible_panel',
        header: { title: { tag: 'plain_text', content: '${u.name}' } },
        elements: [{ $each: 'u.items', $as: 't', $if: 't.show', tag: 'markdown', content: '${prefix}${t.code}' }],
      },
    ]);
    const out = renderTemplate(t, { prefix: '#', units: [{ name: 'A', items: [{ code: '1', show: true }, { code: '2', show: false }] }, { name: 'B', items: [] }] });
    expect(els(out)).toEqual([
      { tag: 'collapsible_panel', header: { title: { tag: 'plain_text', content: 'A' } }, elements: [{ tag: 'markdown', content: '&#35;1' }] },
      { tag: 'collapsible_panel', header: { title: { tag: 'plain_text', content: 'B' } }, elements: [] },
    ]);
  });

  test('$each with $splice renders several elements per item; $each alone splices data', () => {
    const t = card([{ $each: 'xs', $as: 'x', $splice: [{ tag: 'hr' }, { tag: 'input', name: 'f_${x}' }] }, { $each: 'raw' }]);
    expect(els(renderTemplate(t, { xs: [0, 1], raw: [{ tag: 'hr' }] }))).toEqual([{ tag: 'hr' }, { tag: 'input', name: 'f_0' }, { tag: 'hr' }, { tag: 'input', name: 'f_1' }, { tag: 'hr' }]);
  });

  test('escapes interpolated text in markdown and lark_md content only', () => {
    const vars = { t: '**粗** <at id=all></at> [x](y)' };
    const out = renderTemplate(
      card([
        { tag: 'markdown', content: '**标题**：${t}' },
        { tag: 'div', text: { tag: 'lark_md', content: '${t}' } },
        { tag: 'div', text: { tag: 'plain_text', content: '${t}' } },
      ]),
      vars,
    );
    const [md, lark, plain] = els(out) as { content?: string; text?: { content: string } }[];
    expect(md.content).toBe('**标题**：&#42;&#42;粗&#42;&#42; &#60;at id=all&#62;&#60;/at&#62; &#91;x&#93;(y)');
    expect(lark.text!.content).not.toContain('<at');
    expect(plain.text!.content).toBe(vars.t);
  });

  test('rejects directives in the wrong place and never leaves $ keys', () => {
    expect(() => renderTemplate(card([], { config: { $each: 'x' } }), { x: [] })).toThrow(/only allowed on an array item/);
    expect(() => renderTemplate(card([{ $each: 'x', $as: 'i', $splice: {} }]), { x: [1] })).toThrow(/\$splice must be a list/);
    expect(() => renderTemplate(card([{ tag: 'button', behaviors: [{ type: 'callback', value: '${v}' }] }]), { v: { $bad: 1 } })).toThrow(/left in the output/);
    expect(() => renderTemplate(card([{ $each: 'notalist', $as: 'i', tag: 'hr' }]), { notalist: 3 })).toThrow(/not a list/);
  });

  test('a value is inserted once, never re-read as a template', () => {
    const out = renderTemplate(card([{ tag: 'div', text: { tag: 'plain_text', content: '${a}' } }]), { a: '${b}', b: 'no' });
    expect(els(out)).toEqual([{ tag: 'div', text: { tag: 'plain_text', content: '${b}' } }]);
  });
});

describe('escapeMarkdown', () => {
  test.each([
    ['**bold**', '&#42;&#42;bold&#42;&#42;'],
    ['<at id=all></at>', '&#60;at id=all&#62;&#60;/at&#62;'],
    ['[x](https://evil.example)', '&#91;x&#93;(https://evil.example)'],
    ['~~del~~ `code` a|b $x \\n', '&#126;&#126;del&#126;&#126; &#96;code&#96; a&#124;b &#36;x &#92;n'],
    ['# 标题', '&#35; 标题'],
    ['- 列表\n+ 列表\n1. 序号\n    缩进', '&#45; 列表\n&#43; 列表\n1&#46; 序号\n缩进'],
    ['表情 :OK: 时间 09:30', '表情 &#58;OK: 时间 09:30'],
    ['AT&T &#60;', 'AT&#38;T &#38;#60;'],
    ['中文，不变：（一）', '中文，不变：（一）'],
  ])('%s', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  test('a value continuing a template line keeps its first line free of block escapes', () => {
    expect(escapeMarkdown('+2 -1\n- x', false)).toBe('+2 -1\n&#45; x');
    const out = renderTemplate(card([{ tag: 'markdown', content: '较上月 ${d}\n${d}' }]), { d: '+2' });
    expect(els(out)).toEqual([{ tag: 'markdown', content: '较上月 +2\n&#43;2' }]);
  });
});
