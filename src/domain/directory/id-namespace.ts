import type { IdHolder } from '#domain/directory/ports.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { ConflictError } from '#domain/shared/errors.ts';

/**
 * The employee id of a channel's system sender, the author of automatic replies (PRODUCT.md section 5):
 * no agent or destination may take it, so DialogStudio never sees two senders under one id. A store
 * that holds one from before keeps it working; only new ones are refused.
 */
export const SYSTEM_EMPLOYEE_ID = 'system';

/**
 * Takes an id of the namespace agents and destinations share (DialogStudio names both with one
 * `destinationId`), for good: an id the other kind holds, or a removed destination's, is refused, so
 * a new agent can never inherit a group's conversations or be listed as one.
 */
export async function reserveId(deps: Deps, id: string, kind: 'agent' | 'destination', path: string) {
  if (id === SYSTEM_EMPLOYEE_ID) {
    throw new ConflictError('id_reserved', `${id} is the system sender's employee id; choose another id`, [
      { path, message: 'is reserved for the system sender' },
    ]);
  }
  const { directory } = deps.store;
  const other: IdHolder['kind'] = kind === 'agent' ? 'destination' : 'agent';
  // Ids taken before reservations existed have none: their records answer for them.
  const otherRecord =
    kind === 'agent' ? await directory.destinations.get(id) : await directory.agents.get(id);
  const holder: IdHolder = otherRecord
    ? { kind: other, reservedAt: '' }
    : await directory.reserveId(id, kind, deps.now().toISOString());
  if (holder.removedAt !== undefined) {
    throw new ConflictError(
      'id_reserved',
      `${id} belonged to a removed destination; an id is never used again`,
      [{ path, message: 'belonged to a removed destination' }],
    );
  }
  if (holder.kind !== kind) {
    throw new ConflictError(
      `${other}_exists`,
      `${id} is already ${other === 'agent' ? "an agent's employee id" : 'a destination id'}; destinations and agents share one namespace`,
      [{ path, message: other === 'agent' ? 'is an employee id' : 'is a destination id' }],
    );
  }
}
