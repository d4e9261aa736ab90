/**
 * Just enough of Lambda's event filtering (EventBridge pattern syntax) to run the stack's stream filters
 * against sample records: every key of the pattern must match; a leaf is a list of alternatives, each a
 * value to equal, `{exists}` or `{prefix}`. As in AWS, `exists` and values match leaves only: a key
 * whose value is an object (a DynamoDB map's `M`) never matches a leaf rule; and a path the record does
 * not have at all (`NewImage.leaseOwner.S` without `leaseOwner`) matches `{exists: false}`.
 */
export type Pattern = { [key: string]: Pattern | unknown[] };

export function matches(pattern: Pattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const value = isObject(event) ? event[key] : undefined;
    if (Array.isArray(rule)) return rule.some((alternative) => matchesLeaf(alternative, value));
    // Patterns match paths: below a key the record lacks, every path is absent (what `exists: false` asks).
    return matches(rule as Pattern, isObject(value) ? value : {});
  });
}

function matchesLeaf(rule: unknown, value: unknown): boolean {
  const isLeaf = value !== undefined && !isObject(value) && !Array.isArray(value);
  if (isObject(rule) && 'exists' in rule) return rule.exists === isLeaf;
  if (!isLeaf) return false;
  if (isObject(rule) && 'prefix' in rule)
    return typeof value === 'string' && value.startsWith(String(rule.prefix));
  if (isObject(rule)) throw new Error(`Operator not implemented here: ${JSON.stringify(rule)}`);
  return rule === value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
