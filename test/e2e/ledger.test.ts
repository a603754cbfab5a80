/**
 * The 台账 end to end (docs/architecture.md#the-ledger): tasks of a month as they stood at its end, the
 * built-in and an uploaded template, bad templates refused naming the cell, and `台账` in chat
 * arriving as a file message.
 */
import ExcelJS from 'exceljs';
import { TASK_SCHEMA_VERSION } from '../../src/adapters/mongo/models/tasks';
import type { AuditEntry, ProgressReport, Task } from '../../src/domain/task';
import { newTask } from '../support/factories';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
const AUTH = { authorization: 'Bearer test-admin-token-123456' };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const d = (s: string) => new Date(`${s}+08:00`);
const report = (at: string, content: string, percent: number): ProgressReport => ({ at: d(at), by: 'O1', unit: 'MSZ', percent, content, evidence: [], via: 'command' });
const entry = (seq: number, at: string, action: string, before: Record<string, unknown>, after: Record<string, unknown>): AuditEntry => ({ seq, at: d(at), by: 'P1', action, before, after });

async function seed(): Promise<void> {
  const tasks: Partial<Task>[] = [
    // closed before November: not in November's 台账
    { title: '十月办结的事项', dispatchedAt: d('2026-10-20T09:00:00'), state: 'closed', closedAt: d('2026-10-30T09:00:00'), deadline: '2026-10-31' },
    { title: '道路修复', category: '问题整改', dispatchedAt: d('2026-11-05T09:00:00'), state: 'in_progress', progress: 50, deadline: '2026-12-20', reports: [report('2026-11-10T10:00:00', '已完成3户', 30), report('2026-11-28T10:00:00', '已完成5户签约', 50)] },
    { title: '按期办结的事项', category: '重点项目', dispatchedAt: d('2026-11-03T09:00:00'), state: 'closed', closedAt: d('2026-11-25T09:00:00'), deadline: '2026-11-30', progress: 100, history: [entry(1, '2026-11-03T09:00:00', 'dispatch', {}, { state: 'dispatched' }), entry(2, '2026-11-25T09:00:00', 'approve', { state: 'submitted' }, { state: 'closed', closedAt: d('2026-11-25T09:00:00') })] },
    // closed on 1 December, past its deadline: at November's end it was open and overdue, and the 1 December report is not shown
    { title: '十二月才办结的事项', category: '重点项目', dispatchedAt: d('2026-11-02T09:00:00'), state: 'closed', closedAt: d('2026-12-01T09:00:00'), deadline: '2026-11-20', progress: 100, reports: [report('2026-11-15T10:00:00', '正在推进', 40), report('2026-12-01T08:00:00', '全部完成', 100)], history: [entry(1, '2026-11-02T09:00:00', 'dispatch', {}, { state: 'dispatched' }), entry(2, '2026-11-03T09:00:00', 'accept', { state: 'dispatched' }, { state: 'in_progress' }), entry(3, '2026-12-01T09:00:00', 'approve', { state: 'submitted' }, { state: 'closed', closedAt: d('2026-12-01T09:00:00') })] },
    // extended on 1 December: November's 台账 shows the deadline it had then
    { title: '延期的事项', category: '问题整改', dispatchedAt: d('2026-11-06T09:00:00'), state: 'in_progress', deadline: '2026-12-20', originalDeadline: '2026-11-25', history: [entry(1, '2026-11-06T09:00:00', 'dispatch', {}, { state: 'dispatched' }), entry(2, '2026-12-01T09:30:00', 'decide_extension', { deadline: '2026-11-25' }, { deadline: '2026-12-20' })] },
    { title: '十二月派发的事项', dispatchedAt: d('2026-12-01T08:00:00') },
    { title: '第二组的事项', group: 'G2', leadUnit: 'LDZ', coUnits: [], dispatchedAt: d('2026-11-06T09:00:00') },
  ];
  const docs = tasks.map((over, i) => {
    const code = `DB-2026-${String(i + 1).padStart(4, '0')}`;
    const t = newTask(over as never);
    return { _id: code, ...t, ...over, code, year: 2026, seq: i + 1, rev: 1, history: over.history ?? [], owed: [], owedAt: null, schemaVersion: TASK_SCHEMA_VERSION };
  });
  await h.service.deps.models.tasks.collection.insertMany(docs as never[]);
}

