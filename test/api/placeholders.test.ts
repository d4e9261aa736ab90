import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillPlaceholders } from '#api/placeholders.ts';

const values = {
  userName: 'Marta',
  attributes: { plan: 'Gold', orders: 3, vip: true, address: { city: 'Berlin' }, empty: '' },
  agentFirstName: 'Ada',
};

describe('filling the placeholders of a canned reply', () => {
  it('fills the user name, attributes and the agent first name, each as often as it appears', () => {
    // Act
    const filled = fillPlaceholders(
      'Hi {userName}, {agentFirstName} here. Your {attributes.plan} plan, {attributes.orders} orders, vip {attributes.vip}. Bye {userName}',
      values,
    );

    // Assess
    expect(filled).toBe('Hi Marta, Ada here. Your Gold plan, 3 orders, vip true. Bye Marta');
  });

  it('leaves as typed what has no value: a missing, empty or object attribute, an unknown name, stray braces', () => {
    // Act
    const filled = fillPlaceholders(
      '{attributes.crmToken} {attributes.address} {attributes.empty} {attributes.toString} {attributes.__proto__} {firstName} {user name} {',
      values,
    );

    // Assess
    expect(filled).toBe(
      '{attributes.crmToken} {attributes.address} {attributes.empty} {attributes.toString} {attributes.__proto__} {firstName} {user name} {',
    );
  });

  it('reads attribute keys with dots, spaces and dashes as given', () => {
    // Act
    const filled = fillPlaceholders('{attributes.order.id} {attributes.first name} {attributes.x-y}', {
      ...values,
      attributes: { 'order.id': 'A-1', 'first name': 'M', 'x-y': 'z' },
    });

    // Assess
    expect(filled).toBe('A-1 M z');
  });

  it('leaves the user name as typed when the conversation has none', () => {
    expect(fillPlaceholders('Hi {userName}', { ...values, userName: '' })).toBe('Hi {userName}');
  });

  it('never fills from anything but the values given, and never touches text without placeholders', () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !text.includes('{')),
        (text) => {
          expect(fillPlaceholders(text, values)).toBe(text);
        },
      ),
    );
  });

  it('does not fill a value into a placeholder that a filled value spells', () => {
    // Act
    const filled = fillPlaceholders('{userName}', { ...values, userName: '{agentFirstName}' });

    // Assess
    expect(filled).toBe('{agentFirstName}');
  });
});
