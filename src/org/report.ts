/** The import report in words, for the CLI, the audit note and the admin page. Never shows mobiles or emails. */

import { TABLE_ZH, TABLES, type TableName } from './source';

/** What an import did (src/org/import.ts), table by table. */
export type Codes = Record<TableName, string[]>;
export interface UnresolvedPerson {
  code: string;
  name: string;
  via: 'mobile' | 'email';
}

export interface ImportReport {
  files: string[];
  tables: TableName[]; // the tables this import covered
  dryRun: boolean;
  created: Codes;
  updated: Codes;
  unchanged: Codes;
  deactivated: Codes;
  reactivated: Codes;
  unresolved: UnresolvedPerson[];
}

const KINDS = [
  ['created', '新建 created'],
  ['updated', '更新 updated'],
  ['unchanged', '未变 unchanged'],
  ['deactivated', '停用 deactivated'],
  ['reactivated', '恢复 reactivated'],
] as const;

export function summaryLine(r: ImportReport): string {
  const parts = r.tables.map((t) => `${TABLE_ZH[t]} ${t}: ${KINDS.map(([k, label]) => `${label} ${r[k][t].length}`).join(', ')}`);
  return [...parts, `未解析 unresolved ${r.unresolved.length}`].join('; ');
}

export function formatImportReport(r: ImportReport): string[] {
  const lines = [`组织架构导入 org import${r.dryRun ? '（试运行 dry run，未写入 nothing written）' : ''}: ${r.files.join('、')}`];
  for (const t of TABLES) {
    if (!r.tables.includes(t)) {
      lines.push(`  ${TABLE_ZH[t]} ${t}: 未导入 (not in this import, left as is)`);
      continue;
    }
    lines.push(`  ${TABLE_ZH[t]} ${t}: ${KINDS.map(([k, label]) => `${label} ${r[k][t].length}`).join(' · ')}`);
    for (const [k, label] of KINDS) {
      if (k !== 'unchanged' && r[k][t].length) lines.push(`    ${label}: ${r[k][t].join(', ')}`);
    }
  }
  if (r.unresolved.length) {
    lines.push(`  未解析的人员 unresolved (${r.unresolved.length})，已导入但暂无 open_id，无法接收消息:`);
    for (const u of r.unresolved) lines.push(`    ${u.code} ${u.name}（按${u.via === 'mobile' ? '手机号 mobile' : '邮箱 email'}未找到）`);
  }
  return lines;
}
