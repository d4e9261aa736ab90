/**
 * Lambda event filtering (the EventBridge pattern syntax Lambda uses for event source mappings), as
 * its documentation states the rules: every key of a pattern must match; a leaf rule is a list of
 * alternatives, any of which may match; values compare exactly (strings, numbers, `null`); the
 * operators are `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (a value, a list, or a
 * `prefix`), `numeric` (`=`, `<`, `<=`, `>`, `>=` pairs), `exists`, and `wildcard`. A rule that names a
 * key whose value is an object never matches (rules match leaves), and an array value matches when
 * any of its elements does. A filter set matches when any of its filters does.
 */
export type Pattern = { [key: string]: Pattern | unknown[] };

export function matchesAny(patterns: Pattern[], event: unknown): boolean {
  return patterns.some((pattern) => matches(pattern, event));
}

export function matches(pattern: Pattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const value = isObject(event) ? event[key] : undefined;
    if (Array.isArray(rule)) return rule.some((alternative) => matchesLeaf(alternative, value));
    if (!isObject(rule)) throw new Error(`Invalid filter rule at ${key}: ${JSON.stringify(rule)}`);
    if (Array.isArray(value)) return value.some((item) => isObject(item) && matches(rule as Pattern, item));
    // Patterns match paths: below a key the record lacks, every path is absent (what `exists: false` asks).
    return matches(rule as Pattern, isObject(value) ? value : {});
  });
}

function matchesLeaf(rule: unknown, value: unknown): boolean {
  if (Array.isArray(value)) {
    if (isObject(rule) && 'exists' in rule) return rule.exists === value.length > 0;
    return value.some((item) => matchesLeaf(rule, item));
  }
  const isLeaf = value !== undefined && !isObject(value);
  if (!isObject(rule)) return isLeaf && rule === value;
  const [operator, argument] = Object.entries(rule)[0] ?? [];
  if (operator === 'exists') return argument === isLeaf;
  if (!isLeaf) return false;
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(argument));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(argument));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(argument).toLowerCase();
    case 'wildcard':
      return (
        typeof value === 'string' &&
        new RegExp(`^${String(argument).split('*').map(escapeRegExp).join('.*')}$`).test(value)
      );
    case 'anything-but': {
      if (isObject(argument) && 'prefix' in argument)
        return typeof value === 'string' && !value.startsWith(String(argument.prefix));
      const excluded = Array.isArray(argument) ? argument : [argument];
      return !excluded.includes(value);
    }
    case 'numeric':
      return typeof value === 'number' && numeric(argument as unknown[], value);
    default:
      throw new Error(`Lambda event filtering has no operator ${JSON.stringify(rule)}`);
  }
}

function numeric(conditions: unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const bound = Number(conditions[i + 1]);
    const ok = {
      '=': value === bound,
      '<': value < bound,
      '<=': value <= bound,
      '>': value > bound,
      '>=': value >= bound,
    }[String(conditions[i])];
    if (!ok) return false;
  }
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
