/**
 * 台账模板: which template the 台账 uses (the office's uploaded one, or the built-in one), upload a new one
 * (a refusal lists each bad cell), download the one in use or the sample, go back to the built-in one,
 * and download a group's 台账 for a month.
 */
import { clear, h, saveBlob, toast } from '../lib/dom';
import { HttpError, request } from '../lib/http';
import { api, token } from './api';
import type { AdminCtx } from './main';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Plan {
  sheet: string;
  itemRow: number;
  sectionRow?: number;
  subtotalRow?: number;
  grouped: boolean;
  fields: string[];
}
interface Info {
  builtIn: boolean;
  name?: string;
  size?: number;
  uploadedAt?: string;
  plan: Plan;
}

const auth = () => ({ authorization: `Bearer ${token.get() ?? ''}` });

function planText(p: Plan): string {
  const parts = [`工作表“${p.sheet}”，第 ${p.itemRow} 行按事项重复`];
  if (p.sectionRow) parts.push(`第 ${p.sectionRow} 行为分类标题`);
  if (p.subtotalRow) parts.push(`第 ${p.subtotalRow} 行为小计`);
  return `${parts.join('，')}。占位符：${p.fields.map((f) => `{{${f}}}`).join(' ')}`;
}

export async function ledgerView(ctx: AdminCtx, mount: HTMLElement): Promise<void> {
  const info = (await (await request('/api/ledger/template/info', { headers: auth() })).json()) as Info;
  const out = h('div', { 'aria-live': 'polite' });
  const file = h('input', { type: 'file', accept: '.xlsx', 'aria-label': '选择台账模板', 'data-testid': 'ledger-file' });

  const upload = async () => {
    const f = file.files?.[0];
    if (!f) return void toast('请先选择 .xlsx 模板文件', 'warning');
    if (f.size > 1024 * 1024) return void toast('模板过大：请控制在 1 MB 以内', 'warning');
    clear(out, h('p.muted', null, '上传中…'));
    try {
      const res = await fetch(`/api/ledger/template?name=${encodeURIComponent(f.name)}`, { method: 'POST', headers: { ...auth(), 'content-type': XLSX }, body: f });
      const body = (await res.json().catch(() => ({}))) as { plan?: Plan; error?: { message: string; details?: { problems?: { cell: string; message: string }[] } } };
      if (!res.ok) {
        const problems = body.error?.details?.problems ?? [];
        clear(out, h('div.report.report-bad', { 'data-testid': 'ledger-problems' },
          h('div.report-title.error', null, `✕ 模板未采用：${problems.length ? `共 ${problems.length} 处问题` : (body.error?.message ?? res.statusText)}`),
          problems.length ? h('ol.problems', null, problems.map((p) => h('li', null, `${p.cell}：${p.message}`))) : null));
        return;
      }
      toast('台账模板已更新', 'success');
      await ledgerView(ctx, mount);
    } catch (e) {
      clear(out, h('div.error', null, `上传失败：${(e as Error).message}`));
    }
  };
  const download = async (path: string, name: string) => {
    try {
      saveBlob(await api.download(path), name);
    } catch (e) {
      toast(`下载失败：${(e as Error).message}`, 'error');
    }
  };
  const reset = async () => {
    try {
      await request('/api/ledger/template', { method: 'DELETE', headers: auth() });
      toast('已恢复内置模板', 'success');
      await ledgerView(ctx, mount);
    } catch (e) {
      toast(`操作失败：${e instanceof HttpError ? e.message : (e as Error).message}`, 'error');
    }
  };

  const group = h('select.input', { 'aria-label': '督导组' }, h('option', { value: '' }, '全部督导组'), ctx.names.org.groups.map((g) => h('option', { value: g.code }, g.name)));
  const now = new Date();
  const month = h('input.input', { type: 'month', value: `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`, 'aria-label': '月份' });
  const exportLedger = () => void download(`/api/ledger/export?month=${month.value}${group.value ? `&group=${encodeURIComponent(group.value)}` : ''}`, `台账-${group.selectedOptions[0]?.textContent ?? ''}-${month.value}.xlsx`);

  clear(mount,
    h('div.view-head', null, h('h1', null, '台账')),
    h('section.panel', null,
      h('h2', null, '导出台账'),
      h('p.muted', null, '当月在办过的事项（含当月办结、撤销的），按月末（本月为今天）的情况填入模板。督导组成员也可在飞书中发送“台账 2026-11”。'),
      h('div.row', null, group, month, h('button.btn.btn-primary_filled', { type: 'button', onclick: exportLedger, 'data-testid': 'ledger-export' }, '下载台账'))),
    h('section.panel', null,
      h('h2', null, '台账模板'),
      h('p', { 'data-testid': 'ledger-template' }, info.builtIn ? '正在使用内置模板。' : `正在使用上传的模板“${info.name}”（${Math.round((info.size ?? 0) / 1024)} KB，${info.uploadedAt ? new Date(info.uploadedAt).toLocaleString('zh-CN') : ''} 上传）。`),
      h('p.muted.small', null, planText(info.plan)),
      h('div.row', null,
        h('button.btn', { type: 'button', onclick: () => void download('/api/ledger/template', info.name ?? '台账模板-内置.xlsx') }, '下载当前模板'),
        h('button.btn', { type: 'button', onclick: () => void download('/api/ledger/template/sample', '台账模板-示例.xlsx') }, '下载示例模板'),
        info.builtIn ? null : h('button.btn', { type: 'button', onclick: () => void reset() }, '恢复内置模板')),
      h('h2', null, '上传本单位模板'),
      h('p.muted', null, '在 Excel 中按原有格式排好表头，在要重复的那一行写占位符，如 {{序号}} {{事项}} {{责任单位}} {{配合单位}} {{完成时限}} {{进展情况}} {{完成情况}} {{灯}} {{备注}}；其上一行写 {{分类序号}}、{{分类}} 即按分类分节，下一行写 {{小计}} {{办结数}} {{超期数}} 即为小计行；{{督导组}} {{月份}} {{截至日期}} {{总数}} 可写在任意位置。表头、合并单元格、字体和列宽原样保留。'),
      h('div.row', null, file, h('button.btn.btn-primary_filled', { type: 'button', onclick: () => void upload(), 'data-testid': 'ledger-upload' }, '上传并采用')),
      out));
}
