import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '#domain/conversations/model.ts';
import { decodeCursor, encodeCursor, positionOf } from '#domain/conversations/paging.ts';
import { ValidationError } from '#domain/shared/errors.ts';
import { messageId, seqOfMessageId } from '#domain/shared/ids.ts';

/** Paging positions as pure functions: a cursor goes out and comes back, and nothing else gets in. */

const conversation = {
  conversationId: 'cv_AbC-12_xyz',
  createdAt: '2026-12-04T10:00:00.123Z',
} as Conversation;

/** What a refused cursor is: the 400 of a bad query, naming `cursor`. */
function refusalOf(cursor: string): ValidationError {
  try {
    decodeCursor(cursor);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`cursor ${cursor} was taken`);
}

describe('conversation list cursors', () => {
  it('give back the position they were made from', () => {
    const cursor = encodeCursor(positionOf(conversation));

    expect(cursor).toMatch(/^[\w-]+\.[\w-]{8}$/);
    expect(decodeCursor(cursor)).toBe('2026-12-04T10:00:00.123Z#cv_AbC-12_xyz');
  });

  it('round-trip every position a conversation can have', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }),
        fc.stringMatching(/^cv_[\w-]{1,32}$/),
        (createdAt, conversationId) => {
          const position = positionOf({ conversationId, createdAt: createdAt.toISOString() } as Conversation);
          expect(decodeCursor(encodeCursor(position))).toBe(position);
        },
      ),
    );
  });

  it('mean the first page when none is given', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
  });

  const cursor = encodeCursor(positionOf(conversation));
  const [encoded, check] = cursor.split('.');
  const earlier = encodeCursor('2026-12-01T00:00:00.000Z#cv_other');
  it.each([
    ['a message id (the transcript pages by those)', 'cv_1-3'],
    ['a cursor cut short', `${encoded?.slice(0, -4)}.${check}`],
    ['a cursor with garbage added', `${encoded}!!!!.${check}`],
    [
      'a cursor with a character changed',
      `${encoded?.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'))}.${check}`,
    ],
    ["a cursor with another one's check", `${encoded}.${earlier.split('.')[1]}`],
    ['a cursor without its check', `${encoded}`],
    ['a cursor with two checks', `${cursor}.${check}`],
    ['a position with a key shape inside, checked', encodeCursor('2026-12-04T10:00:00.123Z#CONV#cv_1')],
    ['a position without its time, checked', encodeCursor('#cv_1')],
    ['an empty cursor', ''],
    ['a cursor of another API', Buffer.from('{"pk":"CONV#cv_1","sk":"META"}').toString('base64')],
  ])('refuse %s as a bad query naming cursor', (_what, cursor) => {
    const refusal = refusalOf(cursor);

    expect(refusal.code).toBe('invalid_query');
    expect(refusal.issues).toEqual([{ path: 'cursor', message: 'not a cursor this API gave out' }]);
  });

  it('never fail otherwise than as a bad query, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (cursor) => {
        try {
          const position = decodeCursor(cursor);
          expect(encodeCursor(position as string)).toBe(cursor);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
    );
  });
});

describe('transcript positions (message ids)', () => {
  it("give back the number of the conversation's own message", () => {
    expect(seqOfMessageId('cv_1', messageId('cv_1', 42))).toBe(42);
  });

  it('refuse an id of another conversation, even one whose id starts the same', () => {
    expect(seqOfMessageId('cv_1', messageId('cv_2', 3))).toBeUndefined();
    expect(seqOfMessageId('cv_1', messageId('cv_1-3', 4))).toBeUndefined();
  });

  it.each(['cv_1-0', 'cv_1--3', 'cv_1-1.5', 'cv_1-', 'cv_1-9007199254740993', 'cv_1-abc'])(
    'refuse %s, which no message has',
    (id) => {
      expect(seqOfMessageId('cv_1', id)).toBeUndefined();
    },
  );
});
