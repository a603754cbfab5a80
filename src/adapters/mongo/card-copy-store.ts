import type { CardCopies, CardCopy } from '../../app/ports/card-copies';
import { CardRefs } from './card-refs';
import type { Locks } from '../../app/ports/locks';
import type { Models } from './models';

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
    return this.models.cardMessages.findById(messageId, { ref: 1, view: 1 }).lean<CardCopy>();
  }

  copies(ref: string): Promise<{ messageId: string; view: string }[]> {
    return this.refs.copies(ref);
  }
}
