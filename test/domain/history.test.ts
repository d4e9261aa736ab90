import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BotTurn,
  formatBotHistory,
  historyEntries,
  MAX_HISTORY_ENTRIES,
  parseBotHistory,
} from '#domain/conversations/history.ts';

/** The bot-history rules as pure functions: DialogStudio's `chatHistory()` text in, turns out. */

const speakerLine = (line: string) => ['CLIENT', 'BOT'].includes(line.trimEnd());
const blank = (line: string) => line.trim() === '';

/** A line of a turn's text: words, spaces, other scripts, emoji, blank lines, and the speaker words themselves. */
const line = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('', '   ', 'BOT', 'CLIENT', 'BOT ', 'CLIENT: hi', 'Sure!'),
);

/**
 * A turn's text the format can carry: no line break inside a line, not blank at either end, and no
 * speaker line right after a blank line (that would start a new turn: DialogStudio's format cannot
 * say otherwise).
 */
const turnText = fc
  .array(line, { minLength: 1, maxLength: 6 })
  .filter(
    (lines) =>
      lines.every((l) => !/[\r\n]/.test(l)) &&
      !blank(lines[0] as string) &&
      !blank(lines.at(-1) as string) &&
      lines.every((l, i) => i === 0 || !(blank(lines[i - 1] as string) && speakerLine(l))),
  )
  .map((lines) => lines.join('\n'));

const turn: fc.Arbitrary<BotTurn> = fc.record({ from: fc.constantFrom('client', 'bot'), text: turnText });
const history = fc.array(turn, { minLength: 1, maxLength: 25 });

