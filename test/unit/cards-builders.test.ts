import { cardValueSchema } from '../../src/cards/actions';
import { dispatchFormCard, dispatchPreviewCard, type PreviewTask } from '../../src/cards/dispatch-cards';
import { cardButtons, cardText, formFields } from '../../src/cards/inspect';
import { escalationCard, minutesFormCard, MINUTES_FIELDS, type EscalationState } from '../../src/cards/leader-cards';
import { checkCard, inspectCard } from '../../src/cards/limits';
import { myTasksCard, rollupCard, weeklyDigestCard, type RollupTask } from '../../src/cards/list-cards';
import { bulletinCard, helpCard, noticeCard } from '../../src/cards/message-cards';
import { leaderOverdueCard, letterCard, reminderDigestCard, urgeCard, type ReminderItem } from '../../src/cards/reminder-cards';
import { monthlySummaryCard, statsCard } from '../../src/cards/stats-cards';
import type { Card } from '../../src/cards/template';
import type { Light, LightColor } from '../../src/domain/lights';
import type { ProgressReport } from '../../src/domain/task';

const light = (color: LightColor, reason: string, overdueWorkdays = 0): Light => ({ color, reason, overdueWorkdays, workdaysLeft: -overdueWorkdays, lag: 0 });
const red = light('red', '已超期 4 个工作日', 4);
const green = light('green', '剩 18 个工作日');
const yellow = light('yellow', '剩 2 个工作日');
const ok = (card: Card) => {
  expect(checkCard(card)).toEqual([]);
  return card;
};
const texts = (card: Card) => cardButtons(card).map((b) => b.text);
const header = (card: Card) => card.header as { template: string; title: { content: string }; text_tag_list?: { text: { content: string } }[] };

describe('dispatch preview', () => {
  const task = (i: number): PreviewTask => ({ ref: `第${i}项`, title: `事项${i}`, leadUnitName: '梅山镇', coUnitNames: ['住建局'], deadline: '2026-12-15', priority: '一般', category: '征迁', content: '要求' });
  const input = { previewId: 'pv1', tasks: [task(1), task(2)], dispatcherName: '张三', groupName: '第一专项督导组' };

  test('pending: 确认派发 and 取消 carry the preview id', () => {
    const card = ok(dispatchPreviewCard({ ...input, state: 'pending' }));
    expect(texts(card)).toEqual(['确认派发', '取消']);
    expect(cardButtons(card).map((b) => cardValueSchema.parse(b.value))).toEqual([
      { a: 'dispatch.confirm', v: 1, p: 'pv1' },
      { a: 'dispatch.cancel', v: 1, p: 'pv1' },
    ]);
  });

  test('confirmed lists the codes; cancelled says nothing was created; neither has buttons', () => {
    const done = ok(dispatchPreviewCard({ ...input, state: 'confirmed', codes: ['DB-2026-0001', 'DB-2026-0002'] }));
    expect(texts(done)).toEqual([]);
    expect(cardText(done)).toContain('已派发：DB-2026-0001、DB-2026-0002');
    const cancelled = ok(dispatchPreviewCard({ ...input, state: 'cancelled' }));
    expect(texts(cancelled)).toEqual([]);
    expect(cardText(cancelled)).toContain('已取消，未创建任何事项');
  });

  test('30 long tasks fit in one card', () => {
    const long = '对暗访发现的问题逐项整改到位并建立长效机制。'.repeat(20);
    const tasks = Array.from({ length: 30 }, (_, i) => ({ ...task(i), title: long, content: long, coUnitNames: Array(10).fill('某某县自然资源和规划局') }));
    const card = ok(dispatchPreviewCard({ ...input, tasks, state: 'pending' }));
    expect(cardText(card)).toContain('**30. ');
  });
});

