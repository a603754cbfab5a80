/**
 * 组织架构: export the current organisation, and import a new one (pasted YAML/JSON or a YAML, JSON,
 * CSV or XLSX file). A dry run comes first and shows what would change or what is wrong, line by line;
 * the real import is offered only for the content that passed the dry run.
 */
import { clear, h, saveBlob, toast } from '../lib/dom';
import { HttpError } from '../lib/http';
import { api } from './api';
import type { AdminCtx } from './main';

const TABLE_ZH: Record<string, string> = { units: '单位', groups: '督导组', people: '人员' };
const KINDS: [string, string][] = [['created', '新建'], ['updated', '更新'], ['unchanged', '未变'], ['deactivated', '停用'], ['reactivated', '恢复']];

type Payload = { filename: string; content?: string; contentBase64?: string };

function reportEl(r: Record<string, unknown>): HTMLElement {
  const tables = (r.tables as string[] | undefined) ?? [];
  const by = (k: string, t: string) => ((r[k] as Record<string, string[]> | undefined)?.[t] ?? []);
  const unresolved = (r.unresolved as { code: string; name: string; via: string }[] | undefined) ?? [];
  return h('div.report', { 'data-testid': 'import-report', 'data-dry-run': String(Boolean(r.dryRun)) },
    h('div.report-title', null, r.dryRun ? '✓ 校验通过（试运行，尚未写入）' : '✓ 已导入'),
    h('table.grid', null,
      h('thead', null, h('tr', null, h('th', null, ''), KINDS.map(([, l]) => h('th.num', null, l)))),
      h('tbody', null, tables.map((t) => h('tr', null, h('td', null, TABLE_ZH[t] ?? t), KINDS.map(([k]) => h('td.num', { title: by(k, t).join(', ') }, String(by(k, t).length))))))),
    ...tables.flatMap((t) => KINDS.filter(([k]) => k !== 'unchanged' && by(k, t).length).map(([k, l]) => h('div.small', null, `${TABLE_ZH[t]}${l}：${by(k, t).join('、')}`))),
    unresolved.length ? h('div.warn', null, `${unresolved.length} 人未能按手机号/邮箱找到 open_id（已导入，暂不能收消息）：${unresolved.map((u) => `${u.name}（${u.code}）`).join('、')}`) : null);
}

export async function orgView(ctx: AdminCtx, mount: HTMLElement): Promise<void> {
  const org = ctx.names.org;
  const text = h('textarea.input.code', { rows: 12, placeholder: 'units:\n  - { code: MSZ, name: 梅山镇, kind: township, chatId: oc_xxx }\ngroups:\n  - …\npeople:\n  - …', 'aria-label': '组织架构内容', spellcheck: 'false' });
  const format = h('select.input', { 'aria-label': '格式' }, h('option', { value: 'org.yaml' }, 'YAML'), h('option', { value: 'org.json' }, 'JSON'));
  const file = h('input', { type: 'file', accept: '.yaml,.yml,.json,.csv,.xlsx', 'aria-label': '选择文件' });
  const fileNote = h('span.muted');
  const out = h('div', { 'aria-live': 'polite' });
  const importBtn = h('button.btn.btn-primary_filled', { type: 'button', disabled: true, 'data-testid': 'org-import' }, '正式导入');
  let checked: string | undefined; // the payload that passed the dry run
  let fromFile: Payload | undefined;

  const payload = (): Payload | undefined => fromFile ?? (text.value.trim() ? { filename: format.value, content: text.value } : undefined);
  const invalidate = () => {
    checked = undefined;
    importBtn.disabled = true;
  };
  text.addEventListener('input', () => ((fromFile = undefined), (fileNote.textContent = ''), invalidate()));
  format.addEventListener('change', invalidate);
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    invalidate();
    if (!f) return;
    if (f.size > 900 * 1024) return void toast('文件过大：请控制在 900 KB 以内', 'warning');
    if (/\.xlsx$/i.test(f.name)) {
      const b64 = await new Promise<string>((resolve) => {
        const r = new FileReader();
        r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
        r.readAsDataURL(f);
      });
      fromFile = { filename: f.name, contentBase64: b64 };
      text.value = '';
    } else {
      fromFile = undefined;
      text.value = await f.text();
      format.value = /\.json$/i.test(f.name) ? 'org.json' : 'org.yaml';
      if (/\.csv$/i.test(f.name)) fromFile = { filename: f.name, content: text.value };
    }
    fileNote.textContent = `已选择 ${f.name}`;
  });

  const send = async (dryRun: boolean) => {
    const p = payload();
    if (!p) return void toast('请先粘贴内容或选择文件', 'warning');
    const key = JSON.stringify(p);
    if (!dryRun && key !== checked) return void toast('内容已改动，请先重新校验', 'warning');
    clear(out, h('p.muted', null, dryRun ? '校验中…' : '导入中…'));
    try {
      const r = await api.importOrg({ ...p, dryRun });
      clear(out, reportEl(r));
      if (dryRun) {
        checked = key;
        importBtn.disabled = false;
      } else {
        invalidate();
        await ctx.reloadNames();
        toast('组织架构已导入', 'success');
      }
    } catch (e) {
      invalidate();
      const details = e instanceof HttpError && Array.isArray(e.details) ? (e.details as string[]) : [];
      // the message repeats the problems after its first line; they are listed one per line below
      const headline = details.length ? (e as Error).message.split(/:\s*-\s|\n/)[0] : (e as Error).message;
      clear(out, h('div.report.report-bad', { 'data-testid': 'import-problems' },
        h('div.report-title.error', null, `✕ ${e instanceof HttpError && e.status === 422 ? '校验未通过，未写入任何数据' : '导入失败'}：${headline}`),
        details.length ? h('ol.problems', null, details.slice(0, 100).map((d) => h('li', null, d))) : null,
        details.length > 100 ? h('div.muted', null, `……还有 ${details.length - 100} 处`) : null));
    }
  };
  importBtn.addEventListener('click', () => void send(false));

  const exportJson = async () => {
    try {
      saveBlob(await api.download('/api/org'), `org-${new Date().toISOString().slice(0, 10)}.json`);
    } catch (e) {
      toast(`导出失败：${(e as Error).message}`, 'error');
    }
  };
  clear(mount,
    h('div.view-head', null, h('h1', null, '组织架构'), h('button.btn', { type: 'button', onclick: () => void exportJson() }, '导出 JSON')),
    h('div.tiles', null,
      h('div.tile', null, h('span.tile-value', null, String(org.units.length)), h('span.tile-label', null, '单位')),
      h('div.tile', null, h('span.tile-value', null, String(org.groups.length)), h('span.tile-label', null, '督导组')),
      h('div.tile', null, h('span.tile-value', null, String(org.people.length)), h('span.tile-label', null, '人员'))),
    h('section.panel', null,
      h('h2', null, '导入'),
      h('p.muted', null, '按 code 更新或新建；文件中没有的单位、督导组、人员会被停用（不删除）。先校验（试运行），确认报告无误后再正式导入。'),
      h('div.row', null, format, file, fileNote),
      text,
      h('div.row', null, h('button.btn', { type: 'button', 'data-testid': 'org-dry-run', onclick: () => void send(true) }, '校验（试运行）'), importBtn),
      out));
}
