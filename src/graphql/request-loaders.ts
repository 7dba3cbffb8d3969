import DataLoader from 'dataloader';

/**
 * DataLoaders of one GraphQL request: nested fields of many parents are fetched in one batched,
 * policy-filtered query per field, so the statement count does not grow with the number of rows.
 * Created per request, so nothing (in particular no authorization decision) outlives it.
 */
export class RequestLoaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(name: string, batch: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
    let loader = this.loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch);
      this.loaders.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }

  /** Forgets every loader: their batches were made for a principal the request no longer acts with (PrincipalConfirmation). */
  clear(): void {
    this.loaders.clear();
  }
}

/** Rows grouped under each key, in the order of `keys` (what a DataLoader batch returns). */
export function groupBy<K, T>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): T[][] {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

/** The row for each key, or null, in the order of `keys`. */
export function oneBy<K, T>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): (T | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}
