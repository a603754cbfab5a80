/**
 * A bounded set of ids, oldest evicted first (insertion order): what this instance knows to be settled for
 * good, so a repeat is answered from memory. Only a positive cache: an id not in it says nothing, and the
 * caller asks the database (docs/architecture.md#the-hot-path).
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly max = 100_000) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
  }

  get size(): number {
    return this.ids.size;
  }
}