async function sheet(buf: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  return wb.worksheets[0];
}
const get = async (path: string) => {
  const r = await fetch(h.base + path, { headers: AUTH });
  return { status: r.status, type: r.headers.get('content-type') ?? '', disposition: r.headers.get('content-disposition') ?? '', buf: Buffer.from(await r.arrayBuffer()) };
};
const upload = async (bytes: Buffer, name = '我们的台账.xlsx') => {
  const r = await fetch(`${h.base}/api/ledger/template?name=${encodeURIComponent(name)}`, { method: 'POST', body: bytes, headers: { ...AUTH, 'content-type': XLSX } });
  return { status: r.status, json: (await r.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const rowsOf = (ws: ExcelJS.Worksheet) => {
  const out: unknown[][] = [];
  ws.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
  return out;
};

beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
  await seed();
}, 120_000);
afterAll(() => h.close());

test('the built-in template: November as it stood at its end, grouped by category', async () => {
  const r = await get('/api/ledger/export?group=G1&month=2026-11');
  expect(r.status).toBe(200);
  expect(r.type).toContain('spreadsheetml');
  expect(decodeURIComponent(r.disposition)).toContain('台账-第一专项督导组-2026-11.xlsx');
  const ws = await sheet(r.buf);
  const rows = rowsOf(ws);
  expect(rows[0][0]).toBe('第一专项督导组督办事项工作台账');
  expect(rows[1][0]).toBe('2026年11月  截至 2026年11月30日  共 4 项');
  const titles = rows.map((row) => row[1]);
  expect(titles).not.toContain('十月办结的事项');
  expect(titles).not.toContain('十二月派发的事项');
  expect(titles).not.toContain('第二组的事项');
  // 重点项目 before 问题整改 (the configured order), numbered throughout
  expect(rows[3][0]).toBe('一、重点项目（2 项，已办结 1 项）');
  const byTitle = new Map(rows.map((row) => [row[1], row]));
  expect(byTitle.get('按期办结的事项')!.slice(4, 7)).toEqual(['2026年11月30日', '暂无进展反馈', '按期办结']);
  expect(byTitle.get('十二月才办结的事项')!.slice(4, 7)).toEqual(['2026年11月20日', '11月15日：正在推进', '超期未办结']);
  expect(byTitle.get('延期的事项')![4]).toBe('2026年11月25日');
  expect(byTitle.get('道路修复')!.slice(2, 7)).toEqual(['梅山镇', '住建局', '2026年12月20日', '11月28日：已完成5户签约', '办理中']);
  expect(rows.filter((row) => typeof row[0] === 'number').map((row) => row[0])).toEqual([1, 2, 3, 4]);
});

test('a bad template is refused (422) naming its cells, and the built-in one stays', async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('台账');
  ws.getRow(1).values = ['{{督导组}}'];
  ws.getRow(2).values = ['{{序号}}', '{{事项名}}'];
  const r = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
  expect(r.status).toBe(422);
  expect(r.json.error.code).toBe('bad_template');
  expect(r.json.error.details.problems).toEqual([{ cell: 'B2', message: expect.stringContaining('unknown placeholder {{事项名}}') }]);
  const info = await get('/api/ledger/template/info');
  expect(JSON.parse(info.buf.toString())).toMatchObject({ builtIn: true });
  const none = await upload(Buffer.from(await (async () => {
    const w = new ExcelJS.Workbook();
    w.addWorksheet('x').getCell('A1').value = '{{督导组}}台账';
    return w.xlsx.writeBuffer();
  })()));
  expect(none.status).toBe(422);
  expect(none.json.error.details.problems).toEqual([{ cell: 'x', message: expect.stringContaining('no row to repeat') }]);
});

test('the office template uploaded: its layout filled, kept, and on the record', async () => {
  const sample = await get('/api/ledger/template/sample');
  expect(decodeURIComponent(sample.disposition)).toContain('台账模板-示例.xlsx');
  const r = await upload(sample.buf);
  expect(r.status).toBe(201);
  expect(r.json).toMatchObject({ name: '我们的台账.xlsx', plan: { itemRow: 6, sectionRow: 5, subtotalRow: 7, grouped: true } });
  const ws = await sheet((await get('/api/ledger/export?group=第一专项督导组&month=2026-11')).buf);
  expect(ws.getCell('A1').value).toBe('第一专项督导组重点督办事项推进情况台账');
  expect(ws.getCell('F2').value).toBe('截至日期：2026年11月30日');
  expect(ws.getCell('A5').value).toBe('一、重点项目（共 2 项）');
  expect(ws.getCell('H7').value).toMatch(/^红灯（已超期 \d+ 个工作日）$/); // 十二月才办结的事项, overdue at the month's end
  expect((ws.model as { merges: string[] }).merges).toEqual(expect.arrayContaining(['A3:A4', 'C3:D3', 'F3:H3']));
  const audit = await get('/api/audit?limit=5');
  expect(audit.buf.toString()).toContain('ledger_template');
  const back = await get('/api/ledger/template');
  expect(back.buf.equals(sample.buf)).toBe(true); // what is stored is what was sent
  expect((await sheet(back.buf)).getCell('A6').value).toBe('{{序号}}');
});

