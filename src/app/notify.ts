import { messageKey } from './keys';
import type { OutboxItem } from './outbox-item';
import type { InboundMessage } from './inbound';
import type { Org, OfficialPosition, SupervisorPosition } from '../domain/org';
import type { Task } from '../domain/task';
import type { Notice } from '../domain/task-actions';
import type { FileRef } from './ports';

// what feature folders need of the adapters, without importing them (docs/architecture.md#features)
export { messageKey };
export type { OutboxItem, InboundMessage };

/** Builders of outbox items: where a unit, a group or a person is reached, and what each kind of message looks like. */
export type Target = { type: 'chat_id' | 'open_id'; id: string };

/** A unit's chat, or — when it has none — each of its officials directly. */
export function unitTargets(org: Org, unit: string, position?: OfficialPosition): Target[] {
  const u = org.unit(unit);
  if (u?.chatId && !position) return [{ type: 'chat_id', id: u.chatId }];
  return org
    .officialsOf(unit, position)
    .filter((p) => p.openId)
    .map((p) => ({ type: 'open_id' as const, id: p.openId! }));
}

/** A group's chat, or its 组长 directly. */
export function groupTargets(org: Org, group: string, position?: SupervisorPosition): Target[] {
  const g = org.group(group);
  if (g?.chatId && !position) return [{ type: 'chat_id', id: g.chatId }];
  return org
    .supervisorsOf(group, position ?? '组长')
    .filter((p) => p.openId)
    .map((p) => ({ type: 'open_id' as const, id: p.openId! }));
}

export function personTarget(org: Org, code: string): Target[] {
  const p = org.person(code);
  return p?.openId ? [{ type: 'open_id', id: p.openId }] : [];
}

export function textItem(key: string, to: Target, text: string, urgentTo?: string[]): OutboxItem {
  return { key, kind: 'send', to, msgType: 'text', content: { text }, urgentTo };
}

export function cardItem(key: string, to: Target, card: unknown): OutboxItem {
  return { key, kind: 'send', to, msgType: 'interactive', content: card };
}

/** A card that shows something live (a task, an order): rendered when sent, remembered for later updates. */
export function liveCardItem(key: string, to: Target, card: string, ref: string, view: string): OutboxItem {
  return { key, kind: 'send', to, msgType: 'interactive', render: { card, ref, view }, record: { ref, view } };
}

export function replyText(m: InboundMessage, text: string, n = 0): OutboxItem {
  return { key: messageKey('reply', m.messageId, n), kind: 'reply', messageId: m.messageId, msgType: 'text', content: { text }, lane: `chat:${m.chatId}` };
}

export function replyCard(m: InboundMessage, card: unknown, n = 0): OutboxItem {
  return { key: messageKey('reply', m.messageId, n), kind: 'reply', messageId: m.messageId, msgType: 'interactive', content: card, lane: `chat:${m.chatId}` };
}

/** A reply whose card is rendered when it is sent (`render`), not kept as a live copy: the row stays small. */
export function replyRendered(m: InboundMessage, card: string, ref: string, view: string, n = 0): OutboxItem {
  return { key: messageKey('reply', m.messageId, n), kind: 'reply', messageId: m.messageId, msgType: 'interactive', render: { card, ref, view }, lane: `chat:${m.chatId}` };
}

export function replyLiveCard(m: InboundMessage, card: string, ref: string, view: string, n = 0): OutboxItem {
  return { key: messageKey('reply', m.messageId, n), kind: 'reply', messageId: m.messageId, msgType: 'interactive', render: { card, ref, view }, record: { ref, view }, lane: `chat:${m.chatId}` };
}

/**
 * A file sent to a chat or person, made when it goes out from `file` (docs/architecture.md#files-out):
 * `fileItem(key, to, {kind: 'ledger', args: {group, month}})`.
 */
export function fileItem(key: string, to: Target, file: FileRef): OutboxItem {
  return { key, kind: 'send', to, msgType: 'file', file };
}

