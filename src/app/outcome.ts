import type { CardAnswer, ToastType } from './card-handler';
import type { Card } from './views';

/**
 * What a use case on a live document answers (an escalation, an appeal, minutes): done with a toast, or
 * refused with its kind. A card button shows it as a toast — a warning for a stale card, an error
 * otherwise — with the card as it is now.
 */
export type Outcome = { ok: true; toast: string } | { ok: false; kind: string; message: string };

export function outcomeAnswer(out: Outcome, card?: Card): CardAnswer {
  const type: ToastType = out.ok ? 'success' : out.kind === 'stale' ? 'warning' : 'error';
  const toast = { type, content: out.ok ? out.toast : out.message };
  return card ? { toast, card: { type: 'raw', data: card } } : { toast };
}

/** A form field as text ('' when absent). */
export function formText(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}
