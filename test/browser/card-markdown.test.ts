import { aspect, chartModel, niceCeil } from '../../web/cards/chart-model';
import { decodeEntities, parseInline, parseMarkdown, plainText } from '../../web/cards/markdown';
import { offsetOf, shortMoment, wallTime, wallToIso } from '../../web/lib/time';

/** The console's pure parts: card markdown, the chart model, business-time helpers. */
describe('card markdown', () => {
  test('bold, font colour, text tags, links and mentions', () => {
    expect(parseInline("**要求**：<font color='red'>已超期 **2** 天</font> <text_tag color='blue'>临期</text_tag> [详情](https://example.gov.cn/a?b=1) <at id=ou_1></at>")).toEqual([
      { t: 'b', c: [{ t: 'text', v: '要求' }] },
      { t: 'text', v: '：' },
      { t: 'font', color: 'red', c: [{ t: 'text', v: '已超期 ' }, { t: 'b', c: [{ t: 'text', v: '2' }] }, { t: 'text', v: ' 天' }] },
      { t: 'text', v: ' ' },
      { t: 'tag', color: 'blue', v: '临期' },
      { t: 'text', v: ' ' },
      { t: 'link', href: 'https://example.gov.cn/a?b=1', c: [{ t: 'text', v: '详情' }] },
      { t: 'text', v: ' ' },
      { t: 'at', id: 'ou_1' },
    ]);
  });

  test('escaped user text stays literal: entities are decoded only after the syntax is read', () => {
    // what src/cards/template.ts makes of a person typing **bold** and <at id=all></at>
    const nodes = parseInline('&#42;&#42;bold&#42;&#42; &#60;at id=all&#62;&#60;/at&#62; 85&#46;7%');
    expect(nodes).toEqual([{ t: 'text', v: '**bold** <at id=all></at> 85.7%' }]);
  });

  test('only http(s) and mailto links become links; others stay text', () => {
    expect(parseInline('[x](javascript:alert(1))')).toEqual([{ t: 'text', v: '[x](javascript:alert(1))' }]);
    expect(parseInline('[x](mailto:a@b.cn)')[0]).toMatchObject({ t: 'link', href: 'mailto:a@b.cn' });
  });

  test('nested font tags close at their own end', () => {
    const [outer] = parseInline("<font color='grey'>a<font color='red'>b</font>c</font>d");
    expect(outer).toEqual({ t: 'font', color: 'grey', c: [{ t: 'text', v: 'a' }, { t: 'font', color: 'red', c: [{ t: 'text', v: 'b' }] }, { t: 'text', v: 'c' }] });
  });

  test('an unclosed mark is plain text, a lone asterisk is not italic', () => {
    expect(plainText(parseInline('**未闭合 与 3 * 4'))).toBe('**未闭合 与 3 * 4');
    expect(parseInline('*斜体*')).toEqual([{ t: 'i', c: [{ t: 'text', v: '斜体' }] }]);
  });

  test('blocks: single newlines are line breaks, lists, headings, rules, code', () => {
    const blocks = parseMarkdown('# 标题\n第一行\n第二行\n- 甲\n- 乙\n3. 丙\n---\n```\n**raw**\n```');
    expect(blocks.map((b) => b.t)).toEqual(['h', 'p', 'ul', 'ol', 'hr', 'code']);
    expect(blocks[1]).toEqual({ t: 'p', c: [{ t: 'text', v: '第一行' }, { t: 'br' }, { t: 'text', v: '第二行' }] });
    expect(blocks[3]).toMatchObject({ t: 'ol', start: 3 });
    expect(blocks[5]).toEqual({ t: 'code', v: '**raw**' });
  });

  test('entities: numeric, hex and named; unknown ones are left alone', () => {
    expect(decodeEntities('&#x4E2D;&#25991; &lt;b&gt; &amp;amp; &foo; &#0;')).toBe('中文 <b> &amp; &foo; &#0;');
  });
});

describe('chart model (VChart spec → bars)', () => {
  const spec = { type: 'bar', title: { text: '按期办结率（%）' }, data: { values: [{ unit: '住建局', rate: 100 }, { unit: '梅山镇', rate: 75 }] }, xField: 'unit', yField: 'rate', label: { visible: true }, axes: [{ orient: 'left', min: 0, max: 100 }, { orient: 'bottom' }] };

  test('categories, one series, the axis range from the spec', () => {
    const m = chartModel(spec);
    expect(m).toMatchObject({ kind: 'bar', horizontal: false, title: '按期办结率（%）', categories: ['住建局', '梅山镇'], min: 0, max: 100, labels: true });
    expect(m.series).toEqual([{ name: 'rate', values: [100, 75] }]);
    expect(m.ticks).toEqual([0, 25, 50, 75, 100]);
  });

  test('series by seriesField, data as a list of data sets, a rounded top without axes', () => {
    const m = chartModel({ type: 'bar', data: [{ id: 'd', values: [{ m: '10月', n: 3, s: '派发' }, { m: '10月', n: 2, s: '办结' }, { m: '11月', n: 7, s: '派发' }] }], xField: ['m'], yField: 'n', seriesField: 's' });
    expect(m.categories).toEqual(['10月', '11月']);
    expect(m.series).toEqual([{ name: '派发', values: [3, 7] }, { name: '办结', values: [2, null] }]);
    expect(m.max).toBe(10);
  });

  test('horizontal bars swap the fields; unknown kinds fall back to a table', () => {
    expect(chartModel({ ...spec, direction: 'horizontal', xField: 'rate', yField: 'unit' }).categories).toEqual(['住建局', '梅山镇']);
    expect(chartModel({ type: 'pie', data: { values: [{ a: 1 }] } })).toMatchObject({ kind: 'table', fields: ['a'] });
    expect(chartModel(null)).toMatchObject({ kind: 'bar', categories: [] });
  });

  test('nice ceilings and aspect ratios', () => {
    expect([0, 1, 7, 12, 230, 4100].map(niceCeil)).toEqual([0, 1, 10, 20, 250, 5000]);
    expect(aspect('4:3')).toBeCloseTo(0.75);
    expect(aspect('bad')).toBeCloseTo(9 / 16);
  });
});

describe('business time in the service zone', () => {
  test('wall time and offset in Asia/Shanghai, whatever the machine zone', () => {
    const at = new Date('2026-12-07T01:00:00Z');
    expect(wallTime(at, 'Asia/Shanghai')).toEqual({ date: '2026-12-07', time: '09:00:00', weekday: '周一' });
    expect(offsetOf(at, 'Asia/Shanghai')).toBe('+08:00');
    expect(shortMoment('2026-12-07T01:00:00Z', 'Asia/Shanghai', at)).toBe('12-07 09:00');
  });

  test('a datetime-local value becomes an ISO moment, or a specific error', () => {
    expect(wallToIso('2026-12-07T09:00', 'Asia/Shanghai')).toEqual({ iso: '2026-12-07T09:00:00+08:00' });
    expect(wallToIso('2026-12-07 9:00', 'Asia/Shanghai')).toEqual({ error: '请填写完整的日期和时间，如 2026-12-17 09:00' });
    expect(wallToIso('2026-02-30T09:00', 'Asia/Shanghai')).toEqual({ error: '没有这一天：2026-02-30' });
    expect(wallToIso('', 'Asia/Shanghai')).toHaveProperty('error');
  });
});
