import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prechatLimits, prechatSize, safePrechatField } from '#domain/conversations/prechat.ts';
import { jsonText, parseLenientJson } from '#domain/shared/json.ts';

/** A JSON number as sent, and what the use case must get for it: the number itself or its text. */
interface Leaf {
  token: string;
  expected: number | string;
}

const maxSafe = Number.MAX_SAFE_INTEGER;
const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  fc.integer({ min: -maxSafe, max: maxSafe }).map((n) => ({ token: String(n), expected: n })),
  fc
    .bigInt({ min: BigInt(maxSafe) + 1n, max: 10n ** 60n })
    .chain((n) => fc.constantFrom(n, -n))
    .map((n) => ({ token: String(n), expected: String(n) })),
  fc
    .double({ noNaN: true, noDefaultInfinity: true, min: -1e120, max: 1e120 })
    .filter((x) => !Number.isInteger(x) && Math.abs(x) >= 1e-130)
    .map((x) => ({ token: String(x), expected: x })),
  fc
    .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 131, max: 2000 }), fc.boolean())
    .map(([digit, exponent, negative]) => `${digit}e${negative ? '-' : ''}${exponent}`)
    .map((token) => ({ token, expected: token })),
  fc
    .tuple(fc.integer({ min: 0, max: 9 }), fc.stringMatching(/^[0-9]{25,40}[1-9]$/))
    .map(([whole, fraction]) => `${whole}.${fraction}`)
    .map((token) => ({ token, expected: token })),
);

/** Keys DynamoDB or JavaScript treat specially, and what they are stored as. */
const specialKeys: Record<string, string> = {
  '': '~',
  '~': '~~',
  __proto__: '~__proto__',
  '~__proto__': '~~__proto__',
  constructor: '~constructor',
  prototype: '~prototype',
};
const ordinaryKey = fc
  .string({ maxLength: 12 })
  .filter((key) => !/^~*(__proto__|constructor|prototype)?$/.test(key));
const key = fc.oneof(ordinaryKey, fc.constantFrom(...Object.keys(specialKeys)));

type Tree = Leaf | string | boolean | null | Tree[] | { entries: [string, Tree][] };

/** Trees up to 32 levels deep, so that some cross the limit of 24. */
const tree = fc.letrec<{ node: Tree }>((self) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 32 },
    leaf,
    fc.string({ maxLength: 8 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(self('node'), { maxLength: 3 }),
    fc
      .uniqueArray(fc.tuple(key, self('node')), { maxLength: 3, selector: ([name]) => name })
      .map((entries) => ({ entries })),
  ),
})).node;
const rootObject = fc
  .uniqueArray(fc.tuple(key, tree), { maxLength: 4, selector: ([name]) => name })
  .map((entries) => ({ entries }));

function isLeaf(node: Tree): node is Leaf {
  return typeof node === 'object' && node !== null && 'token' in node;
}

function toJson(node: Tree): string {
  if (isLeaf(node)) return node.token;
  if (Array.isArray(node)) return `[${node.map(toJson).join(',')}]`;
  if (node !== null && typeof node === 'object') {
    return `{${node.entries.map(([name, value]) => `${JSON.stringify(name)}:${toJson(value)}`).join(',')}}`;
  }
  return JSON.stringify(node);
}

/** What the use case must see: numbers as the oracle says, keys escaped, containers past level 24 as text. */
function expectedOf(node: Tree, level: number): unknown {
  if (isLeaf(node)) return node.expected;
  const container = Array.isArray(node) || (node !== null && typeof node === 'object');
  if (container && level > prechatLimits.maxDepth) return expect.stringMatching(/^[[{]/);
  if (Array.isArray(node)) return node.map((item) => expectedOf(item, level + 1));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      node.entries.map(([name, value]) => [
        Object.hasOwn(specialKeys, name) ? specialKeys[name] : name,
        expectedOf(value, level + 1),
      ]),
    );
  }
  return node;
}

function maxDepthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(maxDepthOf));
  if (value !== null && typeof value === 'object')
    return 1 + Math.max(0, ...Object.values(value).map(maxDepthOf));
  return 0;
}

