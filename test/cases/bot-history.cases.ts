import { describe, expect, it } from 'vitest';
import type { Wired } from '#deps';
import { type Client, seedAgent, seedChannel } from '../support/clients.ts';

/**
 * The bot conversation in the Agent API's transcript (PRODUCT.md section 5), as DialogStudio hands it
 * over: selectDestination, then the history as the first sendText. Run in-process, over HTTP and
 * deployed, with the Agent API cases.
 */
export function botHistoryCases(context: () => { client: Client; deps: Wired }) {
  const history = 'CLIENT\nMy order has not arrived\n\nBOT\nWhat is your order number?\n\nCLIENT\n4711';

  async function handedOver(text: string) {
    const { client, deps } = context();
    const { api, support } = await seedChannel(deps);
    const opened = await client('POST', `${api}/selectDestination`, {
      userId: 'bot-client',
      destinationId: support.destinationId,
    });
    const sent = await client('POST', `${api}/sendText`, { userId: 'bot-client', text });
    const agent = await seedAgent(deps, [support.destinationId]);
    const path = `/agent/conversations/${opened.body.conversationId}/messages`;
    const read = async (query = '') => (await client('GET', `${path}${query}`, undefined, agent.auth)).body;
    return { client, api, agent, path, sent, read };
  }

  type Entry = { id: string; from: string; type: string; text?: string; history?: boolean; note?: string };
  const shape = (entries: Entry[]) =>
    entries.map((m) => `${m.from}:${m.type}:${m.history ? 'history:' : ''}${m.note ?? m.text}`);

  describe('the bot conversation in the transcript', () => {
    it('lists the turns of a history-format first message, marked history, before the message kept as sent', async () => {
      // Prepare
      const { sent, read } = await handedOver(history);
      // Act
      const transcript = await read();
      // Assess
      expect(sent.status).toBe(200);
      expect(shape(transcript.messages)).toEqual([
        'system:note:opened',
        'client:text:history:My order has not arrived',
        'bot:text:history:What is your order number?',
        'client:text:history:4711',
        `client:text:${history}`,
      ]);
      expect(transcript.messages.at(-1).id).toBe(sent.body.messageId);
      expect(transcript.messages.at(-1).history).toBeUndefined();
    });

    it('keeps a second message in the history format one message', async () => {
      // Prepare
      const { client, api, read } = await handedOver('Hello');
      // Act
      const second = await client('POST', `${api}/sendText`, { userId: 'bot-client', text: history });
      const transcript = await read();
      // Assess
      expect(second.status).toBe(200);
      expect(shape(transcript.messages)).toEqual([
        'system:note:opened',
        'client:text:Hello',
        `client:text:${history}`,
      ]);
    });

    it('pages a history longer than a page with next, in order, to the message', async () => {
      // Prepare
      const turns = Array.from({ length: 150 }, (_, i) => `${i % 2 === 0 ? 'CLIENT' : 'BOT'}\nturn ${i}`);
      const { read } = await handedOver(turns.join('\n\n'));
      // Act
      const first = await read();
      const second = await read(`?after=${encodeURIComponent(first.next)}`);
      // Assess
      expect(first.messages).toHaveLength(100);
      expect(first.next).toBe(first.messages.at(-1).id);
      expect(second.next).toBeUndefined();
      const all: Entry[] = [...first.messages, ...second.messages];
      const listed = all.filter((m) => m.history);
      expect(listed.map((m) => m.text)).toEqual(turns.map((_, i) => `turn ${i}`));
      expect(listed.map((m) => m.from)).toEqual(turns.map((_, i) => (i % 2 === 0 ? 'client' : 'bot')));
      expect(all.at(-1)).toMatchObject({ from: 'client', text: turns.join('\n\n') });
    });
  });
}
