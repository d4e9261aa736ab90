import type { EntryContent } from '#domain/conversations/writes.ts';

/**
 * The bot conversation DialogStudio hands over as a transfer's first message (`$jsapi.chatHistory()`,
 * or the Transfer to agent block's chat-history option): turns `CLIENT\n<text>` and `BOT\n<text>`
 * separated by blank lines (PRODUCT.md section 5).
 */
export interface BotTurn {
  from: 'client' | 'bot';
  text: string;
}

/** A map, not an object literal: a line such as `toString` must not find `Object.prototype`'s. */
const speakers = new Map<string, BotTurn['from']>([
  ['CLIENT', 'client'],
  ['BOT', 'bot'],
]);

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** The text of a turn: its lines without the blank ones around them; undefined when nothing is left. */
function turnText(lines: string[]): string | undefined {
  const first = lines.findIndex((line) => !isBlank(line));
  if (first < 0) return undefined;
  const last = lines.findLastIndex((line) => !isBlank(line));
  return lines.slice(first, last + 1).join('\n');
}

/**
 * The turns of a text that is all turns, or undefined. A turn starts at a line that is exactly `CLIENT`
 * or `BOT` (trailing spaces allowed) at the start of the text or after a blank line; everything up to
 * the next such line is its text, blank lines and lines such as `BOT` inside a paragraph included, so a
 * bot reply of several paragraphs stays one turn. `\r\n` reads as `\n` (turn texts come with `\n`).
 * Anything else is not the format and stays one message: a first line that is not a speaker, or a turn
 * without text.
 */
export function parseBotHistory(text: string): BotTurn[] | undefined {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const turns: BotTurn[] = [];
  let current: { from: BotTurn['from']; lines: string[] } | undefined;
  let afterBlank = true;
  const close = () => {
    if (!current) return true;
    const body = turnText(current.lines);
    if (body === undefined) return false;
    turns.push({ from: current.from, text: body });
    return true;
  };
  for (const line of lines) {
    const speaker = afterBlank ? speakers.get(line.trimEnd()) : undefined;
    if (speaker) {
      if (!close()) return undefined;
      current = { from: speaker, lines: [] };
      afterBlank = false;
      continue;
    }
    afterBlank = isBlank(line);
    if (current) current.lines.push(line);
    else if (!afterBlank) return undefined;
  }
  if (!current || !close()) return undefined;
  return turns;
}

/** Turns as DialogStudio writes them: what `parseBotHistory` reads back. */
export function formatBotHistory(turns: BotTurn[]): string {
  return turns.map((turn) => `${turn.from === 'client' ? 'CLIENT' : 'BOT'}\n${turn.text}`).join('\n\n');
}

/**
 * At most this many transcript entries for one bot conversation. The turns are numbered in one write
 * and kept on the conversation item until they are written (its intent, 400 KB at most), and a 32,000
 * character message could hold thousands of them; past the bound, the oldest turns are folded into the
 * first entry, in their original format.
 */
export const MAX_HISTORY_ENTRIES = 200;

/**
 * The transcript entries of a bot conversation, oldest first: one per turn (`from` client or bot), or,
 * past `MAX_HISTORY_ENTRIES`, the oldest turns folded into one system entry that lists them as
 * DialogStudio sent them, then the newest turns one by one.
 */
export function historyEntries(turns: BotTurn[], max = MAX_HISTORY_ENTRIES): EntryContent[] {
  const entry = (from: EntryContent['from'], text: string): EntryContent => ({
    from,
    type: 'text',
    text,
    history: true,
  });
  if (turns.length <= max) return turns.map((turn) => entry(turn.from, turn.text));
  const folded = turns.length - (max - 1);
  return [
    entry('system', formatBotHistory(turns.slice(0, folded))),
    ...turns.slice(folded).map((turn) => entry(turn.from, turn.text)),
  ];
}