function everyPrototypeIsPlain(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(everyPrototypeIsPlain);
  if (value === null || typeof value !== 'object') return true;
  return (
    Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(everyPrototypeIsPlain)
  );
}

describe('pre-chat data in a form DynamoDB stores', () => {
  it('keeps every number a JavaScript reader gets back exactly, and the text as sent of every other', () => {
    const body =
      '{"big": 12345678901234567890, "huge": 1e400, "tiny": 1e-200, "long": 0.1000000000000000000000001,' +
      ' "max": 9007199254740991, "past": 9007199254740993, "half": 1.50, "ten": 1E1, "neg": -0}';
    expect(safePrechatField(parseLenientJson(body))).toEqual({
      big: '12345678901234567890',
      huge: '1e400',
      tiny: '1e-200',
      long: '0.1000000000000000000000001',
      max: 9007199254740991,
      past: '9007199254740993',
      half: 1.5,
      ten: 10,
      neg: -0,
    });
    expect(safePrechatField({ inf: Number.POSITIVE_INFINITY, nan: Number.NaN, e: 1e200 })).toEqual({
      inf: 'Infinity',
      nan: 'NaN',
      e: '1e+200',
    });
  });

  it('stores __proto__, constructor, prototype and empty keys under readable names and pollutes nothing', () => {
    const sent = parseLenientJson(
      '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "": "e", "~": "t"}',
    );
    const safe = safePrechatField(sent);
    expect(safe).toEqual({
      '~__proto__': { polluted: 1 },
      '~constructor': { '~prototype': { polluted: 2 } },
      '~': 'e',
      '~~': 't',
    });
    expect(everyPrototypeIsPlain(safe)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps nesting past 24 levels as JSON text, however deep', () => {
    const depth = 20_000;
    const safe = safePrechatField(parseLenientJson(`{"deep": ${'['.repeat(depth)}1${']'.repeat(depth)}}`));
    expect(maxDepthOf(safe)).toBe(prechatLimits.maxDepth);
    let inner: unknown = safe?.deep;
    while (Array.isArray(inner)) inner = inner[0];
    expect(inner).toBe(`${'['.repeat(depth - 23)}1${']'.repeat(depth - 23)}`);
  });

  it('keeps an object with a key too long for DynamoDB as its JSON text', () => {
    const longKey = 'k'.repeat(300);
    expect(safePrechatField({ outer: { [longKey]: 1 } })).toEqual({ outer: `{"${longKey}":1}` });
    expect(safePrechatField({ [longKey]: 1 })).toEqual({ value: `{"${longKey}":1}` });
  });

  it('reads a field sent as a JSON string, keeps any other shape under "value", and drops null', () => {
    expect(safePrechatField('{"plan": "gold", "n": 1e999}')).toEqual({ plan: 'gold', n: '1e999' });
    expect(safePrechatField('{not json')).toEqual({ value: '{not json' });
    expect(safePrechatField('[1, 2]')).toEqual({ value: '[1, 2]' });
    expect(safePrechatField(' ')).toEqual({});
    expect(safePrechatField([1, { a: 2 }])).toEqual({ value: [1, { a: 2 }] });
    expect(safePrechatField(42)).toEqual({ value: 42 });
    expect(safePrechatField(null)).toBeUndefined();
    expect(safePrechatField('\ud800 lone')).toEqual({ value: '\ufffd lone' });
  });

  it('counts size in UTF-8 bytes as DynamoDB does, names included', () => {
    expect(prechatSize({ attributes: { a: 'é' } })).toBe('attributes'.length + 3 + 1 + 1 + 2);
    expect(prechatSize({ customData: { n: 12345 } })).toBe('customData'.length + 3 + 1 + 1 + 4);
    expect(prechatSize({})).toBe(0);
  });

  it('writes JSON text without recursion, equal to JSON.stringify where that works', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonText(value)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('turns any generated JSON into what the oracle expects, storable and unpolluted', () => {
    fc.assert(
      fc.property(rootObject, (root) => {
        const safe = safePrechatField(parseLenientJson(toJson(root)));
        expect(safe).toEqual(expectedOf(root, 1));
        expect(maxDepthOf(safe)).toBeLessThanOrEqual(prechatLimits.maxDepth);
        expect(everyPrototypeIsPlain(safe)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
