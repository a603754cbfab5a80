import fs from 'node:fs';
import path from 'node:path';
import { dispatchRefusalText } from '../../src/features/dispatch/service';
import { parseDeadline, parseDispatch } from '../../src/domain/dispatch';
import { documentNumbers } from '../../src/domain/evidence-text';
import { ctx } from '../fixtures/dispatch/org';

describe('a 派单 refusal says where each problem is once', () => {
  it('第6项：第6项：… is gone; 全文 problems still say where', () => {
    const r = parseDispatch('1. 甲\n责任单位：梅山镇\n完成时限：下旬', ctx());
    if (r.ok) throw new Error('expected problems');
    const text = dispatchRefusalText(r.problems);
    expect(text).toContain('1. 第1项：完成时限“下旬”不是具体日期');
    expect(text).not.toContain('第1项：第1项');
    expect(dispatchRefusalText([{ where: '全文', message: '没有找到要派发的事项' }])).toContain('1. 全文：没有找到要派发的事项');
  });

  it('an example already in the sentence is not repeated on its own line', () => {
    const r = parseDispatch('1. 甲\n责任单位：梅山镇', ctx());
    if (r.ok) throw new Error('expected problems');
    const text = dispatchRefusalText(r.problems);
    expect(text).toMatch(/缺少完成时限，请写明截止日期，例如“完成时限：[^”]+”/);
    expect(text).not.toContain('\n   例如：完成时限');
    // a problem whose sentence has no example keeps the example line
    expect(dispatchRefusalText([{ where: '表头', message: '表格缺少“责任单位”列', example: '事项\t责任单位' }])).toContain('\n   例如：事项\t责任单位');
  });
});

describe('document numbers (文号) in a report are the number alone', () => {
  it.each([
    ['文件见梅政〔2026〕12号', ['梅政〔2026〕12号']],
    ['已按梅政〔2026〕13号执行', ['梅政〔2026〕13号']],
    ['梅政办发〔2026〕5号已印发', ['梅政办发〔2026〕5号']],
    ['根据国办发[2025]3 号和梅政〔2026〕1号', ['国办发[2025]3号', '梅政〔2026〕1号']],
    ['按照梅经信〔2026〕7号落实', ['梅经信〔2026〕7号']],
    ['已完成3户签约', []],
  ])('%s', (text, want) => {
    expect(documentNumbers(text)).toEqual(want);
  });
});

describe('README: the date forms it lists are the ones the parser accepts', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const line = readme.slice(readme.indexOf('every date form'), readme.indexOf('tables copied from'));
  const forms = [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((f) => f !== '…');
  const c = ctx();
  it('lists some forms, each accepted; a bare 下旬 (no month) is not listed, and is refused', () => {
    expect(forms.length).toBeGreaterThanOrEqual(4);
    for (const f of forms) expect([f, parseDeadline(f, { now: c.now, tz: c.tz, calendar: c.calendar }).ok]).toEqual([f, true]);
    expect(forms).not.toContain('下旬');
    expect(parseDeadline('下旬', { now: c.now, tz: c.tz, calendar: c.calendar }).ok).toBe(false);
  });
});
