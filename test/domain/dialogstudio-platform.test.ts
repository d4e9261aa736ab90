import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '#domain/conversations/model.ts';
import type { ConversationView } from '#domain/conversations/writes.ts';
import type { Agent } from '#domain/directory/model.ts';
import { dialogStudio } from '#domain/platform/dialogstudio/platform.ts';
import type { PlatformEvent } from '#domain/platform/ports.ts';

/**
 * DialogStudio behind the platform port: the bodies posted to its webhook, byte for byte as the seed
 * page (../shared/spec/dialogstudio-operator-api.txt) shapes them, keys in the order they have always
 * been sent. A change here is a change on DialogStudio's wire.
 */
describe('DialogStudio platform events', () => {
  const platform = dialogStudio({ DEFAULT_AVATAR_URL: 'https://example.com/default.png' });
  const agent: Agent = {
    employeeId: 'anna',
    firstName: 'Anna',
    lastName: 'Smith',
    destinations: ['support'],
    secretHash: 'not-used',
    revoked: false,
    online: true,
    createdAt: '2026-12-04T10:00:00.000Z',
  };
  const sender = platform.senderOf(agent);

  /** The body the event gets once its entry is numbered: the entry's id and the conversation's user. */
  const bodyOf = (event: PlatformEvent) =>
    JSON.stringify(
      event.payload({ id: 'cv_1-2' } as TranscriptEntry, { userId: 'client-1' } as ConversationView),
    );
  const employee =
    '"employee":{"employeeId":"anna","firstName":"Anna","lastName":"Smith","avatarUrl":"https://example.com/default.png"}';

  it('shows an agent without an avatar with the default one, every field a string', () => {
    expect(sender).toStrictEqual({
      employeeId: 'anna',
      firstName: 'Anna',
      lastName: 'Smith',
      avatarUrl: 'https://example.com/default.png',
    });
    expect(platform.senderOf({ ...agent, avatarUrl: 'https://example.com/anna.png' }).avatarUrl).toBe(
      'https://example.com/anna.png',
    );
  });

  it('sends a text as a TextMessage', () => {
    const event = platform.text(sender, 'Hi, how can I help?');

    expect(event.target).toBe('dialogstudio');
    expect(bodyOf(event)).toBe(
      `{"id":"cv_1-2","userId":"client-1","type":"TextMessage","text":"Hi, how can I help?",${employee}}`,
    );
  });

  it('sends a file as a FileMessage with an integer size and every field present', () => {
    const event = platform.file(sender, {
      url: 'https://example.com/a.pdf',
      name: 'a.pdf',
      size: 1024.7,
      comment: '',
    });

    expect(bodyOf(event)).toBe(
      `{"id":"cv_1-2","userId":"client-1","type":"FileMessage","url":"https://example.com/a.pdf",${employee},"name":"a.pdf","size":1024,"comment":""}`,
    );
  });

  it('sends the close as Closed', () => {
    expect(bodyOf(platform.closed(sender))).toBe(
      `{"id":"cv_1-2","userId":"client-1","type":"Closed",${employee}}`,
    );
  });

  it('sends a transfer as SelectDestination with a boolean hasOnline', () => {
    const event = platform.destinationSelected(sender, {
      destinationId: 'sales',
      name: 'Sales',
      hasOnline: false,
    });

    expect(bodyOf(event)).toBe(
      `{"id":"cv_1-2","userId":"client-1","type":"SelectDestination","destination":{"destinationId":"sales","name":"Sales","hasOnline":false},${employee}}`,
    );
  });

  it('knows its own close among the bodies it built, and only that one', () => {
    const bodies = [
      platform.text(sender, 'Closed'),
      platform.closed(sender),
      platform.destinationSelected(sender, { destinationId: 'sales', name: 'Sales', hasOnline: true }),
    ].map((event) => JSON.parse(bodyOf(event)));

    expect(bodies.map((body) => platform.isClosed(body))).toEqual([false, true, false]);
    expect(platform.isClosed({ type: 'conversation.closed' })).toBe(false);
  });
});
