import { cardText, findButton } from '../../src/cards/inspect';
import { backfillSteps } from '../../src/app/record-steps';
import { adminRouters } from '../../src/http/openapi-routes';
import { routesOf } from '../../src/http/openapi';
import { startHarness, type Harness } from '../support/harness';

/**
 * The record through the API: GET /api/audit (tasks' histories and the audit log), GET /api/letters
 * (the 提示函 registry with the upheld appeal's mark), exports, the backfill, and the OpenAPI document
 * that must name every route of the admin API.
 */
let h: Harness;
const TOKEN = 'test-admin-token-123456';
async function api(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(h.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = r.headers.get('content-type') ?? '';
  return { status: r.status, type, json: type.includes('json') ? ((await r.json()) as any) : undefined, text: type.includes('json') ? '' : await r.text() };
}

let code: string;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00' });
  await h.say('ou_sup1', '派单\n修缮村道\n责任单位：梅山镇\n完成时限：12月18日\n工作要求：按期完成', { chatId: 'oc_g1' });
  await h.drain();
  const r = await h.click('ou_sup1', h.botMessages('oc_g1').at(-1)!.message_id, '确认派发');
  code = /DB-2026-\d{4}/.exec(r.toast!.content)![0];
  await h.drain();
  const card = h.botMessages('oc_msz').find((m) => cardText(m.content).includes('修缮村道'))!.message_id;
  await h.click('ou_off1', card, '签收');
  await h.click('ou_off1', card, '申请延期', { new_deadline: '2026-12-31 +0800', reason: '材料未到' });
  await h.drain();
  const review = h.botMessages('oc_g1').find((m) => findButton(h.fake.cardOf(m.message_id), '不同意延期'))!;
  expect((await h.click('ou_sup1', review.message_id, '不同意延期', { opinion: '请按期完成' })).toast?.type).toBe('success');
  await h.click('ou_off1', card, '申请提级协调', { reason: '涉及住建局审批', units: ['ZJJ'] });
  await h.drain();
  const esc = h.botMessages('oc_g1').find((m) => findButton(h.fake.cardOf(m.message_id), '有所为·提级'))!;
  expect((await h.click('ou_sup1', esc.message_id, '有所为·提级', { opinion: '跨部门，需市领导协调' })).toast?.type).toBe('success');
  // 12-18 (Fri) + 3 workdays = 12-23: the 督导提示函
  for (const day of ['2026-12-21', '2026-12-22', '2026-12-23']) expect((await api('POST', '/api/jobs/reminders/run', { at: `${day}T09:00:00+08:00` })).status).toBe(200);
});
afterAll(() => h.close());

