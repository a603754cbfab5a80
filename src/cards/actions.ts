import { z } from 'zod';

/**
 * The values card buttons carry (`behaviors[{type:'callback', value}]`). They name the action and what
 * it applies to; they never decide who may act (that comes from the operator's open_id).
 * `v` versions the shape so old cards can still be read after a change.
 */
export const CARD_ACTIONS = [
  // dispatch
  'dispatch.confirm', // 确认派发
  'dispatch.cancel', // 取消
  'dispatch.submit', // 派发 (dispatch form)
  // task, unit copy
  'task.accept', // 签收
  'task.progress', // 反馈进度 (form: progress, content)
  'task.submit', // 申请办结 (form: content)
  'task.extension', // 申请延期 (form: new_deadline, reason)
  'task.escalation', // 申请提级协调 (form: reason, units)
  'task.back', // 返回 (leave a form without submitting)
  // task, group copy
  'task.urge', // 催办
  'task.cancel', // 撤销
  'task.approve', // 审核通过
  'task.return', // 退回 (reason)
  'task.extension_approve', // 同意延期
  'task.extension_reject', // 不同意延期
  'task.escalation_accept', // 有所为·提级 (opinion)
  'task.escalation_decline', // 有所不为·退回自办 (opinion)
  // leaders' side
  'escalation.schedule', // 列入调度会
  'escalation.instruct', // 已批示 (instruction)
  'meeting.submit', // 会议纪要 form
  'appeal.decide', // 申诉 decision
  // lists
  'list.refresh',
] as const;
export type CardActionName = (typeof CARD_ACTIONS)[number];

/** A feature's own button (src/app/feature.ts): `feature.verb`, checked against the registered names when pressed. */
export type FeatureActionName = `${string}.${string}`;

export const cardValueSchema = z.object({
  a: z.string().regex(/^[a-z][a-z_]*\.[a-z][a-z_]*$/).max(40),
  v: z.literal(1).default(1),
  c: z.string().max(40).optional(), // task code
  s: z.string().max(20).optional(), // the task state the card showed
  r: z.string().max(40).optional(), // request id
  p: z.string().max(40).optional(), // preview / order id
  e: z.string().max(40).optional(), // escalation id
  m: z.string().max(40).optional(), // meeting id
  x: z.string().max(40).optional(), // extra (e.g. decision)
});
export type CardValue = z.infer<typeof cardValueSchema>;

export function cardValue(a: CardActionName | FeatureActionName, rest: Omit<CardValue, 'a' | 'v'> = {}): CardValue {
  return { a, v: 1, ...rest };
}