describe('dispatch form', () => {
  const units = [{ code: 'MSZ', name: '梅山镇' }, { code: 'ZJJ', name: '住建局' }];
  test('field names and the 派发 button are the contract', () => {
    const card = ok(dispatchFormCard({ units, categories: ['征迁', '其他'], today: '2026-11-20' }));
    expect(formFields(card).map((f) => `${f.name}:${f.tag}`)).toEqual(['title:input', 'unit:select_static', 'co_units:multi_select_static', 'deadline:date_picker', 'content:input', 'priority:select_static', 'category:select_static']);
    expect(texts(card)).toEqual(['派发']);
    expect(cardButtons(card)[0]).toMatchObject({ submit: true, value: { a: 'dispatch.submit' } });
    expect(JSON.stringify(card)).toContain('"initial_option":"一般"');
  });

  test('after a bad submit: the error in red on top and the values filled in again', () => {
    const values = { title: '推进征迁', unit: 'MSZ', co_units: ['ZJJ'], deadline: '2026-11-01 +0800', priority: '紧急', category: '征迁', content: '要求' };
    const card = ok(dispatchFormCard({ units, categories: ['征迁'], today: '2026-11-20', error: '完成时限已过去', values }));
    expect(cardText(card).split('\n')[0]).toBe("<font color='red'>⚠️ 完成时限已过去</font>");
    const json = JSON.stringify(card);
    for (const s of ['"default_value":"推进征迁"', '"initial_option":"MSZ"', '"selected_values":["ZJJ"]', '"initial_date":"2026-11-01"', '"initial_option":"紧急"']) expect(json).toContain(s);
  });
});

describe('lists', () => {
  const rt = (i: number, state: RollupTask['state'], l: Light): RollupTask => ({ code: `DB-2026-${String(i).padStart(4, '0')}`, title: `事项${i}`, unitName: '梅山镇', state, light: l, deadline: '2026-12-15' });
  test('roll-up: one line per task and a summary line; a panel beyond 8 tasks', () => {
    const small = ok(rollupCard({ orderId: 'o1', dispatcherName: '张三', groupName: 'G1', today: '2026-11-20', tasks: [rt(1, 'in_progress', red), rt(2, 'dispatched', green), rt(3, 'closed', light('none', '按期办结'))] }));
    expect(cardText(small)).toContain('共 3 项：🔴 1　🟡 0　🟢 1　✅ 已办结 1');
    expect(header(small).template).toBe('red');
    expect(JSON.stringify(small)).not.toContain('collapsible_panel');
    const big = ok(rollupCard({ orderId: 'o2', dispatcherName: '张三', groupName: 'G1', today: '2026-11-20', tasks: Array.from({ length: 12 }, (_, i) => rt(i + 1, 'in_progress', i === 5 ? red : green)) }));
    expect(JSON.stringify(big)).toContain('collapsible_panel');
    expect(cardText(big)).toContain('需关注');
  });

  test('my tasks: worst light first, empty text', () => {
    const item = (code: string, l: Light) => ({ code, title: code, state: 'in_progress' as const, light: l, deadline: '2026-12-01', progress: 10 });
    const card = ok(myTasksCard({ unitName: '梅山镇', today: '2026-11-20', items: [item('G', green), item('R', red), item('Y', yellow)] }));
    const order = cardText(card).match(/\*\*[GRY]\*\*/g);
    expect(order).toEqual(['**R**', '**Y**', '**G**']);
    expect(cardText(ok(myTasksCard({ unitName: '南山乡', today: '2026-11-20', items: [] })))).toContain('目前没有在办的督办事项');
  });

  test('weekly digest: a panel per unit, red units open', () => {
    const card = ok(weeklyDigestCard({ groupName: 'G1', weekOf: '2026-11-23', units: [{ unitName: '梅山镇', red: 1, yellow: 0, green: 0, items: [{ code: 'DB-1', title: 't', light: 'red' }] }, { unitName: '住建局', red: 0, yellow: 0, green: 1, items: [{ code: 'DB-2', title: 't', light: green }] }] }));
    const panels = (card.body as { elements: Record<string, unknown>[] }).elements.filter((e) => e.tag === 'collapsible_panel');
    expect(panels.map((p) => p.expanded)).toEqual([true, false]);
  });
});