describe('parseBotHistory', () => {
  it('reads the turns of a DialogStudio history', () => {
    // Prepare
    const text =
      'CLIENT\nI want to change my plan\n\nBOT\nWhich plan?\nWe have Basic and Pro.\n\nCLIENT\nPro';
    // Act
    const turns = parseBotHistory(text);
    // Assess
    expect(turns).toEqual([
      { from: 'client', text: 'I want to change my plan' },
      { from: 'bot', text: 'Which plan?\nWe have Basic and Pro.' },
      { from: 'client', text: 'Pro' },
    ]);
  });

  it('keeps blank lines inside a turn, and a speaker word that does not follow a blank line', () => {
    const text = 'BOT\nHello!\n\nHow can I help?\n\n\nCLIENT\nmy answer:\nBOT\nis a word\n\n';

    const turns = parseBotHistory(text);

    expect(turns).toEqual([
      { from: 'bot', text: 'Hello!\n\nHow can I help?' },
      { from: 'client', text: 'my answer:\nBOT\nis a word' },
    ]);
  });

  it('reads \\r\\n as \\n, and allows blank lines around the whole history and spaces after a speaker', () => {
    const text = '\r\n\r\nCLIENT  \r\nhi\r\n\r\nBOT\r\nhello\r\nthere\r\n';

    const turns = parseBotHistory(text);

    expect(turns).toEqual([
      { from: 'client', text: 'hi' },
      { from: 'bot', text: 'hello\nthere' },
    ]);
  });

  it.each([
    ['an ordinary message', 'Hello, I need help'],
    ['a speaker word in a sentence', 'CLIENT here, please help'],
    ['a speaker with a colon', 'CLIENT:\nhi\n\nBOT:\nhello'],
    ['a speaker in lower case', 'client\nhi\n\nbot\nhello'],
    ['a longer word', 'CLIENTS\nhi'],
    ['an indented speaker', ' CLIENT\nhi'],
    ['text before the first turn', 'Summary:\n\nCLIENT\nhi\n\nBOT\nhello'],
    ['a speaker without text', 'CLIENT'],
    ['a turn without text in the middle', 'CLIENT\nhi\n\nBOT\n\nCLIENT\nagain'],
    ['a turn without text at the end', 'CLIENT\nhi\n\nBOT\n  \n'],
    ['nothing', ''],
  ])('answers undefined for %s', (_name, text) => {
    expect(parseBotHistory(text)).toBeUndefined();
  });

  it('reads back every history it can write, with \\n or \\r\\n', () => {
    fc.assert(
      fc.property(history, fc.boolean(), (turns, crlf) => {
        const text = formatBotHistory(turns);

        const parsed = parseBotHistory(crlf ? text.replaceAll('\n', '\r\n') : text);

        expect(parsed).toEqual(turns);
      }),
      { numRuns: 300 },
    );
  });

  it('answers undefined for a near miss of a valid history: it stays one message', () => {
    const nearMiss = fc.oneof(
      fc.constant((text: string) => `Bot history:\n${text}`),
      fc.constant((text: string) => text.replace(/^(CLIENT|BOT)/, '$1:')),
      fc.constant((text: string) => text.replace(/^(CLIENT|BOT)/, (word) => word.toLowerCase())),
      fc.constant((text: string) => `${text}\n\nBOT`),
      fc.constant((text: string) => `CLIENT\n\n${text}`),
    );
    fc.assert(
      fc.property(history, nearMiss, (turns, spoil) => {
        const text = spoil(formatBotHistory(turns));

        const parsed = parseBotHistory(text);

        expect(parsed).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe('historyEntries', () => {
  it('lists one entry per turn, marked as history', () => {
    const turns: BotTurn[] = [
      { from: 'client', text: 'hi' },
      { from: 'bot', text: 'hello' },
    ];

    const entries = historyEntries(turns);

    expect(entries).toEqual([
      { from: 'client', type: 'text', text: 'hi', history: true },
      { from: 'bot', type: 'text', text: 'hello', history: true },
    ]);
  });

  it('reads a line named like an object property (toString, constructor) as text, not as a speaker', () => {
    const text = 'CLIENT\nHi\n\ntoString\n\nconstructor\n\nBOT\nHello';

    expect(parseBotHistory(text)).toEqual([
      { from: 'client', text: 'Hi\n\ntoString\n\nconstructor' },
      { from: 'bot', text: 'Hello' },
    ]);
  });

  it('folds the oldest turns into one entry past the bound, in their original format, and keeps the newest', () => {
    const turns: BotTurn[] = Array.from({ length: 7 }, (_, i) => ({
      from: i % 2 === 0 ? 'client' : 'bot',
      text: `turn ${i}`,
    }));

    const entries = historyEntries(turns, 4);

    expect(entries).toEqual([
      {
        from: 'system',
        type: 'text',
        text: 'CLIENT\nturn 0\n\nBOT\nturn 1\n\nCLIENT\nturn 2\n\nBOT\nturn 3',
        history: true,
      },
      { from: 'client', type: 'text', text: 'turn 4', history: true },
      { from: 'bot', type: 'text', text: 'turn 5', history: true },
      { from: 'client', type: 'text', text: 'turn 6', history: true },
    ]);
  });

  it('never writes more than the bound and never drops a turn', () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 2, max: 30 }), (turns, max) => {
        const entries = historyEntries(turns, max);

        expect(entries.length).toBeLessThanOrEqual(max);
        const [first, ...rest] = entries;
        const unfolded =
          first?.from === 'system' ? [...(parseBotHistory(first.text as string) ?? []), ...rest] : entries;
        expect(unfolded.map((entry) => ({ from: entry.from, text: entry.text }))).toEqual(turns);
      }),
      { numRuns: 300 },
    );
  });

  it('bounds the largest history a 32,000-character message can carry', () => {
    const text = Array.from({ length: 3700 }, (_, i) => (i % 2 === 0 ? 'CLIENT\nx' : 'BOT\ny')).join('\n\n');
    const turns = parseBotHistory(text) ?? [];

    const entries = historyEntries(turns);

    expect(text.length).toBeLessThanOrEqual(32_000);
    expect(turns).toHaveLength(3700);
    expect(entries).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(entries.slice(1).every((entry) => entry.text === 'x' || entry.text === 'y')).toBe(true);
  });
});
