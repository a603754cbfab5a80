import ExcelJS from 'exceljs';
import mammoth from 'mammoth';
import { cardText } from '../../src/cards/inspect';
import { newTask } from '../support/factories';
import { startHarness, type Harness } from '../support/harness';

/**
 * docs/rules.md#the-supervisors-record and docs/rules.md#the-years-results end to end: seeded tasks, a
 * 专题协调会, a 重大事项报告, a 亮点 and a 定性评价 → the record and the 成效 figures, the Word document
 * read back, the card and the file in chat, 统计's 督导组实绩, the evaluation sheet's grade.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
});
afterAll(() => h.close());

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605b40000000049454e44ae426082', 'hex');
const TOKEN = { authorization: 'Bearer test-admin-token-123456' };
const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(h.base + path, { method, headers: { ...TOKEN, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const type = r.headers.get('content-type') ?? '';
  return { status: r.status, type, json: type.includes('json') ? ((await r.json()) as Record<string, any>) : {}, raw: type.includes('json') ? undefined : Buffer.from(await r.arrayBuffer()) };
};

/**
 * A project of G1 with 3 milestones: the first confirmed by P1's 明察 visit (2 findings, a location, a
 * photo), the second by P1 with 确认节点; P1B's 暗访 visit with 1 finding. No 现场处置, so the tasks stay
 * as seeded.
 */
async function fieldWork(): Promise<void> {
  await h.say('ou_sup1', '立项\n项目：茂盛路二期\n牵头单位：梅山镇\n节点：12月5日前 完成征迁签约\n节点：12月10日前 完成清表\n节点：12月20日前 开工', { chatId: 'oc_g1' });
  await h.drain();
  const visit = async (open: string, text: string, lines: string[]) => {
    await h.say(open, text, { chatId: 'oc_g1' });
    await h.drain();
    const card = h.botMessages('oc_g1').filter((m) => m.msg_type === 'interactive' && JSON.stringify(m.content).includes('现场督导 · ')).at(-1)!;
    const inThread = { chatId: 'oc_g1', replyTo: card.message_id };
    await h.say(open, '', { ...inThread, messageType: 'location', content: { name: '茂盛路征迁现场', address: '梅山镇茂盛路18号', latitude: '24.91', longitude: '118.59' } });
    await h.say(open, '', { ...inThread, messageType: 'image', content: { image_key: h.fake.addResource(PNG, { type: 'image' }) } });
    for (const l of lines) await h.say(open, l, inThread);
    await h.drain();
  };
  await visit('ou_sup1', '现场督导', ['项目：XM-2026-001', '剩余3户未签约', '清表进度滞后', '确认节点 XM-2026-001 1 现场查看已全部签约']);
  await visit('ou_sup1b', '现场督导 暗访', ['施工围挡破损']);
  await h.say('ou_sup1', '确认节点 XM-2026-001 2 清表完成', { chatId: 'oc_g1' });
  await h.drain();
  const p = (await api('GET', '/api/projects/XM-2026-001')).json;
  expect(p.milestones.map((m: any) => Boolean(m.confirmedAt))).toEqual([true, true, false]);
  expect(p.milestones[0].visit).toBe('XC-2026-001');
}

test('a missing or bad year is refused with a specific message (invalid_query, as every route query)', async () => {
  const cases: [string, string][] = [
    ['/api/results', 'year: required: a year such as 2026'],
    ['/api/results?year=abc', 'year: expected a four-digit year such as 2026'],
    ['/api/results?year=1999&format=docx', 'year: expected a year from 2000 to 2100'],
    ['/api/results?year=2026&format=pdf', 'format:'],
    ['/api/supervisors/record', 'year: required: a year such as 2026'],
    ['/api/highlights?year=20x6', 'year: expected a four-digit year'],
    ['/api/letters?year=x', 'year: expected a four-digit year'],
  ];
  for (const [path, message] of cases) {
    const r = await api('GET', path);
    expect([path, r.status, r.json.error.message]).toEqual([path, 400, expect.stringContaining(message)]);
    expect(r.json.error.message).not.toContain('NaN');
    expect(r.json.error.code).toBe(path.includes('format=pdf') ? 'invalid_format' : 'invalid_query');
  }
  const ledger = await api('GET', '/api/ledger/export?group=G9');
  expect(ledger.json.error).toMatchObject({ code: 'invalid_query', message: expect.stringContaining('group: no group') });
});

