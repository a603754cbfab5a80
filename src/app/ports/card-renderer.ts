import type { CardRender } from '../outbox-item';

/** What the outbox worker asks when it sends or updates a live card (implemented by app/card-views.ts). */
export interface CardRenderer {
  /** The card as it should look now; null when what it shows no longer exists. */
  render(r: CardRender): Promise<unknown | null>;
}
