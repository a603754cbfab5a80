import { messageKey } from '../keys';
import type { OutboxItem } from '../outbox-item';

/** A 'refresh' of a document's live cards (`escalation:ID`, `appeal:ID`): one patch per copy when relayed (docs/architecture.md#the-outbox-and-the-relay). */
export function refreshItem(kind: 'escalation' | 'appeal', id: string, rev: number): OutboxItem {
  const ref = `${kind}:${id}`;
  return { key: messageKey('refresh', ref, rev), kind: 'refresh', ref, msgType: 'interactive', render: { card: kind, ref, view: '' } };
}