test('台账 in chat: the file arrives as a file message; who may ask is checked', async () => {
  await h.say('ou_sup1', '台账 2026-11');
  await h.drain();
  const chat = h.fake.p2pChatOf('ou_sup1');
  const [text, file] = h.botMessages(chat).slice(-2);
  expect((text.content as { text: string }).text).toBe('第一专项督导组 2026年11月督办台账，截至2026年11月30日，文件随后发出。');
  expect(file.msg_type).toBe('file');
  const sent = h.fake.fileOf(file.message_id)!;
  expect(sent.fileName).toBe('台账-第一专项督导组-2026-11.xlsx');
  expect((await sheet(sent.bytes)).getCell('A1').value).toBe('第一专项督导组重点督办事项推进情况台账');

  const refusals: [string, string, string][] = [
    ['ou_off1', '台账', '“台账”供督导组成员和管理员使用。'],
    ['ou_sup1', '台账 第二专项督导组', '您不是第二专项督导组的成员，只能导出本组的台账。'],
    ['ou_sup1', '台账 第九组', '没有名为“第九组”的督导组。'],
    ['ou_sup1', '台账 2027-01', '2027-01 还没有到，不能导出台账。'],
  ];
  for (const [who, said, answer] of refusals) {
    await h.say(who, said);
    await h.drain();
    const last = h.botMessages(h.fake.p2pChatOf(who)).at(-1)!;
    expect(last.msg_type).toBe('text');
    expect((last.content as { text: string }).text).toContain(answer);
  }
  // the coordination group and admins may ask for every group
  await h.say('ou_admin', '台账 第二专项督导组 2026年11月');
  await h.drain();
  const adminFile = h.botMessages(h.fake.p2pChatOf('ou_admin')).at(-1)!;
  expect(h.fake.fileOf(adminFile.message_id)?.fileName).toBe('台账-第二专项督导组-2026-11.xlsx');
});

test('评价表 in chat: the year\'s evaluation sheet as a file, for observers and admins; others are told who may', async () => {
  await h.say('ou_admin', '评价表 2026');
  await h.drain();
  const [text, file] = h.botMessages(h.fake.p2pChatOf('ou_admin')).slice(-2);
  expect((text.content as { text: string }).text).toBe('2026年度督导评价表（截至今天），文件随后发出。');
  const sent = h.fake.fileOf(file.message_id)!;
  expect(sent.fileName).toBe('2026年度督导评价表.xlsx');
  const ws = await sheet(sent.bytes);
  expect(ws.name).toBe('2026年督导评价');
  expect(ws.getRow(1).values).toEqual([undefined, '名次', '单位', '派发事项', '办结事项', '按期办结', '按期办结率', '超期工作日', '退回次数', '督导提示函', '得分', '定性评价', '评价意见']);
  expect(ws.rowCount).toBeGreaterThan(1);
  await h.say('ou_off1', '评价表');
  await h.drain();
  expect((h.botMessages(h.fake.p2pChatOf('ou_off1')).at(-1)!.content as { text: string }).text).toContain('“评价表”供管理员');
});

test('50 tasks of September through the export, in the office template: three sections, numbered 1–50, merges per section', async () => {
  const cats = ['重点项目', '问题整改', '信访'];
  const docs = Array.from({ length: 50 }, (_, i) => {
    const code = `DB-2026-${String(100 + i).padStart(4, '0')}`;
    const closed = i % 2 === 0;
    const t = newTask({ title: `九月事项${i + 1}`, category: cats[i % 3], dispatchedAt: d(`2026-09-${String((i % 20) + 1).padStart(2, '0')}T09:00:00`), deadline: '2026-09-25', originalDeadline: '2026-09-25', state: closed ? 'closed' : 'in_progress', ...(closed ? { closedAt: d('2026-09-24T09:00:00') } : {}) } as never);
    return { _id: code, ...t, code, year: 2026, seq: 100 + i, rev: 1, history: [], owed: [], owedAt: null, schemaVersion: TASK_SCHEMA_VERSION };
  });
  await h.service.deps.models.tasks.collection.insertMany(docs as never[]);
  const ws = await sheet((await get('/api/ledger/export?group=G1&month=2026-09')).buf);
  const rows = rowsOf(ws);
  expect(rows.filter((r) => typeof r[0] === 'number').map((r) => r[0])).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  expect(rows.filter((r) => /^[一二三]、/.test(String(r[0]))).map((r) => r[0])).toEqual(['一、重点项目（共 17 项）', '二、问题整改（共 17 项）', '三、信访（共 16 项）']);
  expect(rows.filter((r) => r[0] === '小计').map((r) => r[2])).toEqual(['重点项目共 17 项，已办结 9 项，超期 8 项', '问题整改共 17 项，已办结 8 项，超期 9 项', '信访共 16 项，已办结 8 项，超期 8 项']);
  expect((ws.model as { merges: string[] }).merges).toHaveLength(9 + 3 + 6 + 1);
  expect(ws.getColumn(6).width).toBe(40);
});
