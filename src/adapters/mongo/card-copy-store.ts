import type { CardCopies, CardCopy } from '../../app/ports/card-copies';
import { CardRefs } from './card-refs';
import type { Locks } from '../../app/ports/locks';
import type { Models } from './models';
import { perConnection } from './per-connection';

/**
 * What card_messages says of a message — the card it is and whose copy — never changes once written
 * (a replacement is a new message; nothing deletes them), so this instance remembers it: the copies it
 * recorded as the outbox sent them, and those it read. A click on a card sent since the start then
 * needs no read to know which copy was pressed (docs/architecture.md#the-hot-path). At most KEEP, the
 * oldest forgotten first; one memory per connection (the sender and the reader share it).
 */
const KEEP = 50_000;
const memoryOf = perConnection(() => new Map<string, CardCopy>());

/** Remembers a recorded copy (`model`: the card_messages model). */
export function rememberCopy(model: { db?: object }, messageId: string, copy: CardCopy): void {
  const m = memoryOf(model);
  m.set(messageId, { ref: copy.ref, view: copy.view });
  if (m.size > KEEP) m.delete(m.keys().next().value as string);
}

/** card_messages (each sent live card by message id) and card_refs (the copies of each ref). */
export class MongoCardCopies implements CardCopies {
  private readonly refs: CardRefs;

  constructor(
    private readonly models: Models,
    locks: Locks,
  ) {
    this.refs = new CardRefs(models, locks);
  }

  async sentAs(messageId: string): Promise<CardCopy | null> {
    const known = memoryOf(this.models.cardMessages).get(messageId);
    if (known) return known;
    const copy = await this.models.cardMessages.findById(messageId, { ref: 1, view: 1 }).lean<CardCopy>();
    if (copy) rememberCopy(this.models.cardMessages, messageId, copy);
    return copy;
  }

  copies(ref: string): Promise<{ messageId: string; view: string }[]> {
    return this.refs.copies(ref);
  }
}
