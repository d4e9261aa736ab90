import { describe, expect, it } from 'vitest';
import { duration, fileSize, plainValue, safeHref } from '../../console/src/format.ts';

/** How the agent console reads what clients send: plain rules, checked without a browser. */
describe('the console formats', () => {
  it('makes links only of http(s) URLs, so a client cannot plant a script link', () => {
    expect(safeHref('https://files.example.com/a b.pdf')).toBe('https://files.example.com/a%20b.pdf');
    expect(safeHref('http://example.com/x')).toBe('http://example.com/x');
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<b>x</b>',
      'not a url',
      '',
    ]) {
      expect(safeHref(url), url).toBeUndefined();
    }
  });

  it('says how long a conversation waited in words', () => {
    const start = '2026-01-01T10:00:00.000Z';
    const at = (minutes: number) => Date.parse(start) + minutes * 60_000;
    expect(duration(start, at(0.5))).toBe('just now');
    expect(duration(start, at(4))).toBe('4 min');
    expect(duration(start, at(125))).toBe('2 h 5 min');
    expect(duration(start, at(120))).toBe('2 h');
    expect(duration(start, at(60 * 24 * 3 + 5))).toBe('3 d');
    expect(duration(start, at(-5))).toBe('just now');
  });

  it('shows sizes and pre-chat values as a person reads them', () => {
    expect(fileSize(undefined)).toBe('');
    expect(fileSize(0)).toBe('');
    expect(fileSize(512)).toBe('512 B');
    expect(fileSize(20_480)).toBe('20.0 KB');
    expect(fileSize(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(plainValue('Lisbon')).toBe('Lisbon');
    expect(plainValue({ tier: 'gold', seats: 3 })).toBe('{"tier":"gold","seats":3}');
    expect(plainValue(12)).toBe('12');
  });
});
