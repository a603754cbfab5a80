/**
 * 接口文档: the admin API as the service describes it (GET /api/openapi.json, generated from the zod
 * schemas the routes check requests with), as a plain list: each route, its query parameters and its
 * body, field by field. No external viewer: the page works offline like the rest of the dashboard.
 */
import { clear, h } from '../lib/dom';
import { api, type JsonSchema, type OpenApiOperation } from './api';
import type { AdminCtx } from './main';

const typeOf = (s: JsonSchema): string => {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'any'}[]`;
  return Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
};

function limits(s: JsonSchema): string {
  const out: string[] = [];
  if (s.default !== undefined) out.push(`默认 ${JSON.stringify(s.default)}`);
  if (s.minimum !== undefined) out.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) out.push(`≤ ${s.maximum}`);
  if (s.maxLength !== undefined) out.push(`最多 ${s.maxLength} 字`);
  if (s.pattern) out.push(`格式 ${s.pattern}`);
  return out.join('，');
}

/** One row per field, nested objects and arrays of objects indented under their field. */
function fields(s: JsonSchema, prefix = ''): HTMLElement[] {
  const req = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).flatMap(([name, f]) => {
    const inner = f.type === 'array' && f.items?.properties ? f.items : f.properties ? f : undefined;
    const row = h('tr', null,
      h('td.nowrap', null, h('code', null, prefix + name)),
      h('td.small', null, typeOf(f)),
      h('td.small', null, req.has(name) ? '必填' : '可选'),
      h('td.small', null, [f.description ?? '', limits(f)].filter(Boolean).join('；')));
    return [row, ...(inner ? fields(inner, `${prefix}${name}${f.type === 'array' ? '[]' : ''}.`) : [])];
  });
}

const table = (rows: HTMLElement[]) =>
  h('div.table-scroll', null, h('table.grid', null, h('thead', null, h('tr', null, ['字段', '类型', '', '说明'].map((x) => h('th', null, x)))), h('tbody', null, rows)));

function operation(method: string, path: string, op: OpenApiOperation): HTMLElement {
  const query = (op.parameters ?? []).filter((p) => p.in === 'query');
  const bodies = Object.entries(op.requestBody?.content ?? {});
  return h('section.panel', { 'data-testid': 'api-route', id: `${method}-${path}` },
    h('h2', null, h('code', null, `${method.toUpperCase()} ${path}`)),
    h('p', null, op.summary),
    op.description ? h('p.muted', null, op.description) : null,
    query.length ? [h('h3', null, '查询参数'), table(fields({ properties: Object.fromEntries(query.map((p) => [p.name, { ...p.schema, description: p.description ?? p.schema.description }])), required: query.filter((p) => p.required).map((p) => p.name) }))] : null,
    bodies.map(([type, b]) => [h('h3', null, `请求体（${type}）`), b.description ? h('p.muted', null, b.description) : null, b.schema ? table(fields(b.schema)) : null]),
    h('p.small.muted', null, `返回：${Object.entries(op.responses).filter(([code]) => code !== 'default').map(([code, r]) => `${code} ${r.description}`).join('；')}`));
}

export async function apiDocsView(_ctx: AdminCtx, mount: HTMLElement): Promise<void> {
  const doc = await api.openapi();
  const ops = Object.entries(doc.paths).flatMap(([path, m]) => Object.entries(m).map(([method, op]) => ({ method, path, op })));
  clear(mount,
    h('div.view-head', null, h('h1', null, '接口文档')),
    h('p.muted', null, `${doc.info.title} ${doc.info.version}：每个请求都要带 Authorization: Bearer ADMIN_TOKEN。本页由服务的 /api/openapi.json（OpenAPI 3.1）生成，与接口校验用的是同一份定义。`),
    h('nav.panel', null, h('ul', null, ops.map((o) => h('li', null, h('a', { href: `#api`, onclick: (e: Event) => (e.preventDefault(), document.getElementById(`${o.method}-${o.path}`)?.scrollIntoView()) }, h('code', null, `${o.method.toUpperCase()} ${o.path}`)), `　${o.op.summary}`)))),
    ops.map((o) => operation(o.method, o.path, o.op)));
}
