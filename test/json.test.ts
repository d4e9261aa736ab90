import { describe, expect, it } from 'vitest';
import { parseLenientJson } from '#domain/json.ts';

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