/** A file as the answer to a message (in its chat, after the replies queued before it). */
export function replyFile(m: InboundMessage, file: FileRef, n = 0): OutboxItem {
  return { key: messageKey('reply', m.messageId, n), kind: 'reply', messageId: m.messageId, msgType: 'file', file, lane: `chat:${m.chatId}` };
}

/** Every live copy of the task's card (and of its order's roll-up) shows the new state. */
export function refreshItems(t: Task): OutboxItem[] {
  const items: OutboxItem[] = [{ key: messageKey('refresh', t.code, t.rev), kind: 'refresh', ref: `task:${t.code}`, msgType: 'interactive', render: { card: 'task', ref: `task:${t.code}`, view: '' } }];
  if (t.order) items.push({ key: messageKey('refresh', t.order, t.code, t.rev), kind: 'refresh', ref: `order:${t.order}`, msgType: 'interactive', render: { card: 'rollup', ref: `order:${t.order}`, view: 'rollup' } });
  return items;
}

/** The first cards of a new task: the unit copy, and the group copy unless the order has a roll-up card. */
export function newTaskCards(t: Task, org: Org, withGroupCopy: boolean): OutboxItem[] {
  const ref = `task:${t.code}`;
  const items = unitTargets(org, t.leadUnit).map((to) => liveCardItem(messageKey('card', t.code, 'unit', to.id), to, 'task', ref, 'unit'));
  for (const co of t.coUnits) {
    for (const to of unitTargets(org, co)) items.push(liveCardItem(messageKey('card', t.code, 'co', to.id), to, 'task', ref, 'co'));
  }
  if (withGroupCopy) for (const to of groupTargets(org, t.group)) items.push(liveCardItem(messageKey('card', t.code, 'group', to.id), to, 'task', ref, 'group'));
  return items;
}

/** The group copy of a task card, sent when a request needs the group's review (orders show only a roll-up). */
export function groupReviewCard(t: Task, org: Org): OutboxItem[] {
  return groupTargets(org, t.group).map((to) => liveCardItem(messageKey('card', t.code, 'group', to.id), to, 'task', `task:${t.code}`, 'group'));
}

export function noticeItems(t: Task, notices: Notice[], org: Org): OutboxItem[] {
  const out: OutboxItem[] = [];
  notices.forEach((n, i) => {
    const key = (to: Target) => messageKey('notice', t.code, t.rev, i, to.id);
    if (n.to === 'unit') {
      const officials = n.urgent ? org.officialsOf(t.leadUnit).flatMap((p) => (p.openId ? [p.openId] : [])) : undefined;
      for (const to of unitTargets(org, t.leadUnit)) out.push(textItem(key(to), to, n.text, officials));
    } else if (n.to === 'group') {
      for (const to of groupTargets(org, t.group)) out.push(textItem(key(to), to, n.text));
    } else if (n.to === 'urge_card') {
      for (const to of unitTargets(org, t.leadUnit)) out.push({ key: key(to), kind: 'send', to, msgType: 'interactive', render: { card: 'urge', ref: `task:${t.code}`, view: `urge:${t.rev}` } });
      if (t.strict) for (const to of groupTargets(org, t.group, '组长')) out.push({ key: messageKey('notice', t.code, t.rev, i, 'lead', to.id), kind: 'send', to, msgType: 'interactive', render: { card: 'urge', ref: `task:${t.code}`, view: `urge:${t.rev}` } });
    }
  });
  return out;
}

/** A 'refresh' of a document's live cards (`escalation:ID`, `appeal:ID`): one patch per copy when relayed (docs/architecture.md#the-outbox-and-the-relay). */
export function docRefreshItem(kind: string, id: string, rev: number): OutboxItem {
  const ref = `${kind}:${id}`;
  return { key: messageKey('refresh', ref, rev), kind: 'refresh', ref, msgType: 'interactive', render: { card: kind, ref, view: '' } };
}
