/**
 * What the Lambda bundles use in place of `mnemonist/lru-cache` (an esbuild alias in `lib/bundling.ts`):
 * the DynamoDB client's endpoint-discovery cache is its only user, and DynamoDB discovers no endpoints
 * unless asked to, so a `Map` that forgets its oldest entry does the job of mnemonist's typed-array
 * cache (about 7 KiB of every bundle). The methods `@aws-sdk/endpoint-cache` calls, same behaviour.
 */
export default class LRUCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Reads without making the entry the most recent. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  clear(): void {
    this.entries.clear();
  }
}
