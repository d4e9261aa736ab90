import type { AgentMessageInput } from '#api/agent.ts';
import { fileNameOf } from '#domain/conversations/file-name.ts';
import type { TranscriptEntry } from '#domain/conversations/model.ts';
import { ConversationGoneError, type NewEntry, writeToConversation } from '#domain/conversations/writes.ts';
import { queuesOf } from '#domain/directory/agents.ts';
import type { Agent } from '#domain/directory/model.ts';
import { claimAt, fingerprintOf, repeatOf } from '#domain/idempotency/policy.ts';
import type { Deps } from '#domain/shared/deps.ts';
import { AppError, ConflictError, UnprocessableError } from '#domain/shared/errors.ts';
import { conversationNotFound, refusal } from '#use-cases/agent/access.ts';

/** The entry and platform event of an agent's message: a text or a file. */
export function agentMessage(
  deps: Deps,
  agent: Agent,
  input: AgentMessageInput,
  idempotencyKey: string | undefined,
): NewEntry {
  const sender = deps.platform.senderOf(agent);
  const file = input.url && {
    url: input.url,
    name: input.name ?? fileNameOf(input.url),
    size: input.size ?? 0,
    comment: input.comment ?? '',
  };
  const content = file
    ? { from: 'agent' as const, type: 'file' as const, ...file }
    : { from: 'agent' as const, type: 'text' as const, text: input.text };
  return {
    content: { ...content, employeeId: agent.employeeId, idempotencyKey },
    event: file ? deps.platform.file(sender, file) : deps.platform.text(sender, input.text ?? ''),
  };
}

/** One guarded write: visible, open and accepted by this agent, checked by the write that numbers the message. */
async function writeAgentMessage(
  deps: Deps,
  agent: Agent,
  conversationId: string,
  input: AgentMessageInput,
  idempotencyKey: string | undefined,
): Promise<{ id: string }> {
  try {
    const outcome = await writeToConversation(
      deps,
      conversationId,
      { guard: { destinationIn: queuesOf(agent), assigneeIs: agent.employeeId }, firstResponse: true },
      [agentMessage(deps, agent, input, idempotencyKey)],
    );
    if (!outcome.ok) throw await refusal(deps, agent, outcome.current);
    return { id: (outcome.entries[0] as TranscriptEntry).id };
  } catch (error) {
    if (error instanceof ConversationGoneError) throw await refusal(deps, agent, error.current);
    throw error;
  }
}

/**
 * Sends a TextMessage or FileMessage to the client; 202 with the event id, since delivery follows.
 * With an Idempotency-Key (the agent's own, remembered for a day) the first answer is kept: a repeat
 * gets it back and writes nothing. The key is looked at only once the agent is known to see and hold
 * the conversation, and a claim whose write was refused is let go, so a refused request claims
 * nothing. The entry carries the key too, so a repeat after a crash between the writes still finds it.
 */
export async function sendMessage(
  deps: Deps,
  agent: Agent,
  conversationId: string,
  input: AgentMessageInput,
  idempotencyKey: string | undefined,
): Promise<{ id: string }> {
  if (!idempotencyKey) return writeAgentMessage(deps, agent, conversationId, input, undefined);

  const current = await deps.store.conversations.get(conversationId);
  if (!current || !queuesOf(agent).includes(current.destinationId)) throw conversationNotFound();
  if (current.assignee !== agent.employeeId) throw await refusal(deps, agent, current);

  const scope = { employeeId: agent.employeeId, conversationId };
  const fingerprint = fingerprintOf(agent, input);
  const claim = await deps.store.idempotency.claim(scope, idempotencyKey, claimAt(fingerprint, deps.now()));
  if (!claim.claimed) {
    const repeat = repeatOf(claim.record, fingerprint);
    if (repeat.kind === 'reused') {
      throw new UnprocessableError(
        'idempotency_key_reused',
        'This Idempotency-Key came with another request',
        [{ path: 'Idempotency-Key', message: 'already used for a different request' }],
      );
    }
    if (repeat.kind === 'answered') return repeat.response as { id: string };
    const written = await deps.store.transcript.findByIdempotencyKey(
      conversationId,
      idempotencyKey,
      repeat.since,
    );
    if (!written || written.employeeId !== agent.employeeId) {
      throw new ConflictError(
        'idempotency_in_progress',
        'A request with this Idempotency-Key is in progress',
      );
    }
    await deps.store.idempotency.complete(scope, idempotencyKey, { id: written.id });
    return { id: written.id };
  }
  let response: { id: string };
  try {
    response = await writeAgentMessage(deps, agent, conversationId, input, idempotencyKey);
  } catch (error) {
    if (error instanceof AppError) await deps.store.idempotency.release(scope, idempotencyKey, fingerprint);
    throw error;
  }
  await deps.store.idempotency.complete(scope, idempotencyKey, response);
  return response;
}
