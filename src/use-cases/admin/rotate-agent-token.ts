import type { Deps } from '#domain/shared/deps.ts';
import { newCredential } from '#domain/shared/ids.ts';
import { existingAgent } from '#use-cases/admin/checks.ts';
import { endSessions } from '#use-cases/admin/end-sessions.ts';

/**
 * A new token for the agent (and its access back, if it was revoked); the old token stops working at
 * once, and so do its live sessions and unredeemed tickets.
 */
export async function rotateAgentToken(deps: Deps, employeeId: string) {
  const agent = await existingAgent(deps, employeeId);
  const { token, secretHash } = newCredential(employeeId);
  await endSessions(deps, agent, { secretHash, revoked: false });
  return { token };
}
