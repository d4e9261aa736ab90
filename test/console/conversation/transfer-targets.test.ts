import { describe, expect, it } from 'vitest';
import {
  agentLabel,
  groupLabel,
  transferTargets,
} from '../../../console/src/conversation/transfer-targets.ts';
import { conversation, destinations, me } from '../fixtures.ts';

describe('where a conversation can be transferred', () => {
  it('offers every other group with whether someone is online, and every colleague once', () => {
    // Act
    const { groups, agents } = transferTargets(conversation(), me, destinations);
    // Assess
    expect(groups).toEqual([{ destinationId: 'sales', name: 'Sales', hasOnline: false }]);
    expect(agents).toEqual([
      { employeeId: 'bo', name: 'Bo Chen', online: false },
      { employeeId: 'cy', name: 'cy', online: true },
    ]);
    expect(groups.map(groupLabel)).toEqual(['Sales · nobody online']);
    expect(agents.map(agentLabel)).toEqual(['Bo Chen · offline', 'cy · online']);
  });

  it('offers the agent’s own groups by id until the destinations are loaded', () => {
    const { groups, agents } = transferTargets(conversation({ destinationId: 'sales' }), me, undefined);
    expect(groups).toEqual([{ destinationId: 'support', name: 'support', hasOnline: undefined }]);
    expect(groups.map(groupLabel)).toEqual(['support']);
    expect(agents).toEqual([]);
  });
});