describe('reminders', () => {
  test('digest: wording per kind, one card per unit, a group copy', () => {
    const item = (code: string, kind: ReminderItem['kind'], l: Light): ReminderItem => ({ code, title: code, kind, light: l, deadline: '2026-11-20' });
    const items = [item('A', 'sign', green), item('B', 'due3', yellow), item('C', 'due1', yellow), item('D', 'due0', yellow), item('E', 'overdue', red)];
    const card = ok(reminderDigestCard({ unitName: '梅山镇', date: '2026-11-20', items }));
    const t = cardText(card);
    // each line shows its light's reason: fixed words (明天, 还有3个工作日) are wrong on Fridays and for strict tasks
    for (const w of ['尚未签收，请尽快签收', '**即将到期**', '已超期 4 个工作日', '剩 2 个工作日']) expect(t).toContain(w);
    for (const w of ['明天到期', '还有3个工作日']) expect(t).not.toContain(w);
    expect(header(card).template).toBe('red');
    const copy = ok(reminderDigestCard({ unitName: '梅山镇', date: '2026-11-20', items, copyForGroup: true }));
    expect(header(copy).text_tag_list!.map((x) => x.text.content)).toEqual(['抄送督导组']);
  });

  test('督导提示函: formal wording, number, red header', () => {
    const card = ok(letterCard({ number: '〔2026〕第1号', unitName: '梅山镇', task: { code: 'DB-2026-0009', title: '违建整治', deadline: '2026-11-13' }, overdueWorkdays: 3, issuedOn: '2026-11-18', groupName: '第一专项督导组' }));
    expect(header(card)).toMatchObject({ template: 'red', title: { content: '督导提示函' } });
    expect(cardText(card)).toContain('你单位承办的「违建整治」（DB-2026-0009）截止日期为2026年11月13日，现已超期3个工作日。请于收到本函后');
    expect(cardText(card)).toContain('〔2026〕第1号');
  });

  test('urge: no callback buttons, orange or red', () => {
    const card = ok(urgeCard({ task: { code: 'DB-1', title: 't', deadline: '2026-12-01' }, unitName: '梅山镇', light: yellow, groupName: 'G1', urgedBy: '张三', note: '请加快' }));
    expect(texts(card)).toEqual([]);
    expect(header(card).template).toBe('orange');
    expect(cardText(card)).toContain('督导组意见');
  });
});

describe('leaders', () => {
  const base = { escalationId: 'esc1', task: { code: 'DB-1', title: 't', deadline: '2026-12-15' }, unitName: '梅山镇', groupName: 'G1', reason: 'r', units: ['住建局'], opinion: 'o', urgent: false };
  test.each<[EscalationState, string[]]>([
    ['pending', ['列入调度会', '已批示']],
    ['scheduled', ['已批示']],
    ['instructed', []],
    ['decided', []],
    ['closed', []],
  ])('escalation %s → %j', (state, buttons) => {
    const card = ok(escalationCard({ ...base, state, meetingDate: '2026-11-27', instruction: state === 'instructed' ? '请抓紧' : undefined }));
    expect(texts(card)).toEqual(buttons);
    for (const b of cardButtons(card)) expect(cardValueSchema.parse(b.value)).toMatchObject({ e: 'esc1', c: 'DB-1', s: state });
    if (buttons.includes('已批示')) expect(formFields(card).map((f) => f.name)).toEqual(['instruction']);
  });

  test('urgent escalations are tagged 紧急', () => {
    const card = ok(escalationCard({ ...base, urgent: true, state: 'pending' }));
    expect(header(card).text_tag_list!.map((t) => t.text.content)).toContain('紧急');
  });

  test('minutes form: date, attendees, then decision_i / units_i / deadline_i per agenda item', () => {
    const agenda = [0, 1].map((i) => ({ escalationId: `e${i}`, code: `DB-${i}`, title: `议题${i}`, unitName: '梅山镇' }));
    const card = ok(minutesFormCard({ leaderName: '王五', agenda, units: [{ code: 'MSZ', name: '梅山镇' }], today: '2026-11-27' }));
    expect(formFields(card).map((f) => `${f.name}:${f.tag}`)).toEqual(['date:date_picker', 'attendees:input', 'decision_0:input', 'units_0:multi_select_static', 'deadline_0:date_picker', 'decision_1:input', 'units_1:multi_select_static', 'deadline_1:date_picker']);
    expect(MINUTES_FIELDS.decision(1)).toBe('decision_1');
    expect(texts(card)).toEqual(['提交纪要']);
    expect(cardButtons(card)[0].value).toMatchObject({ a: 'meeting.submit' });
    const many = ok(minutesFormCard({ leaderName: '王五', agenda, units: Array.from({ length: 80 }, (_, i) => ({ code: `U${i}`, name: `单位${i}` })), today: '2026-11-27' }));
    expect(formFields(many).filter((f) => f.name.startsWith('units_')).map((f) => f.tag)).toEqual(['input', 'input']);
  });

  test('monthly summary: a bar chart of on-time rates, JSON only, and the ranking table', () => {
    const card = ok(monthlySummaryCard({
      scopeLabel: '全市', month: '2026-11', dispatched: 10, closed: 8, onTimeRate: 0.75, overdueNow: [], agenda: [], formula: '100 − 超期×4',
      ranking: [{ rank: 1, unitName: '住建局', score: 96, change: 2, onTimeRate: 1 }, { rank: 2, unitName: '梅山镇', score: 80, change: null, onTimeRate: null }],
      prev: { dispatched: 8, closed: 8, onTimeRate: 0.5 },
    }));
    const s = inspectCard(card).stats;
    expect([s.charts, s.tables]).toEqual([1, 1]);
    const chart = (card.body as { elements: Record<string, unknown>[] }).elements.find((e) => e.tag === 'chart')!;
    expect(chart.chart_spec).toMatchObject({ type: 'bar', data: { values: [{ unit: '住建局', rate: 100 }] }, xField: 'unit', yField: 'rate' });
    expect(cardText(card)).toContain('较上月：派发 +2，办结 持平，按期办结率 +25 个百分点');
  });

  test('stats: counts, lights, overdue worst first', () => {
    const card = ok(statsCard({ scopeLabel: 'G1', byState: { dispatched: 1, in_progress: 2, submitted: 0, closed: 3, cancelled: 0 }, byLight: { red: 1, yellow: 1, green: 1 }, overdue: [{ code: 'A', title: 'a', unitName: 'u', overdueWorkdays: 2 }, { code: 'B', title: 'b', unitName: 'u', overdueWorkdays: 9 }] }));
    expect(cardText(card).indexOf('**B**')).toBeLessThan(cardText(card).indexOf('**A**'));
    expect(cardText(card)).toContain('**在办 3 项**');
  });
});

