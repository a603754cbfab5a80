import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppDeps } from '../../app/deps';
import { RouteError, type Feature, type FeatureCommand, type RouteDef } from '../../app/feature';
import { replyFile, replyText } from '../../app/notify';
import { hasRole, supervisedGroups, type Group, type Org, type Person } from '../../domain/org';
import { normalize } from '../../domain/commands';
import { localDate } from '../../domain/time';
import { LIMITS } from '../../limits';
import { defaultTemplate } from './default-template';
import type { LedgerStore } from './ports';
import { sampleTemplate } from './sample-template';
import { categoryOrder, chineseDate, ledgerItem, openDuring, parseMonth, taskAsOf, type Month } from './rows';
import { fillTemplate, readTemplate, TemplateError } from './template';

/**
 * The 台账 (docs/architecture.md#the-ledger): the office's own Excel layout filled with a group's tasks of
 * a month, as they stood at its end. `台账 [督导组] [YYYY-MM]` in chat answers with the file (a file
 * message made when it is sent); `GET /api/ledger/export` answers with it; `POST /api/ledger/template`
 * replaces the built-in template with the office's.
 */
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ALL = '全部督导组';

export interface LedgerFile {
  name: string;
  bytes: Buffer;
  count: number;
}

export function ledgerFeature(deps: AppDeps, store: LedgerStore): Feature {
  const tz = deps.settings.tz;
  const build = (group: string | null, month: Month) => buildLedger(deps, store, group, month);
  deps.files.add('ledger', async (args) => {
    const month = parseMonth(String(args.month), tz);
    if (!month) return null;
    const file = await build(typeof args.group === 'string' && args.group ? args.group : null, month);
    return { name: file.name, bytes: file.bytes, fileType: 'xls' };
  });

  return {
    name: 'ledger',
    commands: [ledgerCommand(deps)],
    routes: [exportRoute(deps, build), ...templateRoutes(deps, store)],
    help: (p) => (mayUse(p) ? [{ command: '台账 [督导组] [年-月]', what: '督办台账（按单位模板生成的 Excel 文件）', example: '台账 2026-10' }] : []),
  };
}

const mayUse = (p: Person) => hasRole(p, 'admin') || supervisedGroups(p).length > 0;

/** The file for one group (or every group: null) and month. */
async function buildLedger(deps: AppDeps, store: LedgerStore, groupCode: string | null, month: Month): Promise<LedgerFile> {
  const tz = deps.settings.tz;
  const org = await deps.orgs.get();
  const now = deps.clock.now();
  const at = new Date(Math.min(month.to.getTime() - 1, now.getTime()));
  const found = await deps.tasks.find({ ...(groupCode ? { group: groupCode } : {}), dispatchedAt: { $lt: month.to } }, { sort: { code: 1 } });
  const items = [];
  for (const t of found) {
    if (!openDuring(t, month)) continue;
    // the oldest entries may have moved to task_history: read them when the embedded ones do not reach back to `at`
    const oldest = t.history.reduce((m, e) => (e.seq < m.seq ? e : m), t.history[0]);
    const whole = oldest && oldest.seq > 1 && new Date(oldest.at) > at ? ((await deps.tasks.getWithHistory(t.code)) ?? t) : t;
    items.push(ledgerItem(taskAsOf(whole, at), { org, at, tz, cal: deps.cal, lights: deps.settings.lights }));
  }
  const groupName = groupCode ? (org.group(groupCode)?.name ?? groupCode) : ALL;
  const [y, m] = month.label.split('-').map(Number);
  const fill = { title: { 督导组: groupName, 月份: `${y}年${m}月`, 截至日期: chineseDate(localDate(at, tz)), 总数: items.length }, categories: categoryOrder(deps.settings.categories, items), items };
  const uploaded = await store.template();
  let bytes: Buffer;
  try {
    bytes = await fillTemplate(uploaded?.bytes ?? (await defaultTemplate()), fill);
  } catch (e) {
    // checked when uploaded; should a stored one fail all the same, the built-in template still answers
    if (!(e instanceof TemplateError) || !uploaded) throw e;
    deps.log.warn({ err: e.message }, 'the uploaded 台账 template failed; the built-in one was used');
    bytes = await fillTemplate(await defaultTemplate(), fill);
  }
  return { name: `台账-${groupName}-${month.label}.xlsx`, bytes, count: items.length };
}

