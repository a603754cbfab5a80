import ExcelJS from 'exceljs';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
const TOKEN = 'test-admin-token-123456';
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });

});
afterAll(() => h.close());

async function api(method: string, path: string, body?: unknown, token: string | null = TOKEN, raw?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(h.base + path, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const type = r.headers.get('content-type') ?? '';
  return { status: r.status, type, json: type.includes('json') ? ((await r.json()) as any) : undefined, buf: type.includes('json') ? undefined : Buffer.from(await r.arrayBuffer()) };
}

describe('admin API', () => {
  test('health and readiness', async () => {
    expect((await api('GET', '/healthz', undefined, null)).json).toEqual({ ok: true });
    expect((await api('GET', '/readyz', undefined, null)).status).toBe(200);
  });

  test('401 without or with a wrong token; 404 JSON for unknown routes', async () => {
    expect((await api('GET', '/api/tasks', undefined, null)).status).toBe(401);
    const wrong = await api('GET', '/api/tasks', undefined, 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('unauthorized');
    const nf = await api('GET', '/api/nothing');
    expect(nf.status).toBe(404);
    expect(nf.json.error).toMatchObject({ code: 'not_found' });
  });

  test('a wrong method on an existing route: 405 in the error shape, with Allow, and nothing run', async () => {
    const runsBefore = await h.service.deps.models.jobRuns.countDocuments();
    const r = await fetch(h.base + '/api/jobs/reminders/run', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(405);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(r.headers.get('allow')).toContain('POST');
    expect(await r.json()).toEqual({ error: { code: 'method_not_allowed', message: expect.stringContaining('GET is not allowed on /api/jobs/reminders/run') } });
    const del = await api('DELETE', '/api/tasks');
    expect(del.status).toBe(405);
    expect(del.json.error.code).toBe('method_not_allowed');
    expect((await api('PUT', '/healthz', undefined, null)).json).toEqual({ error: { code: 'method_not_allowed', message: expect.any(String) } });
    expect(await h.service.deps.models.jobRuns.countDocuments()).toBe(runsBefore);
  });

  test('413 for a body over 1 MiB', async () => {
    const r = await api('POST', '/api/jobs/reminders/run', undefined, TOKEN, JSON.stringify({ at: 'x'.repeat(2 * 1024 * 1024) }));
    expect(r.status).toBe(413);
  });

  test('tasks: list with filters, one with its history, exports', async () => {
    await h.say('ou_sup1', '派单\n1. 修复梅山路面\n责任单位：梅山镇\n完成时限：12月2日\n\n2. 住建安全检查\n责任单位：住建局\n完成时限：12月31日', { chatId: 'oc_g1' });
    await h.drain();
    const preview = h.botMessages('oc_g1').at(-1)!;
    await h.click('ou_sup1', preview.message_id, '确认派发');
    const all = await api('GET', '/api/tasks');
    expect(all.json.total).toBe(2);
    expect(all.json.items.map((t: any) => t.code).sort()).toEqual(['DB-2026-0001', 'DB-2026-0002']);
    expect((await api('GET', '/api/tasks?unit=MSZ')).json.items.map((t: any) => t.code)).toEqual(['DB-2026-0001']);
    expect((await api('GET', '/api/tasks?light=yellow')).json.items.map((t: any) => t.code)).toEqual(['DB-2026-0001']);
    expect((await api('GET', '/api/tasks?q=安全')).json.total).toBe(1);
    expect((await api('GET', '/api/tasks?deadline_from=2026-12-10&deadline_to=2026-12-31')).json.items.map((t: any) => t.code)).toEqual(['DB-2026-0002']);
    expect((await api('GET', '/api/tasks?limit=1&offset=1')).json.items).toHaveLength(1);
    const one = await api('GET', '/api/tasks/db-2026-0001');
    expect(one.json).toMatchObject({ code: 'DB-2026-0001', state: 'dispatched', light: { color: 'yellow' } });
    expect(one.json.history[0]).toMatchObject({ seq: 1, action: 'dispatch', by: 'P1' });
    expect((await api('GET', '/api/tasks/DB-2026-0999')).status).toBe(404);
    const csv = await api('GET', '/api/tasks/export?format=csv');
    expect(csv.type).toContain('text/csv');
    const text = csv.buf!.toString('utf8');
    expect(text.split('\r\n')[0]).toContain('编号,事项');
    expect(text).toContain('DB-2026-0002');
    const xlsx = await api('GET', '/api/tasks/export?format=xlsx&unit=ZJJ');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.buf! as never);
    expect(wb.worksheets[0].rowCount).toBe(2);
    expect(String(wb.worksheets[0].getRow(2).getCell(1).value)).toBe('DB-2026-0002');
  });

  test.each([
    ['/api/tasks?state=done', 'invalid_query'],
    ['/api/tasks?limit=0', 'invalid_query'],
    ['/api/tasks?deadline_from=12-01', 'invalid_query'],
    ['/api/tasks?color=red', 'invalid_query'],
    ['/api/tasks/export?format=pdf', 'invalid_format'],
    ['/api/outbox?status=lost', 'invalid_query'],
  ])('GET %s → 400 %s', async (path, code) => {
    const r = await api('GET', path);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe(code);
  });

  test('jobs: run at a moment; bad input is refused', async () => {
    const run = await api('POST', '/api/jobs/reminders/run', { at: '2026-10-03T09:00:00+08:00' });
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({ name: 'reminders', status: 'skipped' });
    expect((await api('POST', '/api/jobs/nope/run', {})).status).toBe(404);
    expect((await api('POST', '/api/jobs/reminders/run', { at: 'soon' })).json.error.code).toBe('invalid_body');
    expect((await api('POST', '/api/jobs/reminders/run', { when: 'x' })).status).toBe(400);
    expect((await api('POST', '/api/jobs/reminders/run', undefined, TOKEN, '{not json')).json.error.code).toBe('bad_json');
    const list = await api('GET', '/api/jobs?name=reminders');
    expect(list.json.total).toBeGreaterThanOrEqual(1);
    expect(list.json.jobs).toContain('reminders');
  });

  test('jobs: every manual run is in the audit log with who asked, the moment and whether forced; a refused one is not', async () => {
    const audits = () => h.service.deps.models.audits.find({ entity: 'job:weekly-digest' }).sort({ _id: 1 }).lean();
    const future = await fetch(h.base + '/api/jobs/weekly-digest/run', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' }, body: JSON.stringify({ at: '2027-03-01T09:00:00+08:00', force: true }) });
    expect(future.status).toBe(200);
    const runId = ((await future.json()) as { _id: string })._id;
    expect(await audits()).toEqual([
      expect.objectContaining({ by: 'admin-api 203.0.113.9 (via 127.0.0.1)', action: 'run', at: new Date('2026-12-01T10:00:00+08:00'), note: 'forced run for 2027-03-01T01:00:00.000Z', after: { runId, at: new Date('2027-03-01T01:00:00.000Z'), force: true } }),
    ]);
    expect((await api('POST', '/api/jobs/weekly-digest/run', {})).status).toBe(200);
    const [, plain] = await audits();
    expect(plain).toMatchObject({ by: 'admin-api 127.0.0.1', note: 'run for 2026-12-01T02:00:00.000Z', after: { at: new Date('2026-12-01T02:00:00.000Z'), force: false } });
    expect((await api('POST', '/api/jobs/weekly-digest/run', { at: 'soon' })).status).toBe(400);
    expect((await api('POST', '/api/jobs/weekly-digest/run', { force: true }, null)).status).toBe(401);
    expect(await audits()).toHaveLength(2);
  });

  test('jobs: outbox relays what a task still owes and sends what is due, on any day; bad input runs nothing', async () => {
    const { models } = h.service.deps;
    // a change whose relay never ran (the process died right after the write): the message is still on the task
    const owed = { key: 'owed-after-crash-1', kind: 'send', to: { type: 'chat_id', id: 'oc_msz' }, msgType: 'text', content: { text: '补发：梅山镇' } };
    await models.tasks.updateOne({ _id: 'DB-2026-0001' }, { $set: { owed: [owed], owedAt: new Date() } });
    // and a reply queued but not yet sent (no worker runs in this harness)
    await h.say('ou_off1', '帮助');
    const p2p = h.fake.p2pChatOf('ou_off1');
    const repliesBefore = h.botMessages(p2p).length;

    const bad = await api('POST', '/api/jobs/outbox/run', { at: 'soon' });
    expect(bad.json.error.code).toBe('invalid_body');
    expect(await models.tasks.countDocuments({ owedAt: { $ne: null } })).toBe(1);

    const run = await api('POST', '/api/jobs/outbox/run', { at: '2026-10-03T09:00:00+08:00' }); // a holiday: still runs
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({ name: 'outbox', status: 'ok', result: { relayed: { tasks: 1 }, failed: 0, retrying: 0, waiting: 0 } });
    expect(run.json.result.sent).toBeGreaterThanOrEqual(2);
    expect(h.botMessages('oc_msz').map((m) => m.content)).toContainEqual({ text: '补发：梅山镇' });
    expect(h.botMessages(p2p).length).toBe(repliesBefore + 1);
    expect(await models.tasks.countDocuments({ owedAt: { $ne: null } })).toBe(0);
    expect((await models.outbox.findById('owed-after-crash-1').lean())?.status).toBe('sent');

    // safe to repeat: nothing owed, nothing sent twice
    const again = await api('POST', '/api/jobs/outbox/run', {});
    expect(again.json).toMatchObject({ status: 'ok', result: { relayed: { tasks: 0 }, sent: 0 } });
    expect(h.botMessages('oc_msz').filter((m) => JSON.stringify(m.content).includes('补发'))).toHaveLength(1);
    const list = await api('GET', '/api/jobs?name=outbox');
    expect(list.json.jobs).toContain('outbox');
    expect(list.json.total).toBe(2);
  });

  test('org: export, import (dry run, then for real), bad files change nothing', async () => {
    const exported = await api('GET', '/api/org');
    expect(exported.json.units.map((u: any) => u.code)).toContain('MSZ');
    const file = { ...exported.json, units: [...exported.json.units, { code: 'NEW1', name: '新城镇', kind: 'township' }] };
    const dry = await api('POST', '/api/org/import', { filename: 'org.json', content: JSON.stringify(file), dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.json.created.units).toEqual(['NEW1']);
    expect((await api('GET', '/api/org')).json.units.map((u: any) => u.code)).not.toContain('NEW1');
    const bad = await api('POST', '/api/org/import', { filename: 'g.yaml', content: 'groups:\n  - { code: GX, name: X组, kind: special, cityLeader: NOBODY, units: [NOPE] }\n' });
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe('invalid_org');
    expect(bad.json.error.details.join('\n')).toMatch(/NOPE|NOBODY/);
    expect((await api('POST', '/api/org/import', { content: 'units: []' })).status).toBe(400);
    const real = await api('POST', '/api/org/import', { filename: 'org.json', content: JSON.stringify(file) });
    expect(real.json.created.units).toEqual(['NEW1']);
    expect((await api('GET', '/api/org')).json.units.map((u: any) => u.code)).toContain('NEW1');
    expect((await api('POST', '/api/org/import', { filename: 'x.pdf', content: 'x' })).status).toBe(422);
  });
});
