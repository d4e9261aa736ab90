import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStorableNumber, parseLenientJson } from '#domain/shared/json.ts';

describe('lenient JSON', () => {
  it('accepts the trailing comma of the seed page example', () => {
    expect(parseLenientJson('{\n"url": "http://h/x",\n}')).toEqual({ url: 'http://h/x' });
    expect(parseLenientJson('[1, 2, ]')).toEqual([1, 2]);
  });

  it('keeps commas inside strings and still rejects broken JSON', () => {
    expect(parseLenientJson('{"text": "a, }", }')).toEqual({ text: 'a, }' });
    expect(parseLenientJson('{"text": "quote \\" , ]"}')).toEqual({ text: 'quote " , ]' });
    expect(() => parseLenientJson('{"a": }')).toThrow(SyntaxError);
    expect(() => parseLenientJson('not json')).toThrow(SyntaxError);
  });
});

describe('the JSON reader', () => {
  it('reads what JSON.parse reads, the same way, but numbers a JavaScript number would change', () => {
    const asSent = (_key: string, value: unknown) =>
      typeof value === 'number' && !isStorableNumber(value) ? String(value) : value;
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(parseLenientJson(text)).toEqual(JSON.parse(text, asSent));
      }),
    );
  });

  it('refuses what JSON.parse refuses, but for trailing commas', () => {
    const broken = [
      '',
      '{',
      '[1,,]',
      '{"a" 1}',
      '"\t"',
      '01',
      '1.',
      '.5',
      '+1',
      'nul',
      '"\\x"',
      '"\\u12"',
      '[1] x',
      "{'a':1}",
    ];
    for (const text of broken) expect(() => parseLenientJson(text), text).toThrow(SyntaxError);
  });

  it('reads any nesting depth without overflowing the stack', () => {
    const depth = 50_000;
    let value = parseLenientJson(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    let levels = 0;
    while (Array.isArray(value) && value.length <= 1) {
      levels++;
      value = value[0];
    }
    expect(levels).toBe(depth);
  });

  it('keeps a __proto__ key as an own property, as JSON.parse does', () => {
    const value = parseLenientJson('{"__proto__": {"admin": true}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('hands over numbers a JavaScript number would change as their text as sent', () => {
    expect(parseLenientJson('[12345678901234567890, 1e400, 1e-200, 42, 1.5, 2.50e1]')).toEqual([
      '12345678901234567890',
      '1e400',
      '1e-200',
      42,
      1.5,
      25,
    ]);
  });
});