describe('messages', () => {
  test('help shows the open_id to an unregistered person', () => {
    const card = ok(helpCard({ name: '您好', roles: [], commands: [{ command: '帮助', what: '本帮助', example: '帮助' }], openId: 'ou_abc' }));
    expect(cardText(card)).toContain('ou&#95;abc');
    expect(cardText(ok(helpCard({ name: '张三', roles: ['组长'], commands: [] })))).toContain('张三，您好！您的身份：组长');
  });

  test('bulletin: 表扬 green, 批评 red', () => {
    const b = (kind: '表扬' | '批评') => ok(bulletinCard({ kind, title: 't', body: 'b', items: [{ unitName: '梅山镇', text: 'x', code: 'DB-1' }], publisher: 'G1', date: '2026-12-01' }));
    expect(header(b('表扬')).template).toBe('green');
    expect(header(b('批评')).template).toBe('red');
    expect(cardText(b('批评'))).toContain('1、**梅山镇**　x（DB-1）');
  });

  test('notice: one escaped line, colour checked', () => {
    const card = ok(noticeCard({ title: '提示', text: '<at id=all></at>', color: 'orange' }));
    expect(header(card).template).toBe('orange');
    expect(cardText(card)).not.toContain('<at');
  });
});

describe("the leader's 超期事项报告 shows the lead unit's latest report (issue 14, rough edge 7)", () => {
  const at = (h: number) => new Date(Date.UTC(2026, 11, 1, h));
  const report = (unit: string, percent: number, content: string, h: number): ProgressReport => ({ unit, by: 'X', at: at(h), percent, content, evidence: [], via: 'reply' });
  const input = (reports: ProgressReport[]) => ({
    leaderName: '王市长',
    task: { code: 'DB-2026-0001', title: '拆除违建', deadline: '2026-11-20', state: 'in_progress' as const, progress: 80, leadUnit: 'MSZ', reports },
    unitName: '梅山镇',
    groupName: '第一专项督导组',
    overdueWorkdays: 7,
    today: '2026-12-01',
  });

  test("a co-unit's later report is not shown as 最近反馈", () => {
    const text = cardText(ok(leaderOverdueCard(input([report('MSZ', 80, '已拆除主体', 1), report('ZJJ', 0, '住建已出具认定意见', 2)]))));
    expect(text).toContain('最近反馈**（责任单位梅山镇，12-01 09:00，80%）：已拆除主体');
    expect(text).not.toContain('住建已出具认定意见');
  });

  test('only co-unit reports: the lead unit has not reported', () => {
    const text = cardText(ok(leaderOverdueCard(input([report('ZJJ', 0, '住建已出具认定意见', 2)]))));
    expect(text).toContain('责任单位尚未反馈进度');
  });
});
