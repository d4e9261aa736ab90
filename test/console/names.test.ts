import { describe, expect, it } from 'vitest';
import { authorOf, destinationName, personName } from '../../console/src/names.ts';
import { conversation, destinations, me, message } from './fixtures.ts';

describe('names in the console', () => {
  it('names a destination by its listed name, the agent’s own queue "You", and an unknown one by its id', () => {
    expect(destinationName('support', me, destinations)).toBe('Support');
    expect(destinationName('ana', me, destinations)).toBe('You');
    expect(destinationName('support', me, undefined)).toBe('support');
    expect(destinationName('billing', me, destinations)).toBe('billing');
  });

  it('names the author: the client by name, the agent itself "You", a colleague by name or id', () => {
    const chat = conversation();
    expect(authorOf(message(), chat, me, destinations)).toBe('Maria');
    expect(authorOf(message({ from: 'agent', employeeId: 'ana' }), chat, me, destinations)).toBe('You');
    expect(authorOf(message({ from: 'agent' }), chat, me, destinations)).toBe('You');
    expect(authorOf(message({ from: 'agent', employeeId: 'bo' }), chat, me, destinations)).toBe('Bo Chen');
    expect(authorOf(message({ from: 'agent', employeeId: 'bo' }), chat, me, undefined)).toBe('bo');
    expect(authorOf(message({ from: 'agent', employeeId: 'zed' }), chat, me, destinations)).toBe('zed');
  });

  it('joins first and last name without stray spaces', () => {
    expect(personName({ firstName: 'Bo', lastName: '' })).toBe('Bo');
    expect(personName({ firstName: '', lastName: '' })).toBe('');
  });
});