/** `台账 [督导组] [YYYY-MM]`: a line saying what comes, and the file (made when it is sent). */
function ledgerCommand(deps: AppDeps): FeatureCommand {
  const tz = deps.settings.tz;
  return {
    words: ['台账'],
    async handle(m, person, body) {
      if (!mayUse(person)) return [replyText(m, '“台账”供督导组成员和管理员使用。')];
      const org = await deps.orgs.get();
      const today = localDate(deps.clock.now(), tz);
      const asked = readArgs(body, org, today);
      if (!asked.ok) return [replyText(m, asked.message)];
      const mine = supervisedGroups(person);
      const coordination = mine.some((g) => org.group(g)?.kind === 'coordination');
      let group = asked.group;
      if (!group && !hasRole(person, 'admin') && !coordination) {
        if (mine.length > 1) return [replyText(m, `您在${mine.map((g) => org.group(g)?.name ?? g).join('、')}，请写明哪个组，例如：台账 ${org.group(mine[0])?.name ?? mine[0]} ${asked.month.label}`)];
        group = org.group(mine[0]) ?? null;
      }
      if (group && !hasRole(person, 'admin') && !coordination && !mine.includes(group.code)) return [replyText(m, `您不是${group.name}的成员，只能导出本组的台账。`)];
      const name = group?.name ?? ALL;
      const [y, mo] = asked.month.label.split('-').map(Number);
      const asOf = today <= asked.month.last ? `截至今天（${chineseDate(today)}）` : `截至${chineseDate(asked.month.last)}`;
      return [
        replyText(m, `${name} ${y}年${mo}月督办台账，${asOf}，文件随后发出。`),
        replyFile(m, { kind: 'ledger', args: { group: group?.code ?? '', month: asked.month.label } }, 1),
      ];
    },
  };
}

/** GET /ledger/export: the file of a group (or every group) and month. */
function exportRoute(deps: AppDeps, build: (group: string | null, month: Month) => Promise<LedgerFile>): RouteDef {
  const tz = deps.settings.tz;
  return {
    method: 'get',
    path: '/ledger/export',
    doc: {
      summary: 'The 台账 of a group and month in the office template (XLSX)',
      description: 'Tasks open at any time in the month, as they stood at its end (now, for the current month). Without `group`, every group.',
      query: exportQuery,
      answers: { [XLSX]: 'XLSX' },
    },
    async handle(req) {
      const q = req.query as z.infer<typeof exportQuery>;
      const org = await deps.orgs.get();
      const thisMonth = localDate(deps.clock.now(), tz).slice(0, 7);
      if (q.month && q.month > thisMonth) throw new RouteError(400, 'invalid_query', `month: ${q.month} has not begun yet`);
      const month = parseMonth(q.month ?? thisMonth, tz);
      if (!month) throw new RouteError(400, 'invalid_query', 'month: expected a month such as 2026-10');
      let group: string | null = null;
      if (q.group) {
        const g = findGroup(org, q.group);
        if (!g) throw new RouteError(400, 'invalid_query', `group: no group "${q.group}" (codes: ${org.groups.map((x) => x.code).join(', ')})`);
        group = g.code;
      }
      const file = await build(group, month);
      return { file: { name: file.name, contentType: XLSX, data: file.bytes } };
    },
  };
}

