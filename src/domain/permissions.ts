import { hasRole, officialUnits, supervisedGroups, type Org, type Person } from './org';
import type { Task } from './task';

/**
 * Who may do what (docs/rules.md#roles-and-permissions), decided from the operator's identity on every action — never from values
 * carried in a card. Returns a refusal in words, or null when allowed.
 */
export type TaskAction =
  | 'view'
  | 'accept'
  | 'progress'
  | 'submit'
  | 'request_extension'
  | 'request_escalation'
  | 'approve'
  | 'return'
  | 'decide_extension'
  | 'decide_escalation'
  | 'raise_escalation'
  | 'cancel'
  | 'urge';

const UNIT_LEAD_ACTIONS: TaskAction[] = ['accept', 'progress', 'submit', 'request_extension', 'request_escalation'];
const SUPERVISOR_ACTIONS: TaskAction[] = ['approve', 'return', 'decide_extension', 'decide_escalation', 'raise_escalation', 'cancel', 'urge'];

export function supervisesGroup(p: Person, group: string, org: Org): boolean {
  return supervisedGroups(p).some((g) => g === group || org.group(g)?.kind === 'coordination');
}

export function leadsGroup(p: Person, group: string, org: Org): boolean {
  return hasRole(p, 'cityLeader') && org.group(group)?.cityLeader === p.code;
}

export function refusal(p: Person, action: TaskAction, t: Task, org: Org): string | null {
  if (hasRole(p, 'admin')) return null;
  const units = officialUnits(p);
  const isLead = units.includes(t.leadUnit);
  const isCo = t.coUnits.some((u) => units.includes(u));
  const supervises = supervisesGroup(p, t.group, org);
  const leads = leadsGroup(p, t.group, org);
  if (action === 'view') {
    return isLead || isCo || supervises || leads || hasRole(p, 'observer') ? null : `${t.code} 不是您所在单位或督导组的事项，无权查看。`;
  }
  if (UNIT_LEAD_ACTIONS.includes(action)) {
    if (isLead) return null;
    if (action === 'progress' && isCo) return null;
    if (isCo) return `配合单位只能反馈进度；签收、申请办结、延期和提级协调由责任单位${org.unitName(t.leadUnit)}办理。`;
    if (supervises) return `这是责任单位${org.unitName(t.leadUnit)}的操作，督导组请在督导组卡片上审核或催办。`;
    return `只有责任单位${org.unitName(t.leadUnit)}的联络员或负责人可以办理此事项。`;
  }
  if (SUPERVISOR_ACTIONS.includes(action)) {
    if (supervises) return null;
    if (action === 'decide_escalation' && leads) return null;
    return `只有${org.group(t.group)?.name ?? t.group}的督导组成员可以进行此操作。`;
  }
  return '无权进行此操作。';
}

/** The polite refusal for someone the organisation file does not know (docs/rules.md#roles-and-permissions). */
export function unknownPersonMessage(openId: string): string {
  return `您好，督导助手还没有登记您的身份，暂时无法为您办理。请把这串编号发给系统管理员登记：${openId}`;
}

/** “我的任务” from someone who is in no unit (docs/rules.md#roles-and-permissions). */
export const MY_TASKS_REFUSAL = '“我的任务”列出您所在单位的督办事项；您不是单位联络员或负责人。督导组成员和市领导请发送“统计”。';

export function canDispatch(p: Person): boolean {
  return hasRole(p, 'admin') || hasRole(p, 'cityLeader') || supervisedGroups(p).length > 0;
}

/** The units a person may dispatch to, and the group the order belongs to. */
export function dispatchScope(p: Person, org: Org): { group: string; units: string[] } | null {
  const groups = supervisedGroups(p).map((g) => org.group(g)).filter((g) => g !== undefined);
  const coordination = groups.find((g) => g.kind === 'coordination');
  if (coordination || (hasRole(p, 'admin') && org.coordinationGroup())) {
    const g = coordination ?? org.coordinationGroup()!;
    return { group: g.code, units: org.units.map((u) => u.code) };
  }
  if (groups.length) {
    const units = new Set(groups.flatMap((g) => org.unitsOfGroup(g.code).map((u) => u.code)));
    return { group: groups[0].code, units: [...units] };
  }
  if (hasRole(p, 'cityLeader')) {
    const led = org.groupsLedBy(p.code);
    if (!led.length) return null;
    const units = new Set(led.flatMap((g) => org.unitsOfGroup(g.code).map((u) => u.code)));
    return { group: led[0].code, units: [...units] };
  }
  return null;
}
