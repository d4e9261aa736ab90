import { EventEmitter } from 'node:events';

/**
 * In-process news of outbox writes: `conversation` with the id of a conversation that has an event
 * to deliver. The local runtime listens and delivers at once; in AWS nothing listens, because the
 * table's stream carries the same news to the delivery function.
 */
export const outboxSignals = new EventEmitter();
outboxSignals.setMaxListeners(0);
