import { ValidationError } from '#domain/shared/errors.ts';
import { isStorableNumber, jsonText, parseLenientJson } from '#domain/shared/json.ts';

/**
 * Pre-chat data (`attributes`, `hiddenAttributes`, `customData` of `selectDestination`) in a form DynamoDB
 * stores as is. A handoff is never refused for the shape of this data, because a refused
 * `selectDestination` leaves a DialogStudio client without an agent; only its size is limited. What
 * DynamoDB could not store as is keeps what a person reads:
 *
 * - a number beyond exact integers (±(2^53−1)) or DynamoDB's range, or not finite: its decimal text
 *   (the request reader hands over such numbers as their text as sent);
 * - a container nested deeper than `prechatLimits.maxDepth` levels (the field itself is level 1), or an
 *   object with a key longer than `prechatLimits.maxKeyBytes`: its JSON text;
 * - the keys `__proto__`, `constructor`, `prototype` and `""` (and those with `~` in front of them): one
 *   more `~` in front, so `__proto__` reads `~__proto__`; no key can reach a prototype;
 * - a lone UTF-16 surrogate: U+FFFD;
 * - a field that is not an object: `{"value": ...}`; a string holding a JSON object: that object.
 *
 * Pure functions, no I/O.
 */

export type PrechatValue =
  | string
  | number
  | boolean
  | null
  | PrechatValue[]
  | { [key: string]: PrechatValue };
export type PrechatData = { [key: string]: PrechatValue };

export const prechatLimits = {
  /** The three fields of one request together, counted as DynamoDB counts item size. */
  maxBytes: 128 * 1024,
  /**
   * Levels kept as they are, the field's own object being level 1. DynamoDB allows 32 in an item; the
   * other 8 are for where the field sits (a notification payload nests it 5 deep).
   */
  maxDepth: 24,
  /** DynamoDB's limit for an attribute name in an expression, so a key may be named in any update. */
  maxKeyBytes: 255,
} as const;

export const prechatFields = ['attributes', 'hiddenAttributes', 'customData'] as const;
export type PrechatFields = Partial<Record<(typeof prechatFields)[number], Record<string, unknown>>>;

/** One pre-chat field as the use case gets it; `undefined` for a missing or null field. */
export function safePrechatField(value: unknown): PrechatData | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.trim() === '') return {};
  const object = typeof value === 'string' ? parseJsonObject(value) : isObject(value) ? value : undefined;
  const safe = object && safeValue(object, 1);
  if (isObject(safe)) return safe as PrechatData;
  return { value: safe ?? safeValue(value, 2) };
}

/**
 * The pre-chat fields of one `selectDestination` as sent (`#api/operator.ts` takes any JSON value), in
 * their safe form; more than `prechatLimits.maxBytes` together is refused as the schema refuses a body
 * (400 `invalid_request`), naming the largest field, before anything is written.
 */
export function readPrechat(sent: Partial<Record<(typeof prechatFields)[number], unknown>>): PrechatFields {
  const fields: PrechatFields = {};
  for (const field of prechatFields) {
    const safe = safePrechatField(sent[field]);
    if (safe !== undefined) fields[field] = safe;
  }
  const size = prechatSize(fields);
  if (size <= prechatLimits.maxBytes) return fields;
  const [largest] = prechatFields
    .map((field) => [field, prechatSize({ [field]: fields[field] })] as const)
    .reduce((a, b) => (b[1] > a[1] ? b : a));
  const message = `pre-chat fields take ${size} bytes together; the limit is ${prechatLimits.maxBytes}`;
  throw new ValidationError('invalid_request', `Invalid request body: ${largest}`, [
    { path: largest, message },
  ]);
}

/**
 * The UTF-8 bytes that pre-chat fields take in a DynamoDB item, counted as DynamoDB counts them
 * (attribute names included). The sum over the three fields of one request is limited to
 * `prechatLimits.maxBytes`.
 */
export function prechatSize(fields: PrechatFields): number {
  let size = 0;
  for (const field of prechatFields) {
    const value = fields[field];
    if (value !== undefined) size += utf8Bytes(field) + storedSize(value);
  }
  return size;
}

/** The key under which a pre-chat key is stored: `__proto__` → `~__proto__`, `~__proto__` → `~~__proto__`. */
function storedKey(key: string): string {
  return /^~*(__proto__|constructor|prototype)?$/.test(key) ? `~${key}` : key;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = parseLenientJson(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeObject(source: Record<string, unknown>, level: number): PrechatData {
  const out: PrechatData = {};
  for (const key of Object.keys(source))
    out[storedKey(key.replace(loneSurrogate, '\ufffd'))] = safeValue(source[key], level + 1);
  return out;
}

const loneSurrogate = /\p{Cs}/gu;

function safeValue(value: unknown, level: number): PrechatValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.replace(loneSurrogate, '\ufffd');
  if (typeof value === 'number') return isStorableNumber(value) ? value : String(value);
  if (Array.isArray(value)) {
    return level > prechatLimits.maxDepth ? jsonText(value) : value.map((item) => safeValue(item, level + 1));
  }
  if (isObject(value)) {
    const tooLong = Object.keys(value).some((key) => utf8Bytes(key) > prechatLimits.maxKeyBytes);
    return level > prechatLimits.maxDepth || tooLong ? jsonText(value) : safeObject(value, level);
  }
  return value === undefined ? null : String(value);
}

/** Item size as DynamoDB counts it: strings in UTF-8, numbers by significant digits, 3 bytes per container plus 1 per element. */
function storedSize(value: unknown): number {
  let size = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') size += utf8Bytes(next);
    else if (typeof next === 'number') size += numberSize(next);
    else if (Array.isArray(next)) {
      size += 3 + next.length;
      pending.push(...next);
    } else if (isObject(next)) {
      const keys = Object.keys(next);
      size += 3 + keys.length;
      for (const key of keys) {
        size += utf8Bytes(key);
        pending.push(next[key]);
      }
    } else size += 1;
  }
  return size;
}

function numberSize(value: number): number {
  const digits = String(Math.abs(value))
    .replace(/e.*$/, '')
    .replace('.', '')
    .replace(/^0+|0+$/g, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
