import type { Conversation, TranscriptEntry } from '#domain/conversations/model.ts';
import type { Gap, Prechat, StoredConversation } from '#domain/conversations/ports.ts';

/** What an agent (or agent platform) may see of a conversation: everything but the hidden attributes. */
export function agentView(
  conversation: Omit<Conversation, keyof Prechat> &
    Partial<Prechat> &
    Partial<Pick<StoredConversation, 'lastSeq' | 'intent' | 'offlineReplyKey' | 'waitingReplyKey'>>,
) {
  const {
    hiddenAttributes: _hidden,
    lastSeq: _seq,
    intent: _intent,
    awaitsFirstClientMessage: _awaits,
    offlineReplyKey: _offline,
    waitingReplyKey: _waiting,
    ...visible
  } = conversation;
  return visible;
}

/** What an agent may see of a transcript entry: the outbox payload and routing stay internal. */
export function entryView(entry: TranscriptEntry) {
  const { delivery, channelId: _channel, idempotencyKey: _key, writeId: _write, ...rest } = entry;
  if (!delivery) return rest;
  const { payload: _payload, ...state } = delivery;
  return { ...rest, delivery: state };
}

export function isGap(entry: TranscriptEntry | Gap | undefined): entry is Gap {
  return (entry as Gap | undefined)?.gap === true;
}