describe('GET /api/audit', () => {
  test('a task’s steps, each once, with what was sent about it', async () => {
    const r = await api('GET', `/api/audit?task=${code}&limit=500`);
    expect(r.status).toBe(200);
    const actions: string[] = r.json.items.map((i: any) => i.action);
    expect(r.json.total).toBe(r.json.items.length);
    expect(actions).toEqual(expect.arrayContaining(['accept', 'request_extension', 'decide_extension', 'request_escalation', 'decide_escalation', 'letter', 'remind_overdue']));
    // newest first
    const times = r.json.items.map((i: any) => Date.parse(i.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // a rejected extension says so
    expect(r.json.items.find((i: any) => i.action === 'decide_extension').note).toMatch(/^不同意延期.*请按期完成/);
    // the group's 有所为: the task's decision, and the escalation it opened
    expect(actions.filter((a) => a === 'decide_escalation')).toHaveLength(1);
    expect(r.json.items.filter((i: any) => i.entity.startsWith('escalation:')).map((i: any) => i.action)).toEqual(['accept']);
    expect(r.json.items.filter((i: any) => i.action === 'remind_overdue').map((i: any) => i.note)).toHaveLength(3);
  });

  test('filters: actor, action, days; paging; a bad filter is a 400', async () => {
    const byP1 = await api('GET', `/api/audit?actor=P1`);
    expect(byP1.json.items.length).toBeGreaterThan(0);
    expect(byP1.json.items.every((i: any) => i.by === 'P1')).toBe(true);
    const letters = await api('GET', '/api/audit?action=letter');
    expect(letters.json).toMatchObject({ total: 1, items: [{ task: code, entity: 'letter:2026-1', note: expect.stringContaining('〔2026〕第1号') }] });
    expect((await api('GET', `/api/audit?task=${code}&from=2026-12-22&to=2026-12-22`)).json.items.map((i: any) => i.action)).toEqual(['remind_overdue']);
    const all = await api('GET', '/api/audit?limit=500');
    const page = await api('GET', '/api/audit?limit=2&offset=1');
    expect(page.json.total).toBe(all.json.total);
    expect(page.json.items).toEqual(all.json.items.slice(1, 3));
    expect((await api('GET', '/api/audit?from=12-01')).json.error.code).toBe('invalid_query');
    expect((await api('GET', '/api/audit?from=2026-12-05&to=2026-12-01')).status).toBe(400);
    expect((await api('GET', '/api/audit', undefined, null)).status).toBe(401);
  });

  test('exports as CSV and XLSX, times in local time', async () => {
    const csv = await api('GET', `/api/audit?task=${code}&format=csv`);
    expect(csv.type).toContain('text/csv');
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('时间,操作人,操作人编号,动作,对象,事项,说明,变更前,变更后');
    expect(lines.some((l) => /^2026-12-01 10:00:00,张督导,P1,decide_extension,.*不同意延期/.test(l))).toBe(true);
    const xlsx = await fetch(`${h.base}/api/audit?format=xlsx`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
  });

  test('the task’s own history shows the letters and reminders beside its changes', async () => {
    const t = (await api('GET', `/api/tasks/${code}`)).json;
    const actions = t.history.map((e: any) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['accept', 'letter', 'remind_overdue']));
    expect(actions.indexOf('accept')).toBeLessThan(actions.indexOf('letter'));
  });
});

describe('GET /api/letters', () => {
  test('the registry, and an upheld appeal’s mark on the letter it removed', async () => {
    const before = await api('GET', `/api/letters?year=2026`);
    expect(before.json).toMatchObject({ total: 1, items: [{ _id: '2026-1', label: '〔2026〕第1号', code, unit: 'MSZ', removed: false, removedBy: null }] });
    const filed = await api('POST', '/api/appeals', { code, item: '〔2026〕第1号', reason: '材料审批在住建局', by: 'O1' });
    expect(filed.status).toBe(201);
    expect((await api('POST', `/api/appeals/${filed.json._id}/decide`, { decision: 'upheld', opinion: '属实', by: 'P0' })).status).toBe(200);
    const after = await api('GET', `/api/letters?task=${code}`);
    expect(after.json.items[0]).toMatchObject({ removed: true, removedBy: filed.json._id });
    expect((await api('GET', '/api/letters?unit=LDZ')).json).toEqual({ items: [], total: 0 });
    const csv = await api('GET', '/api/letters?format=csv');
    expect(csv.text).toContain(`〔2026〕第1号,${code},修缮村道,梅山镇`);
    expect(csv.text).toContain(`是（${filed.json._id}）`);
    // the appeal's steps are on the task's record too
    const audit = await api('GET', `/api/audit?task=${code}&limit=500`);
    expect(audit.json.items.map((i: any) => i.action)).toEqual(expect.arrayContaining(['file', 'upheld']));
    expect((await api('GET', '/api/letters?year=20x6')).json.error.code).toBe('invalid_query');
  });
});

describe('backfill at start', () => {
  test('reminders and letters sent before the record existed are put on it, once', async () => {
    const { models } = h.service.deps;
    const count = () => models.audits.countDocuments({ action: { $in: ['letter', 'remind_overdue', 'remind_due1', 'remind_due0', 'remind_due3'] } });
    const written = await count();
    expect(written).toBeGreaterThan(0);
    await models.audits.deleteMany({ $or: [{ action: { $in: ['letter', 'remind_overdue', 'remind_due1', 'remind_due0', 'remind_due3'] } }, { action: 'backfill' }] });
    expect(await backfillSteps(h.service.deps)).toBe(written);
    expect(await count()).toBe(written);
    expect(await backfillSteps(h.service.deps)).toBe(0);
    // a reminders run the same day again writes nothing new
    await api('POST', '/api/jobs/reminders/run', { at: '2026-12-23T09:30:00+08:00' });
    expect(await count()).toBe(written);
  });
});

describe('GET /api/openapi.json', () => {
  test('behind the token; OpenAPI 3.1', async () => {
    expect((await api('GET', '/api/openapi.json', undefined, null)).status).toBe(401);
    const r = await api('GET', '/api/openapi.json');
    expect(r.json.openapi).toBe('3.1.0');
  });

  test('every route of the admin API is documented, and nothing else', async () => {
    const routes = routesOf(adminRouters(h.service.routers));
    expect(routes.filter((r) => !r.doc).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const doc = (await api('GET', '/api/openapi.json')).json;
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const registered = routes.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect([...documented].sort()).toEqual([...new Set(registered)].sort());
    expect(registered).toEqual(expect.arrayContaining(['GET /api/audit', 'GET /api/letters', 'GET /api/openapi.json', 'POST /api/org/import', 'POST /api/meetings']));
  });

  test('bodies and queries come from the schemas the routes validate with', async () => {
    const doc = (await api('GET', '/api/openapi.json')).json;
    const meeting = doc.paths['/api/meetings'].post.requestBody.content['application/json'].schema;
    expect(meeting.required).toEqual(expect.arrayContaining(['leader', 'date', 'attendees', 'items']));
    expect(meeting.properties.attendees.type).toBe('string');
    expect(meeting.properties.items.items.required).toEqual(expect.arrayContaining(['escalationId', 'decision', 'units', 'deadline']));
    expect(doc.paths['/api/meetings'].post.description).toMatch(/not on the agenda is refused/);
    const org = doc.paths['/api/org/import'].post.requestBody.content;
    expect(Object.keys(org)).toEqual(['application/json', 'application/octet-stream']);
    expect(org['application/json'].schema.properties).toHaveProperty('contentBase64');
    const audit = doc.paths['/api/audit'].get.parameters.map((p: any) => p.name);
    expect(audit).toEqual(expect.arrayContaining(['task', 'actor', 'action', 'from', 'to', 'limit', 'offset', 'format']));
    expect(doc.paths['/api/tasks/{code}'].get.parameters[0]).toMatchObject({ name: 'code', in: 'path', required: true });
    // a body the document promises is what the route checks: a meeting without attendees is refused
    const bad = await api('POST', '/api/meetings', { leader: 'PL', date: '2026-12-01', items: [{ escalationId: 'x', decision: 'd', units: ['MSZ'], deadline: '2026-12-30' }] });
    expect(bad.json.error).toMatchObject({ code: 'invalid_body', message: expect.stringContaining('attendees') });
  });
});