test('the record and the 成效 match the seeded data; the .docx reads back', async () => {
  const at = (d: string) => new Date(`${d}T10:00:00+08:00`);
  await h.service.deps.tasks.create(
    [
      newTask({ origin: 's1', category: '征迁', dispatcher: 'P1', dispatchedAt: at('2026-03-01'), deadline: '2026-03-31', originalDeadline: '2026-03-31', state: 'closed', closedAt: at('2026-03-20') }),
      newTask({ origin: 's2', category: '信访', dispatcher: 'P1', dispatchedAt: at('2026-04-01'), deadline: '2026-04-10', originalDeadline: '2026-04-10', state: 'closed', closedAt: at('2026-04-15') }),
      newTask({ origin: 's3', category: '问题整改', source: '现场督导', dispatcher: 'P1B', dispatchedAt: at('2026-06-01'), deadline: '2026-12-30', originalDeadline: '2026-12-30' }),
      newTask({ origin: 's4', category: '征迁', group: 'G2', leadUnit: 'LDZ', coUnits: [], dispatcher: 'P2', dispatchedAt: at('2025-12-01') }),
    ].map((task) => ({ task, owed: () => [] })),
    2026,
  );
  // a 专题协调会 of G1 (one decision → a task, one item sent up)
  const gm = await api('POST', '/api/group-meetings', { by: 'P1', date: '2026-11-30', topic: '征迁扫尾', attendees: '张督导、梅山镇', units: ['MSZ'], items: [{ decision: '梅山镇完成签约', units: ['MSZ'], deadline: '2026-12-20' }, { decision: '安置标准需市政府研究', units: ['ZJJ'], up: true }] });
  expect(gm.status).toBe(201);
  // a 重大事项报告, a 亮点, a 定性评价
  await h.say('ou_sup1', '重大事项报告 安置房交付延误', { chatId: 'oc_g1' });
  await h.say('ou_sup1', '亮点 梅山镇 征迁包户到人 班子成员每人包3户，一周完成17户签约', { chatId: 'oc_g1' });
  await h.drain();
  expect(JSON.stringify(h.botMessages('oc_g1').at(-1)!.content)).toContain('典型经验第 1 项');
  await h.say('ou_sup0', '定性评价');
  await h.drain();
  const form = h.botMessages(h.fake.p2pChatOf('ou_sup0')).at(-1)!;
  const bad = await h.click('ou_sup0', form.message_id, '提交评价', { unit: 'MSZ', year: '2026', grade: '优秀', remarks: '' });
  expect(bad.toast?.content).toContain('等次（grade）只能是');
  expect((await h.click('ou_sup0', form.message_id, '提交评价', { unit: 'MSZ', year: '2026', grade: '好', remarks: '作风扎实，群众认可' })).toast?.type).toBe('success');
  // the same grade again (from a second form, or the press handled twice): nothing more on the record
  await h.say('ou_sup0', '定性评价');
  await h.drain();
  const again = h.botMessages(h.fake.p2pChatOf('ou_sup0')).at(-1)!;
  expect((await h.click('ou_sup0', again.message_id, '提交评价', { unit: 'MSZ', year: '2026', grade: '好', remarks: '作风扎实，群众认可' })).toast?.type).toBe('success');
  expect((await api('GET', '/api/audit?action=grade')).json.total).toBe(1);
  await h.drain();
  await fieldWork();

  const record = (await api('GET', '/api/supervisors/record?year=2026')).json;
  expect(record.formula).toContain('得分 = 2×现场解决问题数');
  const g1 = record.groups.find((g: any) => g.key === 'G1');
  // tasks of G1 in 2026: s1 (on time), s2 (late), s3 (现场督导), the meeting's decision
  expect(g1).toMatchObject({ name: '第一专项督导组', dispatched: 4, closed: 2, onTime: 1, onTimeRate: 0.5, settled: 1, meetingItems: 1, escalated: 1, majorReports: 1, visits: 2, open: 1, secret: 1, found: 3, milestones: 2 });
  expect(g1.score).toBe(2 * 1 + 2 * 1 + 1 * 1 + 1 * 2);
  expect(record.people.find((p: any) => p.key === 'P1')).toMatchObject({ visits: 1, open: 1, secret: 0, found: 2, milestones: 2 });
  expect(record.groups.find((g: any) => g.key === 'G2')).toMatchObject({ dispatched: 0, score: 0 }); // s4 was dispatched in 2025
  expect(record.people.find((p: any) => p.key === 'P1B')).toMatchObject({ name: '陈副组长', settled: 1, dispatched: 1, visits: 1, secret: 1, found: 1, milestones: 0 });

  const results = (await api('GET', '/api/results?year=2026')).json;
  expect(results.totals).toMatchObject({ dispatched: 4, closed: 2, onTime: 1, open: 2 });
  expect(results.byCategory.find((c: any) => c.name === '征迁')).toMatchObject({ dispatched: 1, closed: 1 });
  expect(results.bySource.find((c: any) => c.name === '专题协调会')).toMatchObject({ dispatched: 1 });
  expect(results).toMatchObject({ majorReports: 1, escalations: 1, meetings: { group: 1, groupDecisions: 1, groupSentUp: 1, dispatch: 0 }, visits: { total: 2, open: 1, secret: 1, found: 3, settled: 1 } });
  expect(results.projects).toEqual({ total: 1, milestones: 3, milestonesReached: 2, completed: 0 });
  expect(results.highlights[0]).toMatchObject({ unit: 'MSZ', title: '征迁包户到人' });
  expect(results.grades).toEqual([{ unit: 'MSZ', grade: '好', remarks: '作风扎实，群众认可' }]);

  const doc = await api('GET', '/api/results?year=2026&format=docx');
  expect(doc.type).toContain('wordprocessingml');
  const { value } = await mammoth.extractRawText({ buffer: doc.raw! });
  expect(value).toContain('2026年度大督导工作成效');
  for (const head of ['一、总体情况', '二、问题协调解决情况', '三、一线督导和会议协调情况', '四、典型经验', '五、定性评价']) expect(value).toContain(head);
  expect(value).toContain('共协调督办问题 4 项，已办结 2 项，其中按期办结 1 项，按期办结率 50%');
  expect(value).toContain('召开专题协调会 1 次，议定落实事项 1 项，提交调度会 1 项');
  expect(value).toContain('督导组开展现场督导 2 次（明察 1 次、暗访 1 次），发现问题 3 个');
  expect(value).toContain('跟踪重点项目 1 个，本年度到期节点 3 个，已现场确认 2 个');
  expect(value).toMatch(/现场督导（次）\s+2/);
  expect(value).toMatch(/确认节点（个）\s+2/);
  expect(value).toContain('梅山镇：征迁包户到人');
  expect(value).toMatch(/梅山镇\s+好\s+作风扎实，群众认可/);

  // 成效 in chat: the card, then the Word document as a file
  await h.say('ou_leader', '成效 2026');
  await h.drain();
  const [card, file] = h.botMessages(h.fake.p2pChatOf('ou_leader')).slice(-2);
  expect(cardText(card.content)).toContain('共协调督办问题 4 项');
  expect(file.msg_type).toBe('file');
  const sent = h.fake.fileOf(file.message_id)!;
  expect(sent.fileName).toBe('2026年度大督导工作成效.docx');
  expect((await mammoth.extractRawText({ buffer: sent.bytes })).value).toContain('一、总体情况');
  await h.say('ou_off1', '成效');
  await h.drain();
  expect(JSON.stringify(h.botMessages(h.fake.p2pChatOf('ou_off1')).at(-1)!.content)).toContain('成效由挂钩市领导和综合协调组查看');

  // 统计 for the coordination group shows the groups' record with its formula
  await h.say('ou_sup0', '统计');
  await h.drain();
  const stats = h.botMessages(h.fake.p2pChatOf('ou_sup0')).at(-1)!;
  expect(JSON.stringify(stats.content)).toContain('督导组实绩');
  expect(JSON.stringify(stats.content)).toContain('2×现场解决问题数');

  // the December summary (sent on the first workday of January) carries the year's 成效 card
  const run = await api('POST', '/api/jobs/monthly-summary/run', { at: '2027-01-04T09:00:00+08:00', force: true });
  expect(run.status).toBe(200);
  await h.drain();
  expect(h.botMessages(h.fake.p2pChatOf('ou_leader')).some((m) => m.msg_type === 'interactive' && JSON.stringify(m.content).includes('2026年度大督导成效'))).toBe(true);
  expect(h.botMessages('oc_g0').some((m) => JSON.stringify(m.content).includes('2026年度大督导成效'))).toBe(true);
  // …and its projects section: the two milestones confirmed in December (the third, due 12-20, late by then)
  const monthly = h.botMessages(h.fake.p2pChatOf('ou_leader')).find((m) => m.msg_type === 'interactive' && cardText(m.content).includes('项目化督导'));
  expect(cardText(monthly!.content)).toContain('节点逾期未确认 1 个，本期现场确认 2 个');

  // the evaluation sheet carries the grade beside the score
  const x = await api('GET', '/api/evaluation/export?year=2026');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(x.raw! as never);
  const sheet = book.worksheets[0];
  const header = sheet.getRow(1).values as unknown[];
  const msz = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(2).value === '梅山镇')!;
  expect(msz.getCell(header.indexOf('定性评价')).value).toBe('好');
});