/** The office template: upload, read back, what it holds, a sample, back to the built-in one. */
function templateRoutes(deps: AppDeps, store: LedgerStore): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/ledger/template',
      doc: {
        summary: 'Upload the office 台账 template (XLSX)',
        description: 'The XLSX file itself as the body (`?name=` names it). Placeholders such as {{序号}} {{事项}} {{责任单位}} mark the row to repeat; a template with an unknown placeholder or no row to repeat is refused with 422 naming the cells.',
        query: templateQuery,
        uploads: { [XLSX]: { description: 'the template workbook' }, 'application/octet-stream': { description: 'the template workbook' } },
        status: 201,
      },
      async handle(req) {
        const q = req.query as z.infer<typeof templateQuery>;
        if (/json|multipart|x-www-form-urlencoded/.test(req.contentType)) throw new RouteError(415, 'unsupported_media_type', `send the XLSX file itself as the body (Content-Type ${XLSX}), not ${req.contentType}`);
        const bytes = req.raw;
        if (!bytes?.length) throw new RouteError(400, 'empty_body', 'the body is empty: send the XLSX template file');
        if (bytes.length > LIMITS.templateBytes) throw new RouteError(413, 'payload_too_large', `the template is ${bytes.length} bytes, over the limit of ${LIMITS.templateBytes}`);
        let plan;
        try {
          ({ plan } = await readTemplate(bytes));
        } catch (e) {
          if (e instanceof TemplateError) throw new RouteError(422, 'bad_template', e.message, { problems: e.problems });
          throw e;
        }
        const info = { name: q.name ?? '台账模板.xlsx', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), uploadedAt: deps.clock.now(), uploadedBy: 'api' };
        await store.saveTemplate({ ...info, bytes });
        return { status: 201, body: { ...info, plan } };
      },
    },
    {
      method: 'get',
      path: '/ledger/template',
      doc: { summary: 'The 台账 template in use (the uploaded one, or the built-in one), as XLSX', answers: { [XLSX]: 'XLSX' } },
      async handle() {
        const t = await store.template();
        return { file: { name: t?.name ?? '台账模板-内置.xlsx', contentType: XLSX, data: t?.bytes ?? (await defaultTemplate()) } };
      },
    },
    {
      method: 'get',
      path: '/ledger/template/info',
      doc: { summary: 'Which 台账 template is in use, and where its repeating rows are' },
      async handle() {
        const t = await store.template();
        const { plan } = await readTemplate(t?.bytes ?? (await defaultTemplate()));
        return { body: t ? { builtIn: false, name: t.name, size: t.size, sha256: t.sha256, uploadedAt: t.uploadedAt, uploadedBy: t.uploadedBy, plan } : { builtIn: true, plan } };
      },
    },
    {
      method: 'get',
      path: '/ledger/template/sample',
      doc: { summary: 'A sample office 台账 template (two-row merged header, sections by category with subtotals), to start from', answers: { [XLSX]: 'XLSX' } },
      async handle() {
        return { file: { name: '台账模板-示例.xlsx', contentType: XLSX, data: await sampleTemplate() } };
      },
    },
    {
      method: 'delete',
      path: '/ledger/template',
      doc: { summary: 'Go back to the built-in 台账 template' },
      async handle() {
        const removed = await store.removeTemplate('api', deps.clock.now());
        return { body: { removed } };
      },
    },
  ];
}

const exportQuery = z
  .object({
    group: z.string().max(50).optional().describe('a group code or name; every group when absent'),
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month such as 2026-10').optional().describe('YYYY-MM; the current month when absent'),
  })
  .strict();
const templateQuery = z.object({ name: z.string().min(1).max(100).optional().describe('the file name to keep with it') }).strict();

function findGroup(org: Org, text: string): Group | undefined {
  const t = text.trim();
  return org.group(t) ?? org.group(t.toUpperCase()) ?? org.groups.find((g) => g.name === t);
}

/** `台账 第一督导组 2026-10` (either order, both optional); 2026年10月 and 2026.10 are read as 2026-10. */
export function readArgs(body: string, org: Org, today: string): { ok: true; group: Group | null; month: Month & { last: string } } | { ok: false; message: string } {
  const words = normalize(body).split(/\s+/).filter(Boolean);
  let month: string | undefined;
  let group: Group | null = null;
  const unknown: string[] = [];
  for (const w of words) {
    const mm = /^(\d{4})\s*(?:-|\.|\/|年)\s*(\d{1,2})\s*月?$/.exec(w);
    if (mm) {
      month = `${mm[1]}-${mm[2].padStart(2, '0')}`;
      continue;
    }
    const g = findGroup(org, w);
    if (g) group = g;
    else unknown.push(w);
  }
  if (unknown.length) return { ok: false, message: `没有名为“${unknown.join('”“')}”的督导组。可写：${org.groups.map((g) => g.name).join('、')}；月份写作 2026-10。` };
  const label = month ?? today.slice(0, 7);
  const parsed = parseMonth(label, 'UTC');
  if (!parsed) return { ok: false, message: `月份“${label}”不正确，请写作 2026-10。` };
  if (label > today.slice(0, 7)) return { ok: false, message: `${label} 还没有到，不能导出台账。` };
  return { ok: true, group, month: parsed };
}
