/**
 * One of a thing per database connection (a model's `db`; a stand-in model without one gets its own),
 * made from the first model asked with and gone with the connection: the write gate, the card-copy
 * memory, the scan plan.
 */
export function perConnection<T, M extends { db?: object } = { db?: object }>(make: (model: M) => T): (model: M) => T {
  const made = new WeakMap<object, T>();
  return (model) => {
    const key = model.db ?? model;
    if (!made.has(key)) made.set(key, make(model));
    return made.get(key)!;
  };
}
