import type { Agent } from '#domain/directory/model.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { UnauthorizedError } from '#domain/shared/errors.ts';
import { parseCredential, secretMatches } from '#domain/shared/ids.ts';

/** The agent whose token this is; 401 for a missing, unknown or revoked token. */
export async function authenticateAgent(deps: Deps, token: string | undefined): Promise<Agent> {
  const credential = parseCredential(token);
  const agent = credential && (await deps.store.directory.agents.get(credential.ownerId));
  if (!credential || !agent || agent.revoked || !secretMatches(credential.secret, agent.secretHash)) {
    throw new UnauthorizedError('Missing, unknown or revoked agent token');
  }
  return agent;
}
