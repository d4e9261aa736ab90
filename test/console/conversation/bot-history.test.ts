import { describe, expect, it } from 'vitest';
import { splitBotHistory, turnCount } from '../../../console/src/conversation/bot-history.ts';
import { message } from '../fixtures.ts';

/** Where the console puts the bot conversation in a transcript, and how many turns it says it had. */
describe('the bot conversation in the console transcript', () => {
  const opened = message({ id: 'm-1', from: 'system', type: 'note', note: 'opened', text: 'Opened' });
  const turn1 = message({ id: 'm-2', from: 'client', text: 'hi', history: true });
  const turn2 = message({ id: 'm-3', from: 'bot', text: 'hello', history: true });
  const carrier = message({ id: 'm-4', from: 'client', text: 'CLIENT\nhi\n\nBOT\nhello' });
  const live = message({ id: 'm-5', from: 'agent', text: 'Ana here' });

  it('cuts the transcript into the notes before, the turns, the message that carried them, and the live messages', () => {
    const parts = splitBotHistory([opened, turn1, turn2, carrier, live]);

    expect(parts).toEqual({ before: [opened], history: [turn1, turn2], carrier, after: [live] });
  });

  it('leaves a transcript without turns as it is', () => {
    const parts = splitBotHistory([opened, carrier, live]);

    expect(parts).toEqual({ before: [opened, carrier, live], history: [], after: [] });
  });

  it('takes no carrier when the turns are the last entries loaded', () => {
    const parts = splitBotHistory([opened, turn1, turn2]);

    expect(parts).toEqual({ before: [opened], history: [turn1, turn2], carrier: undefined, after: [] });
  });

  it('counts each turn, and each turn an entry of earlier turns lists', () => {
    const earlier = message({
      from: 'system',
      history: true,
      text: 'CLIENT\nfirst\n\nBOT\nsecond\nBOT\nstill the second\n\nCLIENT\nthird',
    });

    expect(turnCount([earlier, turn1, turn2])).toBe(5);
  });
});
