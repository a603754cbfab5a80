import type { OutboxItem } from './outbox-item';
import type { JobRun } from './ports/job-runs';
import type { Org as OrgModel } from '../domain/org';

/**
 * What a job run did, in words, for the people who run jobs by hand (`npm run job`, the sandbox's
 * `job` command): who got which message, instead of the raw run record.
 */
type Org = Pick<OrgModel, 'units' | 'groups' | 'byOpenId'>;

/** The name of a message's receiver: a unit's or group's chat, or a person. */
export function receiverName(org: Org, to: NonNullable<OutboxItem['to']>): string {
  if (to.type === 'open_id') return org.byOpenId(to.id)?.name ?? to.id;
  const unit = org.units.find((u) => u.chatId === to.id);
  if (unit) return `${unit.name}督办工作群`;
  const group = org.groups.find((g) => g.chatId === to.id);
  return group ? `${group.name}工作群` : to.id;
}

/** One line per receiver: `梅山镇督办工作群（oc_msz）：每日督办提醒、督导提示函 〔2026〕第1号`. */
export function sentLines(org: Org, items: OutboxItem[]): string[] {
  const by = new Map<string, string[]>();
  for (const i of items) {
    if (i.kind !== 'send' || !i.to) continue;
    const card = i.content as { header?: { title?: { content?: string }; subtitle?: { content?: string } } } | undefined;
    const title = [card?.header?.title?.content, card?.header?.subtitle?.content].filter(Boolean).join(' ') || (i.msgType === 'text' ? '文字消息' : i.msgType === 'file' ? '文件' : '卡片');
    const who = `${receiverName(org, i.to)}（${i.to.id}）`;
    by.set(who, [...(by.get(who) ?? []), title]);
  }
  return [...by].map(([who, titles]) => `${who}：${titles.join('、')}`);
}

const STATUS: Record<string, string> = { ok: '完成', skipped: '未运行', error: '出错', running: '仍在运行' };

/** The run as a few lines of text: a head line (job, moment, outcome), then `runDetails`. */
export function runInWords(run: Pick<JobRun, 'name' | 'status' | 'result' | 'error'>, when: string): string {
  return [`${run.name} @ ${when}：${STATUS[run.status] ?? run.status}`, runDetails(run)].filter(Boolean).join('\n');
}

/** Why it did not run, the error, or its counts and who was sent what. */
export function runDetails(run: Pick<JobRun, 'status' | 'result' | 'error'>): string {
  const r = (run.result ?? {}) as Record<string, unknown>;
  if (run.status === 'skipped') return `原因：${String(r.reason ?? '')}`;
  if (run.status === 'error') return `错误：${run.error ?? ''}`;
  const sent = Array.isArray(r.sent) ? (r.sent as string[]) : undefined;
  const counts = Object.entries(r).filter(([k, v]) => k !== 'more' && typeof v === 'number').map(([k, v]) => `${k} ${v}`);
  const lines = counts.length ? [`计数：${counts.join('，')}`] : [];
  if (sent) lines.push(sent.length ? `发送给：\n  ${sent.join('\n  ')}` : '没有需要发送的消息。');
  if (typeof r.more === 'number' && r.more > 0) lines.push(`  ……另有 ${r.more} 个接收方`);
  return lines.join('\n');
}
