/**
 * The bot's live cards as sent (docs/architecture.md#ports-of-the-core): which card a message is (what it shows,
 * whose copy), and the copies of what a card shows, so a reply or a click knows its card and a change
 * updates every copy.
 */
export interface CardCopy {
  ref: string; // what it shows: task:DB-2026-0001, order:…, escalation:…
  view: string; // whose copy: unit | co | group | rollup | leader …
}

export interface CardCopies {
  /** The card this message is, if the bot sent it as a live card. */
  sentAs(messageId: string): Promise<CardCopy | null>;
  /** The live copies of what `ref` shows. */
  copies(ref: string): Promise<{ messageId: string; view: string }[]>;
}
